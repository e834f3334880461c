package org.panamaipc.shm;

import org.panamaipc.internal.Modes;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.panamaipc.DescriptorBased;
import org.panamaipc.ObjectMismatchException;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.stat;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.FdUse;
import org.panamaipc.internal.MappedMemory;
import org.panamaipc.internal.ShmCalls;
import org.panamaipc.internal.Sys;

/**
 * An open descriptor of memory that can be mapped: a POSIX {@link SharedMemory} object, a
 * {@link Memfd} or a regular {@link MappedFile}. Owns the descriptor; mappings made from it
 * are separate objects that outlive it.
 *
 * <p><b>Size.</b> {@link #truncate(long)} sets the size; mappings made earlier keep their
 * length and are {@linkplain Mapping#remap(long) remapped} to see a new one. Shrinking below
 * the end of a live mapping made through this object is refused, since touching the lost
 * pages would raise {@code SIGBUS}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/mmap.2.html">mmap(2)</a>
 */
public abstract sealed class MappableFile implements DescriptorBased, AutoCloseable permits SharedMemory, Memfd, MappedFile {
    /** How long {@code openOrCreate} lets the creator of an object of size 0 take to size it. */
    static final Duration SIZING_GRACE = Duration.ofMillis(100);

    private final OwnedFd fd;
    private final boolean writable;
    private final Map<Object, Long> liveMappingEnds = new ConcurrentHashMap<>();

    MappableFile(OwnedFd fd, boolean writable) {
        this.fd = fd;
        this.writable = writable;
    }

    /** {@return how error messages name this object, e.g. {@code "/orders"}} */
    abstract String describe();

    /**
     * The descriptor, owned by this object: pass it to another process (for example over a
     * Unix socket) or {@link OwnedFd#dup() dup} it to keep it beyond {@link #close()}; do not
     * close it.
     *
     * @return the owned descriptor
     */
    @Override
    public OwnedFd fd() {
        return fd;
    }

    /** {@return whether the descriptor was opened for writing, so {@link MapMode#READ_WRITE} is possible} */
    public boolean isWritable() {
        return writable;
    }

    /**
     * The current size ({@code fstat}); another process may change it at any moment.
     *
     * @return the size in bytes
     * @throws IOException if {@code fstat} fails
     * @throws IllegalStateException if this object is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/fstat.2.html">fstat(2)</a>
     */
    public long size() throws IOException {
        return stat().size();
    }

    /**
     * The size, permissions and owner ({@code fstat}).
     *
     * @return the status
     * @throws IOException if {@code fstat} fails
     * @throws IllegalStateException if this object is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/fstat.2.html">fstat(2)</a>
     */
    public ShmStat stat() throws IOException {
        int n = FdUse.enter(fd);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(stat.layout());
            int r = Sys.fstat(n, st);
            if (r < 0) {
                throw Errors.of("fstat", describe(), -r);
            }
            return new ShmStat(stat.st_size(st), Modes.fromMode(stat.st_mode(st)), stat.st_uid(st), stat.st_gid(st));
        } finally {
            FdUse.exit(fd);
        }
    }

    /**
     * Sets the size ({@code ftruncate}): growing adds zero bytes, shrinking drops the end.
     *
     * @param size the new size in bytes
     * @throws IOException if {@code ftruncate} fails: {@code EPERM} when a {@link Seal}
     *         forbids the change, {@code EFBIG} beyond the file size limit, {@code EINVAL}
     *         when the descriptor is not writable
     * @throws IllegalArgumentException if {@code size} is negative
     * @throws IllegalStateException if this object is closed, or {@code size} would cut off
     *         part of a live mapping made through this object
     * @see <a href="https://man7.org/linux/man-pages/man2/ftruncate.2.html">ftruncate(2)</a>
     */
    public void truncate(long size) throws IOException {
        Check.notNegative("size", size);
        for (long end : liveMappingEnds.values()) {
            if (end > size) {
                throw new IllegalStateException("size=" + size + " would cut a live mapping ending at " + end
                        + "; close or remap it first");
            }
        }
        int n = FdUse.enter(fd);
        try {
            int r = Sys.ftruncate(n, size);
            if (r < 0) {
                throw Errors.of("ftruncate", describe() + ", length=" + size, -r);
            }
        } finally {
            FdUse.exit(fd);
        }
    }

    /**
     * Changes the permission bits ({@code fchmod}); the process umask does not apply.
     *
     * @param permissions the new permissions
     * @throws IOException if {@code fchmod} fails ({@code EPERM} if this process is not the owner)
     * @throws IllegalStateException if this object is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/fchmod.2.html">fchmod(2)</a>
     */
    public void setPermissions(Set<PosixFilePermission> permissions) throws IOException {
        int mode = Modes.toMode(permissions);
        int n = FdUse.enter(fd);
        try {
            int r = ShmCalls.fchmod(n, mode);
            if (r < 0) {
                throw Errors.of("fchmod", describe() + ", " + Modes.octal(mode), -r);
            }
        } finally {
            FdUse.exit(fd);
        }
    }

    /**
     * Maps the whole object as it is now, read-write if the descriptor is writable and
     * read-only otherwise.
     *
     * <p><b>Lifetime:</b> the mapping is owned by the caller and unmapped by its
     * {@link Mapping#close()}.
     *
     * @return the mapping
     * @throws IOException if {@code fstat} or {@code mmap} fails
     * @throws IllegalStateException if this object is closed or its size is 0
     */
    public Mapping map() throws IOException {
        return map(writable ? MapMode.READ_WRITE : MapMode.READ_ONLY);
    }

    /**
     * Maps the whole object as it is now.
     *
     * <p><b>Lifetime:</b> the mapping is owned by the caller and unmapped by its
     * {@link Mapping#close()}.
     *
     * @param mode how to map
     * @return the mapping
     * @throws IOException if {@code fstat} or {@code mmap} fails ({@code EPERM} when a
     *         {@link Seal#WRITE} forbids a writable mapping)
     * @throws NonWritableChannelException if {@code mode} is {@link MapMode#READ_WRITE} and
     *         the descriptor is read-only
     * @throws IllegalStateException if this object is closed or its size is 0
     */
    public Mapping map(MapMode mode) throws IOException {
        long size = size();
        if (size == 0) {
            throw new IllegalStateException(describe() + " has size=0: nothing to map; truncate it first");
        }
        return map(mode, 0, size, Set.of());
    }

    /**
     * Maps a range of the object. The offset need not be page-aligned.
     *
     * <p><b>Lifetime:</b> the mapping is owned by the caller and unmapped by its
     * {@link Mapping#close()}.
     *
     * @param mode how to map
     * @param offset the start of the range in the object
     * @param length the length of the range, positive
     * @return the mapping
     * @throws IOException if {@code fstat} or {@code mmap} fails ({@code EPERM} when a
     *         {@link Seal#WRITE} forbids a writable mapping)
     * @throws IndexOutOfBoundsException if the range passes the object's current size
     * @throws IllegalArgumentException if {@code offset} is negative or {@code length} is not positive
     * @throws NonWritableChannelException if {@code mode} is {@link MapMode#READ_WRITE} and
     *         the descriptor is read-only
     * @throws IllegalStateException if this object is closed
     */
    public Mapping map(MapMode mode, long offset, long length) throws IOException {
        return map(mode, offset, length, Set.of());
    }

    /**
     * Maps a range of the object with extra {@code mmap} flags. The offset need not be
     * page-aligned.
     *
     * <p><b>Lifetime:</b> the mapping is owned by the caller and unmapped by its
     * {@link Mapping#close()}.
     *
     * @param mode how to map
     * @param offset the start of the range in the object
     * @param length the length of the range, positive
     * @param options extra flags, e.g. {@link MapOption#POPULATE}
     * @return the mapping
     * @throws IOException if {@code fstat} or {@code mmap} fails ({@code EPERM} when a
     *         {@link Seal#WRITE} forbids a writable mapping, {@code EINVAL} for
     *         {@link MapOption#HUGE_PAGES} on an object not on hugetlbfs)
     * @throws IndexOutOfBoundsException if the range passes the object's current size
     * @throws IllegalArgumentException if {@code offset} is negative or {@code length} is not positive
     * @throws NonWritableChannelException if {@code mode} is {@link MapMode#READ_WRITE} and
     *         the descriptor is read-only
     * @throws IllegalStateException if this object is closed
     */
    public Mapping map(MapMode mode, long offset, long length, Set<MapOption> options) throws IOException {
        Check.notNull("options", options);
        Set<MapOption> opts = options.isEmpty() ? EnumSet.noneOf(MapOption.class) : EnumSet.copyOf(options);
        Arena arena = Arena.ofShared();
        try {
            long delta = offset - ShmCalls.pageFloor(offset);
            MemorySegment whole = mapInto(mode, offset, length, opts, arena);
            return new Mapping(arena, whole, delta, length, mode, this, offset, opts);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Maps a range of the object into the caller's arena, like
     * {@link java.nio.channels.FileChannel#map(java.nio.channels.FileChannel.MapMode, long, long, Arena)}.
     *
     * <p><b>Lifetime:</b> the memory is unmapped when {@code arena} closes (for an automatic
     * arena, once the segment is unreachable); then every access throws
     * {@link IllegalStateException}.
     *
     * @param mode how to map
     * @param offset the start of the range in the object, need not be page-aligned
     * @param length the length of the range, positive
     * @param arena the arena that owns the mapping
     * @return the mapped memory, read-only for {@link MapMode#READ_ONLY}
     * @throws IOException if {@code fstat} or {@code mmap} fails
     * @throws IndexOutOfBoundsException if the range passes the object's current size
     * @throws IllegalArgumentException if {@code offset} is negative or {@code length} is not positive
     * @throws NonWritableChannelException if {@code mode} is {@link MapMode#READ_WRITE} and
     *         the descriptor is read-only
     * @throws IllegalStateException if this object or {@code arena} is closed
     */
    public MemorySegment map(MapMode mode, long offset, long length, Arena arena) throws IOException {
        Check.notNull("arena", arena);
        long delta = offset - ShmCalls.pageFloor(offset);
        MemorySegment view = mapInto(mode, offset, length, EnumSet.noneOf(MapOption.class), arena)
                .asSlice(delta, length);
        return mode == MapMode.READ_ONLY ? view.asReadOnly() : view;
    }

    private MemorySegment mapInto(MapMode mode, long offset, long length, Set<MapOption> options, Arena arena)
            throws IOException {
        Check.notNull("mode", mode);
        Check.notNegative("offset", offset);
        Check.positive("length", length);
        if (mode.writesThrough() && !writable) {
            throw new NonWritableChannelException();
        }
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException("arena is closed");
        }
        long size = size();
        if (offset > size - length) {
            throw new IndexOutOfBoundsException("offset=" + offset + " length=" + length + " size=" + size
                    + ": the range passes the end of " + describe());
        }
        long alignedOffset = ShmCalls.pageFloor(offset);
        long mappedLength = offset - alignedOffset + length;
        int n = FdUse.enter(fd);
        long address;
        try {
            address = ShmCalls.mmap(mappedLength, mode.prot, mode.flags | MapOption.flags(options), n, alignedOffset);
        } finally {
            FdUse.exit(fd);
        }
        if (address < 0) {
            throw Errors.of("mmap", "length=" + mappedLength + ", " + mode + (options.isEmpty() ? "" : " " + options)
                    + ", " + describe()
                    + ", offset=" + alignedOffset + mapFailureHint((int) -address), (int) -address);
        }
        Object token = new Object();
        liveMappingEnds.put(token, offset + length);
        return Mapping.place(address, mappedLength, arena, () -> {
            ShmCalls.munmap(address, mappedLength);
            liveMappingEnds.remove(token);
        }, backing(alignedOffset + mappedLength));
    }

    /**
     * What backs a mapping of this object that ends at {@code end}, for
     * {@link MappedMemory}: the object cannot shrink under it once it carries
     * {@link Seal#SHRINK} and, read after the seal, a size of at least {@code end}. A seal is
     * never removed and the size can then only grow, so the first "cannot shrink" holds for
     * good and is remembered (also for after this object's descriptor is closed).
     */
    private MappedMemory.Backing backing(long end) {
        MappedMemory.Backing backing = new MappedMemory.Backing() {
            private volatile boolean sealed;

            @Override
            public String shrinkRisk() {
                if (sealed) {
                    return null;
                }
                String risk = riskBelow(end);
                sealed = risk == null;
                return risk;
            }
        };
        backing.shrinkRisk();
        return backing;
    }

    private String riskBelow(long end) {
        int n;
        try {
            n = FdUse.enter(fd);
        } catch (IllegalStateException closed) {
            return describe() + ", whose descriptor is closed: it was not sealed with Seal.SHRINK when mapped";
        }
        try {
            int seals = Sys.fcntl(n, LibC.F_GET_SEALS(), 0);
            if (seals < 0 || (seals & LibC.F_SEAL_SHRINK()) == 0) {
                return describe() + ", which any process that may write it can truncate (no Seal.SHRINK)";
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment st = arena.allocate(stat.layout());
                int r = Sys.fstat(n, st);
                if (r < 0 || stat.st_size(st) < end) {
                    return describe() + ", sealed but already shorter than the mapping (end=" + end + ")";
                }
            }
            return null;
        } finally {
            FdUse.exit(fd);
        }
    }

    /**
     * A hint appended to the message of a failed {@code mmap}.
     *
     * @param errno the error
     * @return text starting with ", ", or empty
     */
    String mapFailureHint(int errno) {
        return "";
    }

    /**
     * What {@code openOrCreate} does with an object it opened rather than created: returns
     * it as it is if it holds at least {@code size} bytes, else closes it and throws. An
     * object of size 0 is one whose creator has not sized it yet (it creates, then
     * truncates): it gets {@link #SIZING_GRACE} to do so. Nothing here alters the object. A
     * creator that died between creating and sizing leaves an object every later
     * {@code openOrCreate} refuses ({@code size=0}) until it is unlinked.
     */
    private static final long SIZING_POLL_NANOS = 1_000_000;

    static <T extends MappableFile> T atLeast(T file, long size) throws IOException {
        try {
            long found = file.size();
            long end = found == 0 ? Deadline.end(SIZING_GRACE) : Deadline.NONE;
            while (found == 0 && !Deadline.expired(end)) {
                java.util.concurrent.locks.LockSupport.parkNanos(SIZING_POLL_NANOS); // fstat once a millisecond
                found = file.size();
            }
            if (found < size) {
                throw new ObjectMismatchException(file.describe(), "size=" + found, "size=" + size);
            }
            return file;
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** {@return whether {@link #close()} has not been called} */
    public boolean isOpen() {
        return fd.isOpen();
    }

    /**
     * Closes the descriptor; later calls do nothing. Mappings made from it stay valid until
     * they are closed themselves. For a named {@link SharedMemory} object the name remains
     * until {@link SharedMemory#unlink(String)}, or see {@link SharedMemory#unlinkOnClose()}.
     */
    @Override
    public void close() {
        fd.close();
    }

    static int accessMode(OwnedFd fd) throws IOException {
        int n = FdUse.enter(fd);
        try {
            int flags = Sys.fcntl(n, LibC.F_GETFL(), 0);
            if (flags < 0) {
                throw Errors.of("fcntl", "fd=" + n + ", F_GETFL", -flags);
            }
            return flags & LibC.O_ACCMODE();
        } finally {
            FdUse.exit(fd);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + describe() + (isOpen() ? "]" : ", closed]");
    }
}
