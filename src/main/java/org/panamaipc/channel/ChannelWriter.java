package org.panamaipc.channel;

import static org.panamaipc.channel.ChannelLayout.DATA_SEQ_OFFSET;
import static org.panamaipc.channel.ChannelLayout.DATA_SLEEPERS_OFFSET;
import static org.panamaipc.channel.ChannelLayout.DOORBELL_OFFSET;
import static org.panamaipc.channel.ChannelLayout.HEAD_CACHE_OFFSET;
import static org.panamaipc.channel.ChannelLayout.HEAD_OFFSET;
import static org.panamaipc.channel.ChannelLayout.IDENTITY_CLAIM_LENGTH_OFFSET;
import static org.panamaipc.channel.ChannelLayout.IDENTITY_CLAIM_POSITION_OFFSET;
import static org.panamaipc.channel.ChannelLayout.PADDING_TYPE;
import static org.panamaipc.channel.ChannelLayout.RECORD_HEADER_LENGTH;
import static org.panamaipc.channel.ChannelLayout.ROOM_SEQ_OFFSET;
import static org.panamaipc.channel.ChannelLayout.ROOM_SLEEPERS_OFFSET;
import static org.panamaipc.channel.ChannelLayout.TAIL_OFFSET;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.Objects;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.shm.SharedAtomics;
import org.panamaipc.sync.EventFd;

/**
 * The sending end of a one-to-one or many-to-one {@link Channel}: records of a type (at least
 * 1) and a payload of up to {@link Channel#maxPayloadLength()} bytes.
 *
 * <ul>
 *   <li>{@link #offer(int, MemorySegment)} writes if there is room and returns {@code false}
 *       if the ring is full: no exception, no allocation, no system call while the reader is
 *       awake;</li>
 *   <li>{@link #send(int, MemorySegment)} waits for room (with the writer's
 *       {@link IdleStrategy}), {@link #send(int, MemorySegment, Duration)} at most a time;</li>
 *   <li>{@link #tryClaim(int, int)} reserves room to write into in place, zero copy, then
 *       {@link ChannelClaim#commit()} or {@link ChannelClaim#abort()}.</li>
 * </ul>
 *
 * <pre>{@code
 * ChannelClaim claim = writer.tryClaim(7, 16);
 * if (claim != null) {
 *     claim.buffer().set(ValueLayout.JAVA_LONG, claim.offset(), orderId);
 *     claim.buffer().set(ValueLayout.JAVA_LONG, claim.offset() + 8, quantity);
 *     claim.commit();
 * }
 * }</pre>
 *
 * <p>A writer is used by one thread at a time. In a many-to-one channel each writer holds a
 * producer slot of its own: threads of one process that produce concurrently attach a writer
 * each.
 *
 * <p>A blocking send whose reader died learns it at the end of the 25 ms slice in progress
 * after the reader's process has exited ({@link PeerDeadException}, which says how long that
 * takes);
 * {@link #close()} from another thread releases it ({@link AsynchronousCloseException}), and
 * an interrupt ends it ({@link InterruptedIOException}, the writer still open, the record not
 * written).
 *
 * <p>A one-to-one writer that attaches in place of a dead one continues after the dead
 * writer's last reservation. If that reservation was never committed, the reader recovers it
 * only while no live writer is attached: attach the new writer once the reader has gone past
 * it ({@link Channel#status()}: {@code head == tail}), or expect the reader to wait on it.
 *
 * <h2>Lifetime</h2>
 * The writer attaches when made (its pid and start time in the header) and detaches on
 * {@link #close()}, which also aborts an open claim. Use after close throws
 * {@link IllegalStateException}.
 */
public final class ChannelWriter implements AutoCloseable {
    private final Channel channel;
    private final String what;
    private final MemorySegment header;
    private final MemorySegment data;
    private final MemorySegment dataSeqWord;
    private final int capacity;
    private final int mask;
    private final int maxPayloadLength;
    private final boolean many;
    private final int identityOffset;
    private final int claimer;
    private final Blocker blocker;
    private final EndWaits waits;
    private final ChannelClaim claim;
    private final RoomCondition room = new RoomCondition();

    private long tail; // one-to-one: the only writer's position
    private long headCache;
    private EventFd doorbell;

    ChannelWriter(Channel channel, IdleStrategy idle) throws IOException {
        this.channel = channel;
        this.what = channel.what();
        this.header = channel.header();
        this.data = channel.data();
        this.dataSeqWord = header.asSlice(DATA_SEQ_OFFSET, 4);
        this.capacity = channel.capacity();
        this.mask = capacity - 1;
        this.maxPayloadLength = channel.maxPayloadLength();
        this.many = channel.kind() == ChannelKind.MANY_TO_ONE;
        this.blocker = Blocker.forHandle(what + " writer", this::release);
        this.waits = new EndWaits(blocker, what, header, ROOM_SEQ_OFFSET, ROOM_SLEEPERS_OFFSET, idle, false);
        this.claim = new ChannelClaim(this, data);
        channel.enterEnd(this);
        int attachedAt = -1;
        try {
            if (many) {
                int holder = 0;
                for (int slot = 0; slot < ChannelLayout.MAX_PRODUCERS && attachedAt < 0; slot++) {
                    holder = Identities.tryAttach(header, ChannelLayout.slotOffset(slot));
                    if (holder == 0) {
                        attachedAt = slot;
                    }
                }
                if (attachedAt < 0) {
                    throw new ChannelEndInUseException(what, "last of " + ChannelLayout.MAX_PRODUCERS
                            + " producer slots", holder);
                }
                this.identityOffset = ChannelLayout.slotOffset(attachedAt);
                this.claimer = attachedAt;
            } else {
                int holder = Identities.tryAttach(header, ChannelLayout.WRITER_OFFSET);
                if (holder != 0) {
                    throw new ChannelEndInUseException(what, "writer", holder);
                }
                this.identityOffset = ChannelLayout.WRITER_OFFSET;
                this.claimer = 0;
                attachedAt = 0;
                SharedAtomics.putIntVolatile(header, ROOM_SLEEPERS_OFFSET, 0);
            }
            long t = SharedAtomics.getLongAcquire(header, TAIL_OFFSET);
            long h = SharedAtomics.getLongAcquire(header, HEAD_OFFSET);
            checkPositions(t, h);
            this.tail = t;
            this.headCache = h;
        } catch (IOException | RuntimeException e) {
            if (attachedAt >= 0) {
                Identities.detach(header, many ? ChannelLayout.slotOffset(attachedAt) : ChannelLayout.WRITER_OFFSET);
            }
            channel.exitEnd(this);
            throw e;
        }
    }

    /**
     * Writes a record if there is room now.
     *
     * @param type the record's type, at least 1
     * @param payload the payload, at most {@link Channel#maxPayloadLength()} bytes
     * @return true if written, false if the ring is full
     * @throws IllegalArgumentException if the type is below 1 or the payload too long
     * @throws IllegalStateException if the writer is closed or holds an open claim
     * @throws ChannelCorruptedException if the positions in the header are impossible
     */
    public boolean offer(int type, MemorySegment payload) throws ChannelCorruptedException {
        return offer(type, payload, 0, checkedLength(payload));
    }

    /**
     * Writes a record from part of a segment if there is room now.
     *
     * @param type the record's type, at least 1
     * @param source holds the payload
     * @param offset where the payload starts in {@code source}
     * @param length the payload's length, at most {@link Channel#maxPayloadLength()}
     * @return true if written, false if the ring is full
     * @throws IllegalArgumentException if the type is below 1 or the payload too long
     * @throws IndexOutOfBoundsException if the range is not inside {@code source}
     * @throws IllegalStateException if the writer is closed or holds an open claim
     * @throws ChannelCorruptedException if the positions in the header are impossible
     */
    public boolean offer(int type, MemorySegment source, long offset, int length) throws ChannelCorruptedException {
        Check.notNull("source", source);
        checkRecord(type, length);
        Objects.checkFromIndexSize(offset, length, source.byteSize());
        int index = reserve(length + RECORD_HEADER_LENGTH, false);
        if (index < 0) {
            return false;
        }
        try {
            MemorySegment.copy(source, offset, data, index + RECORD_HEADER_LENGTH, length);
        } catch (RuntimeException e) { // the source's arena closed under us
            publish(index, PADDING_TYPE, length + RECORD_HEADER_LENGTH);
            throw e;
        }
        publish(index, type, length + RECORD_HEADER_LENGTH);
        return true;
    }

    /**
     * Writes a record from an array if there is room now.
     *
     * @param type the record's type, at least 1
     * @param payload the payload, at most {@link Channel#maxPayloadLength()} bytes
     * @return true if written, false if the ring is full
     * @throws IllegalArgumentException if the type is below 1 or the payload too long
     * @throws IllegalStateException if the writer is closed or holds an open claim
     * @throws ChannelCorruptedException if the positions in the header are impossible
     */
    public boolean offer(int type, byte[] payload) throws ChannelCorruptedException {
        Check.notNull("payload", payload);
        checkRecord(type, payload.length);
        int index = reserve(payload.length + RECORD_HEADER_LENGTH, false);
        if (index < 0) {
            return false;
        }
        MemorySegment.copy(payload, 0, data, ValueLayout.JAVA_BYTE, index + RECORD_HEADER_LENGTH, payload.length);
        publish(index, type, payload.length + RECORD_HEADER_LENGTH);
        return true;
    }

    /**
     * Writes a record, waiting for room as long as it takes.
     *
     * @param type the record's type, at least 1
     * @param payload the payload, at most {@link Channel#maxPayloadLength()} bytes
     * @throws PeerDeadException if the reader died while this waited
     * @throws AsynchronousCloseException if another thread closed this writer (or its channel)
     * @throws InterruptedIOException if the thread was interrupted (nothing written)
     * @throws ChannelCorruptedException if the channel is found corrupt
     * @throws IOException if the futex wait fails
     * @throws IllegalArgumentException if the type is below 1 or the payload too long
     * @throws IllegalStateException if the writer is closed or holds an open claim
     * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
     */
    public void send(int type, MemorySegment payload) throws IOException {
        send(type, payload, Deadline.NONE);
    }

    /**
     * Writes a record, waiting at most {@code timeout} for room.
     *
     * @param type the record's type, at least 1
     * @param payload the payload, at most {@link Channel#maxPayloadLength()} bytes
     * @param timeout how long to wait, not negative
     * @return true if written, false if the time passed with the ring full
     * @throws PeerDeadException if the reader died while this waited
     * @throws AsynchronousCloseException if another thread closed this writer (or its channel)
     * @throws InterruptedIOException if the thread was interrupted (nothing written)
     * @throws ChannelCorruptedException if the channel is found corrupt
     * @throws IOException if the futex wait fails
     * @throws IllegalArgumentException if the type is below 1, the payload too long or the
     *         timeout negative
     * @throws IllegalStateException if the writer is closed or holds an open claim
     * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
     */
    public boolean send(int type, MemorySegment payload, Duration timeout) throws IOException {
        return send(type, payload, Deadline.end(timeout));
    }

    /**
     * Writes a record from an array, waiting for room as long as it takes.
     *
     * @param type the record's type, at least 1
     * @param payload the payload, at most {@link Channel#maxPayloadLength()} bytes
     * @throws PeerDeadException if the reader died while this waited
     * @throws AsynchronousCloseException if another thread closed this writer (or its channel)
     * @throws InterruptedIOException if the thread was interrupted (nothing written)
     * @throws ChannelCorruptedException if the channel is found corrupt
     * @throws IOException if the futex wait fails
     * @throws IllegalArgumentException if the type is below 1 or the payload too long
     * @throws IllegalStateException if the writer is closed or holds an open claim
     */
    public void send(int type, byte[] payload) throws IOException {
        Check.notNull("payload", payload);
        checkRecord(type, payload.length);
        while (!offer(type, payload)) {
            awaitRoom(payload.length, Deadline.NONE);
        }
    }

    private boolean send(int type, MemorySegment payload, long deadline) throws IOException {
        int length = checkedLength(payload);
        checkRecord(type, length);
        while (!offer(type, payload, 0, length)) {
            if (!awaitRoom(length, deadline)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reserves room for a record to be written in place, if there is room now. The claim
     * holds the ring's other records back from the reader (for many-to-one: those claimed
     * after it) until {@link ChannelClaim#commit()} or {@link ChannelClaim#abort()}: keep it
     * short. A writer holds one claim at a time.
     *
     * <p><b>Lifetime:</b> the returned claim is this writer's one flyweight, re-pointed by
     * every claim; its memory may be written until it is committed or aborted.
     *
     * @param type the record's type, at least 1
     * @param length the payload's length, at most {@link Channel#maxPayloadLength()}
     * @return the claim, or {@code null} if the ring is full
     * @throws IllegalArgumentException if the type is below 1 or the length out of range
     * @throws IllegalStateException if the writer is closed or already holds a claim
     * @throws ChannelCorruptedException if the positions in the header are impossible
     */
    public ChannelClaim tryClaim(int type, int length) throws ChannelCorruptedException {
        checkRecord(type, length);
        int index = reserve(length + RECORD_HEADER_LENGTH, true);
        if (index < 0) {
            return null;
        }
        return claim.point(index, type, length);
    }

    /**
     * Reserves room for a record to be written in place, waiting for room as long as it
     * takes; see {@link #tryClaim}.
     *
     * @param type the record's type, at least 1
     * @param length the payload's length, at most {@link Channel#maxPayloadLength()}
     * @return the claim
     * @throws PeerDeadException if the reader died while this waited
     * @throws AsynchronousCloseException if another thread closed this writer
     * @throws InterruptedIOException if the thread was interrupted
     * @throws IOException if the futex wait fails or the channel is found corrupt
     * @throws IllegalArgumentException if the type is below 1 or the length out of range
     * @throws IllegalStateException if the writer is closed or already holds a claim
     */
    public ChannelClaim claim(int type, int length) throws IOException {
        return claim(type, length, Deadline.NONE);
    }

    /**
     * Reserves room for a record to be written in place, waiting for room at most
     * {@code timeout}; see {@link #tryClaim}.
     *
     * @param type the record's type, at least 1
     * @param length the payload's length, at most {@link Channel#maxPayloadLength()}
     * @param timeout how long to wait, not negative
     * @return the claim, or {@code null} if the time passed with the ring full
     * @throws PeerDeadException if the reader died while this waited
     * @throws AsynchronousCloseException if another thread closed this writer
     * @throws InterruptedIOException if the thread was interrupted
     * @throws IOException if the futex wait fails or the channel is found corrupt
     * @throws IllegalArgumentException if the type is below 1 or the length out of range
     * @throws IllegalStateException if the writer is closed or already holds a claim
     */
    public ChannelClaim claim(int type, int length, Duration timeout) throws IOException {
        return claim(type, length, Deadline.end(timeout));
    }

    private ChannelClaim claim(int type, int length, long deadline) throws IOException {
        while (true) {
            ChannelClaim c = tryClaim(type, length);
            if (c != null) {
                return c;
            }
            if (!awaitRoom(length, deadline)) {
                return null;
            }
        }
    }

    /**
     * Lets this writer ring a reader's eventfd doorbell after each record while the reader
     * asks for it ({@link ChannelReader#useDoorbell}), so that the reader can wait in a
     * {@link org.panamaipc.WaitSet}. Both ends must hold the same eventfd (passed over a Unix
     * socket); each ring is a {@code write} system call.
     *
     * @param eventFd the reader's eventfd, still owned by the caller
     * @return this writer
     * @throws IllegalStateException if closed, or the eventfd is
     */
    public ChannelWriter useDoorbell(EventFd eventFd) {
        RingChecks.checkDoorbell(eventFd);
        checkOpen();
        this.doorbell = eventFd;
        return this;
    }

    /** {@return the channel this writer sends into} */
    public Channel channel() {
        return channel;
    }

    /** {@return whether {@link #close()} has not been called} */
    public boolean isOpen() {
        return blocker.isOpen();
    }

    /**
     * Detaches, once: aborts an open claim, releases threads blocked in a send on this writer
     * ({@link AsynchronousCloseException}) and stores {@code pid = 0} in its identity.
     */
    @Override
    public void close() {
        blocker.close();
    }

    @Override
    public String toString() {
        return "ChannelWriter[" + what + (many ? ", slot " + claimer : "") + (isOpen() ? "]" : ", closed]");
    }

    // ------------------------------------------------------------------ the ring

    /**
     * Reserves room for a record of {@code length} bytes (header included): steps 1 to 3 of
     * "Writing" in the layout.
     *
     * @return the record's index, or -1 if the ring is full
     */
    private int reserve(int length, boolean mark) throws ChannelCorruptedException {
        checkOpen();
        if (claim.active) {
            throw new IllegalStateException(what + ": the writer holds an open claim; commit or abort it first");
        }
        int aligned = ChannelLayout.align(length);
        long t;
        int padding;
        if (many) {
            while (true) {
                t = SharedAtomics.getLongVolatile(header, TAIL_OFFSET);
                if ((t & 7) != 0) {
                    throw corruptPositions(t, SharedAtomics.getLongAcquire(header, HEAD_OFFSET));
                }
                int index = (int) t & mask;
                int toEnd = capacity - index;
                padding = aligned > toEnd ? toEnd : 0;
                long needed = padding + aligned;
                long h = SharedAtomics.getLongOpaque(header, HEAD_CACHE_OFFSET);
                if (t - h < 0 || needed > capacity - (t - h)) {
                    h = SharedAtomics.getLongAcquire(header, HEAD_OFFSET);
                    long used = t - h;
                    if (used < 0) {
                        continue; // tail read before head moved past it: look again
                    }
                    if (used > capacity || (t & 7) != 0) {
                        throw corruptPositions(t, h);
                    }
                    SharedAtomics.putLongOpaque(header, HEAD_CACHE_OFFSET, h);
                    if (needed > capacity - used) {
                        return -1;
                    }
                }
                SharedAtomics.putLong(header, identityOffset + IDENTITY_CLAIM_POSITION_OFFSET, t);
                SharedAtomics.putLongRelease(header, identityOffset + IDENTITY_CLAIM_LENGTH_OFFSET, needed);
                if (SharedAtomics.compareAndSetLong(header, TAIL_OFFSET, t, t + needed)) {
                    break;
                }
            }
        } else {
            t = tail;
            int index = (int) t & mask;
            int toEnd = capacity - index;
            padding = aligned > toEnd ? toEnd : 0;
            long needed = padding + aligned;
            if (needed > capacity - (t - headCache)) {
                long h = SharedAtomics.getLongAcquire(header, HEAD_OFFSET);
                checkPositions(t, h);
                headCache = h;
                SharedAtomics.putLongOpaque(header, HEAD_CACHE_OFFSET, h);
                if (needed > capacity - (t - h)) {
                    return -1;
                }
            }
            tail = t + needed;
            SharedAtomics.putLongRelease(header, TAIL_OFFSET, t + needed);
        }
        int index = (int) t & mask;
        if (padding != 0) {
            putRecordHeader(index, PADDING_TYPE, padding);
            index = 0;
        }
        if (mark) {
            putRecordHeader(index, claimer, -length);
        }
        return index;
    }

    /** Commits (or, with {@link ChannelLayout#PADDING_TYPE}, aborts) a record and wakes the reader. */
    void publish(int index, int type, int length) {
        putRecordHeader(index, type, length);
        EndWaits.wake(header, dataSeqWord, DATA_SEQ_OFFSET, DATA_SLEEPERS_OFFSET);
        EventFd bell = doorbell;
        if (bell != null && SharedAtomics.getInt(header, DOORBELL_OFFSET) != 0) {
            try {
                bell.trySignal(1);
            } catch (IOException ignored) {
                // a doorbell that fails only costs the reader a wake-up; the record is in the ring
            }
        }
    }

    /**
     * Stores a record's length and type as one 8-byte release store: the layout's "type, then
     * length (release)", in one access (little-endian: length at +0, type at +4).
     */
    private void putRecordHeader(int index, int type, int length) {
        SharedAtomics.putLongRelease(data, index, ((long) type << 32) | (length & 0xFFFFFFFFL));
    }

    private boolean awaitRoom(int payloadLength, long deadline) throws IOException {
        room.aligned = ChannelLayout.align(payloadLength + RECORD_HEADER_LENGTH);
        return waits.await(room, deadline);
    }

    /** Room for the pending record, and the reader's liveness. */
    private final class RoomCondition implements EndWaits.Condition {
        int aligned;

        @Override
        public boolean holds() throws IOException {
            long t = many ? SharedAtomics.getLongVolatile(header, TAIL_OFFSET) : tail;
            long h = SharedAtomics.getLongAcquire(header, HEAD_OFFSET);
            long used = t - h;
            if (used < 0 && many) {
                return true; // moved meanwhile: try again
            }
            checkPositions(t, h);
            int toEnd = capacity - ((int) t & mask);
            long needed = (aligned > toEnd ? toEnd : 0) + aligned;
            return needed <= capacity - used;
        }

        @Override
        public void checkPeer() throws IOException {
            int holder = Identities.holder(header, ChannelLayout.READER_OFFSET);
            if (holder < 0) {
                throw new PeerDeadException(what, "reader", -holder);
            }
        }
    }

    // ------------------------------------------------------------------ checks and release

    private int checkedLength(MemorySegment payload) {
        long size = Check.notNull("payload", payload).byteSize();
        RingChecks.checkRecord(1, size, maxPayloadLength, capacity);
        return (int) size;
    }

    private void checkRecord(int type, long length) {
        RingChecks.checkRecord(type, length, maxPayloadLength, capacity);
    }

    void checkOpen() {
        if (!blocker.isOpen()) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    private void checkPositions(long t, long h) throws ChannelCorruptedException {
        RingChecks.checkPositions(what, t, h, capacity);
    }

    private ChannelCorruptedException corruptPositions(long t, long h) {
        return RingChecks.corruptPositions(what, t, h, capacity);
    }

    private void release() {
        try {
            if (claim.active) {
                claim.abort();
            }
            Identities.detach(header, identityOffset);
        } finally {
            channel.exitEnd(this);
        }
    }
}
