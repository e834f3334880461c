package org.panamaipc.channel;

import static org.panamaipc.channel.ChannelLayout.DATA_SEQ_OFFSET;
import static org.panamaipc.channel.ChannelLayout.DATA_SLEEPERS_OFFSET;
import static org.panamaipc.channel.ChannelLayout.DOORBELL_OFFSET;
import static org.panamaipc.channel.ChannelLayout.HEAD_OFFSET;
import static org.panamaipc.channel.ChannelLayout.IDENTITY_CLAIM_LENGTH_OFFSET;
import static org.panamaipc.channel.ChannelLayout.IDENTITY_CLAIM_POSITION_OFFSET;
import static org.panamaipc.channel.ChannelLayout.PADDING_TYPE;
import static org.panamaipc.channel.ChannelLayout.RECORD_HEADER_LENGTH;
import static org.panamaipc.channel.ChannelLayout.RECORD_TYPE_OFFSET;
import static org.panamaipc.channel.ChannelLayout.ROOM_SEQ_OFFSET;
import static org.panamaipc.channel.ChannelLayout.ROOM_SLEEPERS_OFFSET;
import static org.panamaipc.channel.ChannelLayout.TAIL_OFFSET;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.panamaipc.Interest;
import org.panamaipc.OwnedFd;
import org.panamaipc.Waitable;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Membarrier;
import org.panamaipc.shm.SharedAtomics;
import org.panamaipc.sync.EventFd;

/**
 * The receiving end of a one-to-one or many-to-one {@link Channel}: the one reader, which
 * delivers each committed record once, in ring order.
 *
 * <ul>
 *   <li>{@link #poll(RecordHandler, int)} delivers the records ready now, up to a limit, to a
 *       handler that sees each payload in place (zero copy, no allocation);</li>
 *   <li>{@link #tryReceive(RecordHandler)}, {@link #receive(RecordHandler, Duration)} and
 *       {@link #receive(RecordHandler)} deliver one record, waiting for it with the reader's
 *       {@link IdleStrategy}; {@link #receive()} and its forms copy it into a
 *       {@link ChannelMessage}.</li>
 * </ul>
 *
 * <pre>{@code
 * try (ChannelReader reader = Channel.open(name).reader()) {
 *     reader.receive((type, buffer, offset, length) -> System.out.println(type + ": " + length + " bytes"));
 * }
 * }</pre>
 *
 * <p>Every length, type and position read from the shared memory is checked before use: a
 * corrupt ring is reported with {@link ChannelCorruptedException}, never read out of bounds.
 * A claim whose writer died is skipped, by a reader that only {@linkplain #poll polls} too
 * (once the claim has stayed at head for a 25 ms slice). A waiting reader whose writer (for
 * many-to-one: every producer) died learns it ({@link PeerDeadException}) once every committed
 * record was delivered, at the end of the 25 ms slice in progress after the writer's process
 * has exited: within 100 ms of a {@code kill -9} when the kernel ends the process in 75 ms
 * (a few milliseconds for a small process, tens for a large JVM on a loaded machine); see
 * {@link PeerDeadException}. Records are delivered at least once: a reader that restarts
 * continues from the last batch it finished.
 *
 * <p>A reader is used by one thread at a time (a channel has one reader).
 *
 * <p>With an eventfd {@linkplain #useDoorbell doorbell} shared with the writers, the reader is
 * {@link Waitable}: a {@link org.panamaipc.WaitSet} reports it readable when records may be
 * ready; then {@link #poll} until it returns 0.
 *
 * <h2>Lifetime</h2>
 * The reader attaches when made and detaches on {@link #close()}, which releases threads
 * blocked in it ({@link AsynchronousCloseException}); an interrupt ends a wait with
 * {@link InterruptedIOException} and consumes nothing. Use after close throws
 * {@link IllegalStateException}.
 */
public final class ChannelReader implements Waitable, AutoCloseable {
    /** How long a dead producer's reservation must stay at head before it is padded (the layout's 50 ms). */
    private static final long RECOVERY_CONFIRM_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** A polling reader looks at {@code tail} once per this many empty polls (a power of two). */
    private static final int STALL_SAMPLE = 16;
    /** What {@link #recoverAtHead} returns for an empty ring. */
    private static final long EMPTY = -1;
    /** How many bytes {@link #ZEROS} holds. */
    private static final int ZEROS_LENGTH = 4096;
    /** Zeros to copy over what was read: never written, shared by every reader. */
    private static final MemorySegment ZEROS = Arena.global().allocate(ZEROS_LENGTH, 8);

    private final Channel channel;
    private final String what;
    private final MemorySegment header;
    private final MemorySegment data;
    private final MemorySegment view;
    private final MemorySegment roomSeqWord;
    private final int capacity;
    private final int mask;
    private final int maxPayloadLength;
    private final boolean many;
    private final Blocker blocker;
    private final EndWaits waits;
    private final DataCondition ready = new DataCondition();
    private final EndWaits.Poll poller = this::poll;

    private long head;
    private EventFd doorbell;
    private long recoverPosition = -1;
    private int recoverSlot;
    private long recoverSince;
    private int emptyPolls;
    private long stallPosition = -1;
    private long stallSince;

    ChannelReader(Channel channel, IdleStrategy idle) throws IOException {
        this.channel = channel;
        this.what = channel.what();
        this.header = channel.header();
        this.data = channel.data();
        this.view = data.asReadOnly();
        this.roomSeqWord = header.asSlice(ROOM_SEQ_OFFSET, 4);
        this.capacity = channel.capacity();
        this.mask = capacity - 1;
        this.maxPayloadLength = channel.maxPayloadLength();
        this.many = channel.kind() == ChannelKind.MANY_TO_ONE;
        this.blocker = Blocker.forHandle(what + " reader", this::release);
        this.waits = new EndWaits(blocker, what, header, DATA_SEQ_OFFSET, DATA_SLEEPERS_OFFSET, idle, true);
        channel.enterEnd(this);
        boolean attached = false;
        try {
            int holder = Identities.tryAttach(header, ChannelLayout.READER_OFFSET);
            if (holder != 0) {
                throw new ChannelEndInUseException(what, "reader", holder);
            }
            attached = true;
            SharedAtomics.putIntVolatile(header, DATA_SLEEPERS_OFFSET, 0);
            long h = SharedAtomics.getLongAcquire(header, HEAD_OFFSET);
            long t = SharedAtomics.getLongAcquire(header, TAIL_OFFSET);
            checkPositions(t, h);
            this.head = h;
        } catch (IOException | RuntimeException e) {
            if (attached) {
                Identities.detach(header, ChannelLayout.READER_OFFSET);
            }
            channel.exitEnd(this);
            throw e;
        }
    }

    /**
     * Delivers the records ready now, at most {@code limit}, to {@code handler}, then frees
     * their room (one store of {@code head} per call) and wakes writers waiting for room.
     * Never waits. A handler that throws has consumed its record. A claim or reservation that
     * a dead writer left at head is skipped once it has stayed there a 25 ms slice (the
     * writer's liveness is read from {@code /proc} only then; an empty ring costs a look at
     * the ring's tail every 16 polls).
     *
     * @param handler sees each record in place; see {@link RecordHandler} for how long
     * @param limit the most records to deliver, at least 1
     * @return how many were delivered, 0 if none was ready
     * @throws ChannelCorruptedException if a record breaks the layout (those before it are
     *         delivered and freed)
     * @throws IOException if reading the doorbell fails
     * @throws IllegalArgumentException if {@code limit} is below 1
     * @throws IllegalStateException if the reader is closed
     */
    public int poll(RecordHandler handler, int limit) throws IOException {
        Check.notNull("handler", handler);
        checkOpen();
        if (limit < 1) {
            throw new IllegalArgumentException("limit=" + limit + " must be at least 1");
        }
        int count = drain(handler, limit);
        if (count == 0 && doorbell != null && doorbell.tryAwait() != 0) {
            count = drain(handler, limit); // what rang the doorbell after the look above
        }
        waits.delivered(count);
        return count;
    }

    private int drain(RecordHandler handler, int limit) throws ChannelCorruptedException {
        final long start = head;
        long position = start;
        int count = 0;
        try {
            while (count < limit && position - start < capacity) { // at most the whole ring per batch
                int index = (int) position & mask;
                long word = SharedAtomics.getLongAcquire(data, index); // length and type in one access
                int length = (int) word;
                if (length <= 0) {
                    if (count == 0) {
                        noteStallAtHead(position, length);
                    }
                    break;
                }
                int type = (int) (word >>> 32);
                if (length < RECORD_HEADER_LENGTH || length > capacity - index
                        || (type != PADDING_TYPE && (type < 1 || length - RECORD_HEADER_LENGTH > maxPayloadLength))
                        || position + ChannelLayout.align(length) - start > capacity) {
                    throw corruptRecord(position, length, type);
                }
                position += ChannelLayout.align(length);
                if (type == PADDING_TYPE) {
                    continue;
                }
                count++;
                handler.onRecord(type, view, index + RECORD_HEADER_LENGTH, length - RECORD_HEADER_LENGTH);
            }
        } finally {
            if (position != start) {
                consume(start, position);
            }
        }
        return count;
    }

    /** Zeroes the bytes read, publishes {@code head}, wakes writers waiting for room. */
    private void consume(long from, long to) {
        int index = (int) from & mask;
        long bytes = to - from;
        int first = (int) Math.min(bytes, capacity - index);
        zero(index, first);
        if (bytes > first) {
            zero(0, (int) (bytes - first));
        }
        head = to;
        SharedAtomics.putLongRelease(header, HEAD_OFFSET, to);
        EndWaits.wake(header, roomSeqWord, ROOM_SEQ_OFFSET, ROOM_SLEEPERS_OFFSET);
    }

    /**
     * Zeroes a range of the ring without allocating: a short one with stores, a longer one by
     * copies from a block of zeros (a slice to fill would be garbage on every batch whenever
     * the compiler does not remove it, and a reader spinning through collections falls behind).
     */
    private void zero(int index, int bytes) {
        if (bytes <= 256) {
            for (int i = 0; i < bytes; i += 8) {
                data.set(ValueLayout.JAVA_LONG, index + i, 0L);
            }
        } else {
            for (int done = 0; done < bytes; done += ZEROS_LENGTH) {
                MemorySegment.copy(ZEROS, 0, data, index + done, Math.min(ZEROS_LENGTH, bytes - done));
            }
        }
    }

    /**
     * Delivers one record if one is ready now.
     *
     * @param handler sees the record in place
     * @return whether a record was delivered
     * @throws ChannelCorruptedException if the record breaks the layout
     * @throws IOException if reading the doorbell fails
     * @throws IllegalStateException if the reader is closed
     */
    public boolean tryReceive(RecordHandler handler) throws IOException {
        return poll(handler, 1) == 1;
    }

    /**
     * Delivers one record, waiting for it as long as it takes.
     *
     * @param handler sees the record in place
     * @throws PeerDeadException if the ring is empty and its writer (every producer) died
     * @throws AsynchronousCloseException if another thread closed this reader (or its channel)
     * @throws InterruptedIOException if the thread was interrupted (nothing consumed)
     * @throws ChannelCorruptedException if the channel is found corrupt
     * @throws IOException if the futex wait fails
     * @throws IllegalStateException if the reader is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
     */
    public void receive(RecordHandler handler) throws IOException {
        receive(handler, Deadline.NONE);
    }

    /**
     * Delivers one record, waiting at most {@code timeout} for it.
     *
     * @param handler sees the record in place
     * @param timeout how long to wait, not negative
     * @return true if a record was delivered, false if the time passed first
     * @throws PeerDeadException if the ring is empty and its writer (every producer) died
     * @throws AsynchronousCloseException if another thread closed this reader (or its channel)
     * @throws InterruptedIOException if the thread was interrupted (nothing consumed)
     * @throws ChannelCorruptedException if the channel is found corrupt
     * @throws IOException if the futex wait fails
     * @throws IllegalArgumentException if the timeout is negative
     * @throws IllegalStateException if the reader is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
     */
    public boolean receive(RecordHandler handler, Duration timeout) throws IOException {
        return receive(handler, Deadline.end(timeout));
    }

    private boolean receive(RecordHandler handler, long deadline) throws IOException {
        Check.notNull("handler", handler);
        return waits.receiveOne(poller, handler, ready, deadline);
    }

    /**
     * Copies one record out if one is ready now.
     *
     * @return the record, or {@code null} if none was ready
     * @throws ChannelCorruptedException if the record breaks the layout
     * @throws IOException if reading the doorbell fails
     * @throws IllegalStateException if the reader is closed
     */
    public ChannelMessage tryReceive() throws IOException {
        Copier copier = new Copier();
        return tryReceive(copier) ? copier.message : null;
    }

    /**
     * Copies one record out, waiting at most {@code timeout} for it.
     *
     * @param timeout how long to wait, not negative
     * @return the record, or {@code null} if the time passed first
     * @throws PeerDeadException if the ring is empty and its writer (every producer) died
     * @throws AsynchronousCloseException if another thread closed this reader
     * @throws InterruptedIOException if the thread was interrupted (nothing consumed)
     * @throws IOException if the futex wait fails or the channel is found corrupt
     * @throws IllegalStateException if the reader is closed
     */
    public ChannelMessage receive(Duration timeout) throws IOException {
        Copier copier = new Copier();
        return receive(copier, timeout) ? copier.message : null;
    }

    /**
     * Copies one record out, waiting for it as long as it takes.
     *
     * @return the record
     * @throws PeerDeadException if the ring is empty and its writer (every producer) died
     * @throws AsynchronousCloseException if another thread closed this reader
     * @throws InterruptedIOException if the thread was interrupted (nothing consumed)
     * @throws IOException if the futex wait fails or the channel is found corrupt
     * @throws IllegalStateException if the reader is closed
     */
    public ChannelMessage receive() throws IOException {
        Copier copier = new Copier();
        receive(copier);
        return copier.message;
    }

    /** Copies the one record it is given. */
    static final class Copier implements RecordHandler {
        ChannelMessage message;

        @Override
        public void onRecord(int type, MemorySegment buffer, long offset, int length) {
            byte[] bytes = new byte[length];
            MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, offset, bytes, 0, length);
            message = new ChannelMessage(type, bytes);
        }
    }

    /**
     * Asks the writers to ring an eventfd after each record (header field {@code doorbell}),
     * making this reader {@link Waitable}. The writers must hold the same eventfd
     * ({@link ChannelWriter#useDoorbell}); pass it to them over a Unix socket.
     *
     * @param eventFd the eventfd, still owned by the caller
     * @return this reader
     * @throws IllegalStateException if closed, or the eventfd is
     */
    public ChannelReader useDoorbell(EventFd eventFd) {
        RingChecks.checkDoorbell(eventFd);
        checkOpen();
        this.doorbell = eventFd;
        SharedAtomics.putIntVolatile(header, DOORBELL_OFFSET, 1);
        // the rare side's barrier, as for a sleeper: a writer that publishes from now on
        // rings, and what it published before is there for the next poll
        Membarrier.heavy();
        return this;
    }

    /**
     * The doorbell's descriptor, for a {@link org.panamaipc.WaitSet}.
     *
     * <p><b>Lifetime:</b> owned by the eventfd given to {@link #useDoorbell}.
     *
     * @return the eventfd's descriptor
     * @throws IllegalStateException if the reader has no doorbell
     */
    @Override
    public OwnedFd fd() {
        EventFd bell = doorbell;
        if (bell == null) {
            throw new IllegalStateException(this + " has no doorbell: call useDoorbell(eventFd) first");
        }
        return bell.fd();
    }

    /** {@return {@link Interest#READABLE}: records may be ready} */
    @Override
    public Set<Interest> interests() {
        return Set.of(Interest.READABLE);
    }

    /** {@return the channel this reader reads} */
    public Channel channel() {
        return channel;
    }

    /** {@return the position of the next record to read} */
    public long position() {
        return head;
    }

    /** {@return whether {@link #close()} has not been called} */
    public boolean isOpen() {
        return blocker.isOpen();
    }

    /**
     * Detaches, once: releases threads blocked in this reader
     * ({@link AsynchronousCloseException}) and stores {@code pid = 0} in the reader's identity.
     * Records not yet polled stay in the ring for the next reader.
     */
    @Override
    public void close() {
        blocker.close();
    }

    @Override
    public String toString() {
        return "ChannelReader[" + what + (isOpen() ? "]" : ", closed]");
    }

    // ------------------------------------------------------------------ waiting and recovery

    /** A record at head, and the writers' liveness and what dead ones left. */
    private final class DataCondition implements EndWaits.Condition {
        @Override
        public boolean holds() {
            return SharedAtomics.getIntAcquire(data, (int) head & mask) > 0;
        }

        @Override
        public void checkPeer() throws IOException {
            recoverOrReportDeath();
        }
    }

    /**
     * What {@link #poll} does when it finds nothing at head, so that a reader that only polls
     * also recovers what a dead writer left there. Cheap on purpose: an empty ring costs a
     * counter, and one look at {@code tail} every {@value #STALL_SAMPLE} empty polls; only a
     * claim at head, or a reservation ({@code tail > head} with nothing written), takes the
     * time, and only one that has stayed there a slice is looked into ({@code /proc} reads).
     */
    private void noteStallAtHead(long position, int length) throws ChannelCorruptedException {
        if (length == 0 && ((++emptyPolls & (STALL_SAMPLE - 1)) != 0
                || SharedAtomics.getLongAcquire(header, TAIL_OFFSET) == position)) {
            return; // empty, or not looked at this time
        }
        long now = System.nanoTime();
        if (stallPosition != position) {
            stallPosition = position;
            stallSince = now;
        } else if (now - stallSince >= EndWaits.SLICE_NANOS) {
            stallSince = now;
            recoverAtHead();
        }
    }

    /**
     * Called while waiting, every slice at most: recovers what a dead writer left, and reports
     * a writer side with no live process once nothing is left to read. When what it recovered
     * was the last thing in the ring, it skips that padding at once rather than a slice later.
     */
    private void recoverOrReportDeath() throws IOException {
        long h = head;
        long padded = recoverAtHead();
        if (padded == EMPTY || (padded != h && padded == SharedAtomics.getLongAcquire(header, TAIL_OFFSET))) {
            int dead = deadWriter();
            if (dead != 0) {
                if (padded != EMPTY) {
                    consume(h, padded); // only the padding just written: nothing committed is skipped
                }
                throw new PeerDeadException(what, many ? "last producer" : "writer", dead);
            }
        }
    }

    /**
     * Recovers what a dead writer left at head: see "Claims and dead writers" in the layout.
     *
     * @return where the padding written from head ends (head itself when none was written), or
     *         {@link #EMPTY} if the ring is empty
     */
    private long recoverAtHead() throws ChannelCorruptedException {
        long h = head;
        long t = SharedAtomics.getLongAcquire(header, TAIL_OFFSET);
        checkPositions(t, h);
        int index = (int) h & mask;
        int length = SharedAtomics.getIntAcquire(data, index);
        if (length > 0) {
            return h;
        }
        if (length < 0) {
            return recoverDeadClaim(h);
        }
        if (t == h) {
            return EMPTY;
        }
        // t > h with nothing at head: a reservation not yet claimed
        if (!many) {
            if (Identities.holder(header, ChannelLayout.WRITER_OFFSET) <= 0) {
                return pad(h, t); // the writer died between reserving and claiming
            }
            return h;
        }
        int slot = deadClaimant(h);
        long now = System.nanoTime();
        if (slot < 0) {
            recoverPosition = -1;
        } else if (recoverPosition != h || recoverSlot != slot) {
            recoverPosition = h;
            recoverSlot = slot;
            recoverSince = now;
        } else if (now - recoverSince >= RECOVERY_CONFIRM_NANOS) { // the same on two looks 50 ms apart
            int offset = ChannelLayout.slotOffset(slot);
            long claimPosition = SharedAtomics.getLongAcquire(header, offset + IDENTITY_CLAIM_POSITION_OFFSET);
            long claimLength = SharedAtomics.getLongAcquire(header, offset + IDENTITY_CLAIM_LENGTH_OFFSET);
            recoverPosition = -1;
            return pad(h, claimPosition + claimLength);
        }
        return h;
    }

    /**
     * Turns a claim whose claimer died into padding; checks the claim first.
     *
     * @return the end of the padding, or {@code position} if the claim was left alone
     */
    private long recoverDeadClaim(long position) throws ChannelCorruptedException {
        int index = (int) position & mask;
        int length = SharedAtomics.getIntAcquire(data, index);
        if (length >= 0) {
            return position;
        }
        int claimer = SharedAtomics.getInt(data, index + RECORD_TYPE_OFFSET);
        if (-length < RECORD_HEADER_LENGTH || -length > capacity - index
                || claimer < 0 || claimer >= (many ? ChannelLayout.MAX_PRODUCERS : 1)) {
            throw corruptRecord(position, length, claimer);
        }
        int identity = many ? ChannelLayout.slotOffset(claimer) : ChannelLayout.WRITER_OFFSET;
        if (Identities.holder(header, identity) > 0) {
            return position; // alive: it will commit or abort
        }
        SharedAtomics.putInt(data, index + RECORD_TYPE_OFFSET, PADDING_TYPE);
        return SharedAtomics.compareAndSetInt(data, index, length, -length)
                ? position + ChannelLayout.align(-length) : position;
    }

    /**
     * The slot of a dead producer whose reservation covers {@code position}, when no live
     * producer's does; -1 if none.
     */
    private int deadClaimant(long position) {
        int found = -1;
        for (int slot = 0; slot < ChannelLayout.MAX_PRODUCERS; slot++) {
            int offset = ChannelLayout.slotOffset(slot);
            if (Identities.pid(header, offset) == 0) {
                continue;
            }
            long claimPosition = SharedAtomics.getLongAcquire(header, offset + IDENTITY_CLAIM_POSITION_OFFSET);
            long claimLength = SharedAtomics.getLongAcquire(header, offset + IDENTITY_CLAIM_LENGTH_OFFSET);
            if (claimPosition > position || position - claimPosition >= claimLength
                    || claimLength > capacity || claimLength <= 0) {
                continue;
            }
            if (Identities.holder(header, offset) > 0) {
                return -1; // a live producer is writing there
            }
            found = slot;
        }
        return found;
    }

    /** A dead writer when no live one remains: its pid, else 0. */
    private int deadWriter() {
        if (!many) {
            int holder = Identities.holder(header, ChannelLayout.WRITER_OFFSET);
            return holder < 0 ? -holder : 0;
        }
        int dead = 0;
        for (int slot = 0; slot < ChannelLayout.MAX_PRODUCERS; slot++) {
            int holder = Identities.holder(header, ChannelLayout.slotOffset(slot));
            if (holder > 0) {
                return 0;
            }
            if (holder < 0 && dead == 0) {
                dead = -holder;
            }
        }
        return dead;
    }

    /**
     * Writes padding over [from, to), split at the end of the ring as a reservation is.
     *
     * @return {@code to}
     */
    private long pad(long from, long to) throws ChannelCorruptedException {
        long t = SharedAtomics.getLongAcquire(header, TAIL_OFFSET);
        if (to <= from || to > t || to - from > capacity || ((to - from) & 7) != 0) {
            throw new ChannelCorruptedException(what + ": corrupt reservation from=" + from + " to=" + to
                    + " tail=" + t + " capacity=" + capacity);
        }
        int index = (int) from & mask;
        long bytes = to - from;
        int first = (int) Math.min(bytes, capacity - index);
        if (bytes > first) {
            padRecord(0, (int) (bytes - first));
        }
        padRecord(index, first);
        return to;
    }

    private void padRecord(int index, int length) {
        SharedAtomics.putInt(data, index + RECORD_TYPE_OFFSET, PADDING_TYPE);
        SharedAtomics.putIntRelease(data, index, length);
    }

    // ------------------------------------------------------------------ checks and release

    private void checkPositions(long t, long h) throws ChannelCorruptedException {
        RingChecks.checkPositions(what, t, h, capacity);
    }

    private ChannelCorruptedException corruptRecord(long position, int length, int type) {
        int index = (int) position & mask;
        return new ChannelCorruptedException(what + ": corrupt record length=" + length + " type=" + type
                + " at position=" + position + " (index=" + index + "): length must be in [" + RECORD_HEADER_LENGTH
                + ", " + (capacity - index) + "], payload at most " + maxPayloadLength
                + ", type at least 1 or -1 (padding)");
    }

    private void checkOpen() {
        if (!blocker.isOpen()) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    private void release() {
        try {
            waits.stopAsking(); // the writers' fences were for this reader's sleeps
            if (doorbell != null) {
                SharedAtomics.putIntVolatile(header, DOORBELL_OFFSET, 0);
            }
            Identities.detach(header, ChannelLayout.READER_OFFSET);
        } finally {
            channel.exitEnd(this);
        }
    }
}
