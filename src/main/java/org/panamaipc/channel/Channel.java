package org.panamaipc.channel;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.panamaipc.DescriptorBased;
import org.panamaipc.ObjectMismatchException;
import org.panamaipc.OwnedFd;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Modes;
import org.panamaipc.shm.MapMode;
import org.panamaipc.shm.MappableFile;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.Memfd;
import org.panamaipc.shm.Seal;
import org.panamaipc.shm.SharedAtomics;
import org.panamaipc.shm.SharedMemory;

/**
 * A channel: a ring buffer of variable-length records in shared memory, mapped into this
 * process, in the open layout of {@link ChannelLayout} (version {@value ChannelLayout#VERSION})
 * that C and Python peers implement too. Its ends carry the records:
 *
 * <table class="striped">
 *   <caption>Kinds and their ends</caption>
 *   <tr><th>kind</th><th>sends</th><th>receives</th></tr>
 *   <tr><td>{@link ChannelKind#ONE_TO_ONE}</td><td>one {@link #writer()}</td><td>one {@link #reader()}</td></tr>
 *   <tr><td>{@link ChannelKind#MANY_TO_ONE}</td><td>up to 64 {@link #writer()}s</td><td>one {@link #reader()}</td></tr>
 *   <tr><td>{@link ChannelKind#BROADCAST}</td><td>one {@link #transmitter()}</td><td>any number of {@link #receiver()}s</td></tr>
 * </table>
 *
 * <p>The memory is a POSIX shared memory object reached by name ({@link #create},
 * {@link #open}, {@link #openOrCreate}), or an anonymous memfd sealed against shrinking and
 * growing ({@link #createAnonymous}) whose {@link #fd()} is passed to the peer over a Unix
 * socket and {@linkplain #adopt adopted} there.
 *
 * <pre>{@code
 * String name = Channel.uniqueName("orders");
 * try (Channel channel = Channel.create(name, ChannelKind.ONE_TO_ONE, 1 << 20).unlinkOnClose();
 *      ChannelWriter writer = channel.writer()) {
 *     // the peer: Channel.open(name).reader()
 *     writer.send(1, MemorySegment.ofArray("hello".getBytes()));
 * }
 * }</pre>
 *
 * <h2>Lifetime</h2>
 * {@link #close()} closes the ends made from this channel (releasing any thread blocked in
 * them), then unmaps the memory and closes the descriptor once the last call on an end is
 * over; after {@link #unlinkOnClose()} it also removes the name. The shared object lives on
 * while other processes have it open or mapped. Use after close throws
 * {@link IllegalStateException}, never crashes the JVM.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/shm_overview.7.html">shm_overview(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/memfd_create.2.html">memfd_create(2)</a>
 */
public final class Channel implements DescriptorBased, AutoCloseable {
    private static final Duration CREATOR_GRACE = Duration.ofMillis(100);
    private static final Set<Seal> REQUIRED_SEALS = EnumSet.of(Seal.SHRINK, Seal.GROW);

    private final MappableFile file;
    private final Mapping mapping;
    private final String name;
    private final String what;
    private final ChannelKind kind;
    private final int capacity;
    private final int maxPayloadLength;
    private final MemorySegment header;
    private final MemorySegment data;
    private final Blocker life;
    private final Set<AutoCloseable> ends = ConcurrentHashMap.newKeySet();

    private Channel(MappableFile file, Mapping mapping, String name, ChannelKind kind, int capacity) {
        this.file = file;
        this.mapping = mapping;
        this.name = name;
        this.what = name != null ? name : "channel fd=" + file.fd().get();
        this.kind = kind;
        this.capacity = capacity;
        this.maxPayloadLength = ChannelLayout.maxPayloadLength(kind, capacity);
        MemorySegment whole = mapping.segment();
        this.header = whole.asSlice(0, ChannelLayout.HEADER_LENGTH);
        this.data = whole.asSlice(ChannelLayout.HEADER_LENGTH, capacity);
        this.life = Blocker.forHandle(what, this::release);
    }

    // ------------------------------------------------------------------ named channels

    /**
     * A name no other object has: the prefix, a dash and 16 random hexadecimal digits, e.g.
     * {@code /orders-3f9c0a1b2c3d4e5f}.
     *
     * @param prefix letters, digits, {@code -_.} only, at most 200 characters
     * @return the name
     * @throws IllegalArgumentException if the prefix is empty or holds other characters
     */
    public static String uniqueName(String prefix) {
        return SharedMemory.uniqueName(prefix);
    }

    /**
     * Creates a channel in a new POSIX shared memory object (exclusively), mode 0600.
     *
     * @param name the name, e.g. {@code "/orders"}
     * @param kind the kind
     * @param capacity the data bytes: a power of two in [1024, 2^30]; the longest payload is an
     *        eighth of it less a record header
     * @return the channel, mapped
     * @throws FileAlreadyExistsException if an object of that name exists; it is left as it was
     * @throws IOException if {@code shm_open}, {@code ftruncate} or {@code mmap} fails
     * @throws IllegalArgumentException if the name is invalid or the capacity out of range
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_open.3.html">shm_open(3)</a>
     */
    public static Channel create(String name, ChannelKind kind, int capacity) throws IOException {
        return create(name, kind, capacity, Modes.OWNER_READ_WRITE);
    }

    /**
     * Creates a channel in a new POSIX shared memory object (exclusively) with the given
     * permissions.
     *
     * @param name the name, e.g. {@code "/orders"}
     * @param kind the kind
     * @param capacity the data bytes: a power of two in [1024, 2^30]
     * @param permissions the permissions (the umask applies)
     * @return the channel, mapped
     * @throws FileAlreadyExistsException if an object of that name exists; it is left as it was
     * @throws IOException if {@code shm_open}, {@code ftruncate} or {@code mmap} fails
     * @throws IllegalArgumentException if the name is invalid or the capacity out of range
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_open.3.html">shm_open(3)</a>
     */
    public static Channel create(String name, ChannelKind kind, int capacity, Set<PosixFilePermission> permissions)
            throws IOException {
        Check.notNull("name", name);
        Check.notNull("kind", kind);
        Check.notNull("permissions", permissions);
        ChannelLayout.checkCapacity(capacity);
        SharedMemory shm = SharedMemory.create(name, ChannelLayout.objectSize(capacity), permissions);
        try {
            Mapping mapping = shm.map(MapMode.READ_WRITE);
            initialize(mapping.segment(), kind, capacity);
            return new Channel(shm, mapping, name, kind, capacity);
        } catch (IOException | RuntimeException e) {
            shm.close();
            SharedMemory.unlinkIfExists(name);
            throw e;
        }
    }

    /**
     * Opens an existing channel by name and checks its header: magic, version, kind,
     * capacity and the object's size. A channel still being created is given 100 ms to be
     * ready.
     *
     * @param name the name, e.g. {@code "/orders"}
     * @return the channel, mapped
     * @throws NoSuchFileException if there is no object of that name
     * @throws ChannelFormatException if the object is not a version-1 channel
     * @throws java.nio.file.AccessDeniedException if this process may not open it read-write
     * @throws IOException if {@code shm_open}, {@code fstat} or {@code mmap} fails
     * @throws IllegalArgumentException if the name is invalid
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_open.3.html">shm_open(3)</a>
     */
    public static Channel open(String name) throws IOException {
        return attachTo(SharedMemory.open(name), name, null, 0);
    }

    /**
     * Opens the channel if it exists, or creates it. Never alters an existing one: one of
     * another kind or capacity is refused with {@link ObjectMismatchException}. Safe when
     * several processes race: exactly one creates it.
     *
     * @param name the name, e.g. {@code "/orders"}
     * @param kind the kind it must have or is created with
     * @param capacity the capacity it must have or is created with
     * @return the channel, mapped
     * @throws ObjectMismatchException if it exists with another kind or capacity
     * @throws ChannelFormatException if the existing object is not a version-1 channel
     * @throws IOException if {@code shm_open}, {@code ftruncate}, {@code fstat} or {@code mmap} fails
     * @throws IllegalArgumentException if the name is invalid or the capacity out of range
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_open.3.html">shm_open(3)</a>
     */
    public static Channel openOrCreate(String name, ChannelKind kind, int capacity) throws IOException {
        Check.notNull("name", name);
        Check.notNull("kind", kind);
        ChannelLayout.checkCapacity(capacity);
        while (true) {
            try {
                return create(name, kind, capacity);
            } catch (FileAlreadyExistsException exists) {
                // open it below
            }
            SharedMemory shm;
            try {
                shm = SharedMemory.open(name);
            } catch (NoSuchFileException unlinkedMeanwhile) {
                continue;
            }
            return attachTo(shm, name, kind, capacity);
        }
    }

    /**
     * Removes a channel's name ({@code shm_unlink}); processes that have it open keep it.
     *
     * @param name the name
     * @throws NoSuchFileException if there is no object of that name
     * @throws IOException if {@code shm_unlink} fails otherwise
     * @throws IllegalArgumentException if the name is invalid
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_unlink.3.html">shm_unlink(3)</a>
     */
    public static void unlink(String name) throws IOException {
        SharedMemory.unlink(name);
    }

    /**
     * Makes {@link #close()} also remove the name, for the creator that owns the channel's life.
     *
     * @return this channel
     * @throws IllegalStateException if closed, or if the channel is anonymous
     */
    public Channel unlinkOnClose() {
        if (!(file instanceof SharedMemory shm)) {
            throw new IllegalStateException(what + " is anonymous: it has no name to remove");
        }
        checkOpen();
        shm.unlinkOnClose();
        return this;
    }

    // ------------------------------------------------------------------ anonymous channels

    /**
     * Creates a channel in an anonymous memfd, sealed against shrinking, growing and further
     * sealing, so that no process can take its memory away under a reader. Pass its
     * {@link #fd()} to the peer over a Unix socket; the peer calls {@link #adopt}.
     *
     * @param kind the kind
     * @param capacity the data bytes: a power of two in [1024, 2^30]
     * @return the channel, mapped
     * @throws IOException if {@code memfd_create}, {@code ftruncate}, {@code mmap} or
     *         {@code fcntl(F_ADD_SEALS)} fails
     * @throws IllegalArgumentException if the capacity is out of range
     * @see <a href="https://man7.org/linux/man-pages/man2/memfd_create.2.html">memfd_create(2)</a>
     */
    public static Channel createAnonymous(ChannelKind kind, int capacity) throws IOException {
        Check.notNull("kind", kind);
        ChannelLayout.checkCapacity(capacity);
        Memfd memfd = Memfd.create("panama-ipc-channel", ChannelLayout.objectSize(capacity));
        try {
            Mapping mapping = memfd.map(MapMode.READ_WRITE);
            try {
                initialize(mapping.segment(), kind, capacity);
                memfd.addSeals(Seal.SHRINK, Seal.GROW, Seal.SEAL);
                return new Channel(memfd, mapping, null, kind, capacity);
            } catch (IOException | RuntimeException e) {
                mapping.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            memfd.close();
            throw e;
        }
    }

    /**
     * Joins an anonymous channel from its descriptor (received over a Unix socket): checks
     * that it is a memfd sealed against shrinking and growing, then maps it and checks the
     * header as {@link #open} does.
     *
     * @param fd the descriptor; this channel owns it from now on, and closes it also when the
     *        checks fail
     * @return the channel, mapped
     * @throws ChannelFormatException if the memfd is not sealed against shrinking and growing,
     *         or is not a version-1 channel
     * @throws IOException if {@code fstat}, {@code fcntl} or {@code mmap} fails
     * @throws IllegalArgumentException if {@code fd} is not a regular file (shared memory)
     * @see <a href="https://man7.org/linux/man-pages/man2/fcntl.2.html">fcntl(2) F_GET_SEALS</a>
     */
    public static Channel adopt(OwnedFd fd) throws IOException {
        Check.notNull("fd", fd);
        Memfd memfd;
        try {
            memfd = Memfd.adopt(fd);
        } catch (IOException | RuntimeException e) {
            fd.close();
            throw e;
        }
        try {
            EnumSet<Seal> seals = memfd.seals();
            if (!seals.containsAll(REQUIRED_SEALS)) {
                throw new ChannelFormatException("channel fd=" + memfd.fd().get() + ": seals=" + seals
                        + ", must include " + REQUIRED_SEALS + " so that no process can shrink it under a reader");
            }
        } catch (IOException | RuntimeException e) {
            memfd.close();
            throw e;
        }
        return attachTo(memfd, null, null, 0);
    }

    // ------------------------------------------------------------------ header

    private static void initialize(MemorySegment s, ChannelKind kind, int capacity) {
        s.set(ValueLayout.JAVA_LONG, ChannelLayout.MAGIC_OFFSET, ChannelLayout.MAGIC);
        s.set(ValueLayout.JAVA_INT, ChannelLayout.VERSION_OFFSET, ChannelLayout.VERSION);
        s.set(ValueLayout.JAVA_INT, ChannelLayout.KIND_OFFSET, kind.code());
        s.set(ValueLayout.JAVA_LONG, ChannelLayout.CAPACITY_OFFSET, capacity);
        s.set(ValueLayout.JAVA_INT, ChannelLayout.HEADER_LENGTH_OFFSET, ChannelLayout.HEADER_LENGTH);
        s.set(ValueLayout.JAVA_INT, ChannelLayout.MAX_PAYLOAD_LENGTH_OFFSET,
                ChannelLayout.maxPayloadLength(kind, capacity));
        SharedAtomics.putIntRelease(s, ChannelLayout.STATE_OFFSET, ChannelLayout.STATE_READY);
    }

    /** Maps an opened object, waits for its creator, checks its header; closes {@code file} on failure. */
    private static Channel attachTo(MappableFile file, String name, ChannelKind expectedKind, int expectedCapacity)
            throws IOException {
        String what = name != null ? name : "channel fd=" + file.fd().get();
        Mapping mapping = null;
        try {
            long end = Deadline.end(CREATOR_GRACE);
            long size = file.size();
            while (size == 0 && !Deadline.expired(end)) { // the creator has not sized it yet
                LockSupport.parkNanos(1_000_000);
                size = file.size();
            }
            if (size < ChannelLayout.objectSize(ChannelLayout.MIN_CAPACITY)) {
                throw new ChannelFormatException(what + ": size=" + size + " is too small for a channel (at least "
                        + ChannelLayout.objectSize(ChannelLayout.MIN_CAPACITY) + ")");
            }
            mapping = file.map(MapMode.READ_WRITE, 0, size);
            MemorySegment s = mapping.segment();
            while (SharedAtomics.getIntAcquire(s, ChannelLayout.STATE_OFFSET) == ChannelLayout.STATE_INITIALIZING
                    && SharedAtomics.getLongAcquire(s, ChannelLayout.MAGIC_OFFSET) == 0 && !Deadline.expired(end)) {
                LockSupport.parkNanos(1_000_000);
            }
            ChannelKind kind = checkHeader(s, size, what);
            int capacity = (int) SharedAtomics.getLong(s, ChannelLayout.CAPACITY_OFFSET);
            if (expectedKind != null && (kind != expectedKind || capacity != expectedCapacity)) {
                throw new ObjectMismatchException(what, "kind=" + kind + " capacity=" + capacity,
                        "kind=" + expectedKind + " capacity=" + expectedCapacity);
            }
            if (size != ChannelLayout.objectSize(capacity)) { // checked in checkHeader; mapped as sized
                throw new AssertionError(size);
            }
            return new Channel(file, mapping, name, kind, capacity);
        } catch (IOException | RuntimeException e) {
            if (mapping != null) {
                mapping.close();
            }
            file.close();
            throw e;
        }
    }

    /** Checks every field a version-1 header fixes; returns the kind. */
    static ChannelKind checkHeader(MemorySegment s, long size, String what) throws ChannelFormatException {
        long magic = SharedAtomics.getLongAcquire(s, ChannelLayout.MAGIC_OFFSET);
        if (magic != ChannelLayout.MAGIC) {
            throw new ChannelFormatException(what + ": magic=0x" + Long.toHexString(magic) + ", expected 0x"
                    + Long.toHexString(ChannelLayout.MAGIC) + " (\"PIPCRING\"): not a channel");
        }
        int state = SharedAtomics.getIntAcquire(s, ChannelLayout.STATE_OFFSET);
        if (state != ChannelLayout.STATE_READY) {
            throw new ChannelFormatException(what + ": state=" + state + ", expected " + ChannelLayout.STATE_READY
                    + ": its creator did not finish it");
        }
        int version = SharedAtomics.getInt(s, ChannelLayout.VERSION_OFFSET);
        if (version != ChannelLayout.VERSION) {
            throw new ChannelFormatException(what + ": version=" + version + ", this library reads version "
                    + ChannelLayout.VERSION);
        }
        int code = SharedAtomics.getInt(s, ChannelLayout.KIND_OFFSET);
        ChannelKind kind = ChannelKind.ofCode(code);
        if (kind == null) {
            throw new ChannelFormatException(what + ": kind=" + code + ", expected 1, 2 or 3");
        }
        long capacity = SharedAtomics.getLong(s, ChannelLayout.CAPACITY_OFFSET);
        if (capacity < ChannelLayout.MIN_CAPACITY || capacity > ChannelLayout.MAX_CAPACITY
                || Long.bitCount(capacity) != 1) {
            throw new ChannelFormatException(what + ": capacity=" + capacity + " is not a power of two in ["
                    + ChannelLayout.MIN_CAPACITY + ", " + ChannelLayout.MAX_CAPACITY + "]");
        }
        int headerLength = SharedAtomics.getInt(s, ChannelLayout.HEADER_LENGTH_OFFSET);
        if (headerLength != ChannelLayout.HEADER_LENGTH) {
            throw new ChannelFormatException(what + ": headerLength=" + headerLength + ", expected "
                    + ChannelLayout.HEADER_LENGTH);
        }
        int maxPayload = SharedAtomics.getInt(s, ChannelLayout.MAX_PAYLOAD_LENGTH_OFFSET);
        if (maxPayload != ChannelLayout.maxPayloadLength(kind, capacity)) {
            throw new ChannelFormatException(what + ": maxPayloadLength=" + maxPayload + ", expected "
                    + ChannelLayout.maxPayloadLength(kind, capacity) + " for kind=" + kind + " capacity=" + capacity);
        }
        if (size != ChannelLayout.objectSize(capacity)) {
            throw new ChannelFormatException(what + ": size=" + size + ", expected " + ChannelLayout.objectSize(capacity)
                    + " for capacity=" + capacity);
        }
        return kind;
    }

    // ------------------------------------------------------------------ ends

    /**
     * Attaches a writer: the one writer of a one-to-one channel, or a producer of a
     * many-to-one channel (in a free slot), waiting with {@link IdleStrategy#park()}.
     *
     * @return the writer; close it to detach
     * @throws ChannelEndInUseException if a live process holds the one-to-one writer, or all
     *         producer slots
     * @throws ChannelCorruptedException if the positions in the header are impossible
     * @throws IllegalStateException if the channel is closed or is a broadcast channel
     */
    public ChannelWriter writer() throws IOException {
        return writer(IdleStrategy.park());
    }

    /**
     * Attaches a writer that waits for room with the given strategy.
     *
     * @param idle how blocking sends wait
     * @return the writer; close it to detach
     * @throws ChannelEndInUseException if a live process holds the one-to-one writer, or all
     *         producer slots
     * @throws ChannelCorruptedException if the positions in the header are impossible
     * @throws IllegalStateException if the channel is closed or is a broadcast channel
     */
    public ChannelWriter writer(IdleStrategy idle) throws IOException {
        Check.notNull("idle", idle);
        requireKind(kind != ChannelKind.BROADCAST, "writer()", "transmitter()");
        return new ChannelWriter(this, idle);
    }

    /**
     * Attaches the reader of a one-to-one or many-to-one channel, waiting with
     * {@link IdleStrategy#park()}. It continues from {@code head}: a reader that restarts
     * reads on where the last one stopped.
     *
     * @return the reader; close it to detach
     * @throws ChannelEndInUseException if a live process holds the reader
     * @throws ChannelCorruptedException if the positions in the header are impossible
     * @throws IllegalStateException if the channel is closed or is a broadcast channel
     */
    public ChannelReader reader() throws IOException {
        return reader(IdleStrategy.park());
    }

    /**
     * Attaches the reader, waiting for records with the given strategy.
     *
     * @param idle how blocking receives wait
     * @return the reader; close it to detach
     * @throws ChannelEndInUseException if a live process holds the reader
     * @throws ChannelCorruptedException if the positions in the header are impossible
     * @throws IllegalStateException if the channel is closed or is a broadcast channel
     */
    public ChannelReader reader(IdleStrategy idle) throws IOException {
        Check.notNull("idle", idle);
        requireKind(kind != ChannelKind.BROADCAST, "reader()", "receiver()");
        return new ChannelReader(this, idle);
    }

    /**
     * Attaches the transmitter of a broadcast channel; it continues after the last record a
     * previous transmitter wrote.
     *
     * @return the transmitter; close it to detach
     * @throws ChannelEndInUseException if a live process holds the transmitter
     * @throws ChannelCorruptedException if the positions in the header are impossible
     * @throws IllegalStateException if the channel is closed or is not a broadcast channel
     */
    public BroadcastTransmitter transmitter() throws IOException {
        requireKind(kind == ChannelKind.BROADCAST, "transmitter()", "writer()");
        return new BroadcastTransmitter(this);
    }

    /**
     * A receiver of a broadcast channel that starts at the latest record, waiting with
     * {@link IdleStrategy#park()}.
     *
     * @return the receiver; close it when done
     * @throws IllegalStateException if the channel is closed or is not a broadcast channel
     */
    public BroadcastReceiver receiver() {
        return receiver(BroadcastReceiver.Start.LATEST, IdleStrategy.park());
    }

    /**
     * A receiver of a broadcast channel.
     *
     * @param start where it starts: at the latest record, or at the next one transmitted
     * @param idle how blocking receives wait
     * @return the receiver; close it when done
     * @throws IllegalStateException if the channel is closed or is not a broadcast channel
     */
    public BroadcastReceiver receiver(BroadcastReceiver.Start start, IdleStrategy idle) {
        Check.notNull("start", start);
        Check.notNull("idle", idle);
        requireKind(kind == ChannelKind.BROADCAST, "receiver()", "reader()");
        return new BroadcastReceiver(this, start, idle);
    }

    private void requireKind(boolean ok, String call, String instead) {
        checkOpen();
        if (!ok) {
            throw new IllegalStateException(what + ": kind=" + kind + " has no " + call + "; use " + instead);
        }
    }

    // ------------------------------------------------------------------ properties

    /** {@return the kind} */
    public ChannelKind kind() {
        return kind;
    }

    /** {@return the data bytes of the ring, a power of two} */
    public int capacity() {
        return capacity;
    }

    /** {@return the longest payload a record may have: an eighth of the ring less a record header} */
    public int maxPayloadLength() {
        return maxPayloadLength;
    }

    /** {@return the POSIX name, or empty for an anonymous channel} */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /**
     * The descriptor of the shared memory object or memfd, still owned by this channel: pass
     * it to a peer over a Unix socket (the peer calls {@link #adopt}).
     *
     * <p><b>Lifetime:</b> closed by {@link #close()} once the last end is done.
     *
     * @return the owned descriptor
     */
    @Override
    public OwnedFd fd() {
        return file.fd();
    }

    /**
     * Reads the header without attaching: positions, bytes used, who is attached.
     *
     * @return a snapshot
     * @throws IllegalStateException if closed
     */
    public ChannelStatus status() {
        enterLife();
        try {
            long tail = SharedAtomics.getLongAcquire(header, ChannelLayout.TAIL_OFFSET);
            long head = SharedAtomics.getLongAcquire(header, ChannelLayout.HEAD_OFFSET);
            long used = kind == ChannelKind.BROADCAST ? Math.min(tail, capacity) : tail - head;
            List<Long> producers = new ArrayList<>();
            if (kind == ChannelKind.MANY_TO_ONE) {
                for (int slot = 0; slot < ChannelLayout.MAX_PRODUCERS; slot++) {
                    int pid = Identities.pid(header, ChannelLayout.slotOffset(slot));
                    if (pid != 0) {
                        producers.add(Integer.toUnsignedLong(pid));
                    }
                }
            }
            return new ChannelStatus(kind, capacity, maxPayloadLength, tail, head, used,
                    Integer.toUnsignedLong(Identities.pid(header, ChannelLayout.WRITER_OFFSET)),
                    Integer.toUnsignedLong(Identities.pid(header, ChannelLayout.READER_OFFSET)), producers,
                    SharedAtomics.getIntAcquire(header, ChannelLayout.DATA_SLEEPERS_OFFSET) & EndWaits.SLEEPERS_MASK,
                    SharedAtomics.getIntAcquire(header, ChannelLayout.ROOM_SLEEPERS_OFFSET) & EndWaits.SLEEPERS_MASK);
        } finally {
            life.exit();
        }
    }

    /** {@return whether {@link #close()} has not been called} */
    public boolean isOpen() {
        return life.isOpen();
    }

    /**
     * Closes the ends made from this channel (releasing threads blocked in them with
     * {@link java.nio.channels.AsynchronousCloseException}), then unmaps the memory and closes
     * the descriptor after the last call in flight; removes the name after
     * {@link #unlinkOnClose()}. Idempotent.
     */
    @Override
    public void close() {
        for (AutoCloseable end : List.copyOf(ends)) {
            try {
                end.close();
            } catch (Exception ignored) {
                // an end's close reports nothing worth stopping for
            }
        }
        life.close();
    }

    @Override
    public String toString() {
        return "Channel[" + what + ", " + kind + ", capacity=" + capacity + (isOpen() ? "]" : ", closed]");
    }

    // ------------------------------------------------------------------ for the ends

    String what() {
        return what;
    }

    MemorySegment header() {
        return header;
    }

    MemorySegment data() {
        return data;
    }

    /** Registers an end that keeps the memory mapped until it is released. */
    void enterEnd(AutoCloseable end) {
        enterLife();
        ends.add(end);
    }

    /** Releases an end registered by {@link #enterEnd}. */
    void exitEnd(AutoCloseable end) {
        if (ends.remove(end)) {
            life.exit();
        }
    }

    private void enterLife() {
        try {
            life.enter();
        } catch (java.nio.channels.ClosedChannelException notForAHandle) {
            throw new IllegalStateException(what + " is closed", notForAHandle);
        }
    }

    void checkOpen() {
        if (!life.isOpen()) {
            throw new IllegalStateException(what + " is closed");
        }
    }

    private void release() {
        try {
            mapping.close();
        } finally {
            file.close();
        }
    }
}
