package org.panamaipc.channel;

import static org.panamaipc.channel.ChannelLayout.BROADCAST_RECORD_HEADER_LENGTH;
import static org.panamaipc.channel.ChannelLayout.DATA_SEQ_OFFSET;
import static org.panamaipc.channel.ChannelLayout.DATA_SLEEPERS_OFFSET;
import static org.panamaipc.channel.ChannelLayout.LATEST_OFFSET;
import static org.panamaipc.channel.ChannelLayout.PADDING_TYPE;
import static org.panamaipc.channel.ChannelLayout.RECORD_SEQUENCE_OFFSET;
import static org.panamaipc.channel.ChannelLayout.RECORD_TYPE_OFFSET;
import static org.panamaipc.channel.ChannelLayout.TAIL_INTENT_OFFSET;
import static org.panamaipc.channel.ChannelLayout.TAIL_OFFSET;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.shm.SharedAtomics;

/**
 * A receiving end of a {@link ChannelKind#BROADCAST} channel, reading at its own pace. Each
 * record is copied out of the ring into the receiver's own memory and checked after the copy,
 * so a record the transmitter overwrote meanwhile is never delivered torn: the receiver was
 * lapped, counts it ({@link #lappedCount()}), and jumps to the latest record. Records it never
 * saw are counted from the sequence numbers ({@link #lostCount()}).
 *
 * <pre>{@code
 * try (BroadcastReceiver rx = channel.receiver()) {
 *     rx.receive((type, buffer, offset, length) -> update(buffer, offset, length));
 * }
 * }</pre>
 *
 * <p>Receivers are not recorded in the header: any number may read, and the transmitter never
 * waits for them. A receiver waiting with nothing new whose transmitter died learns it at the
 * end of the 25 ms slice in progress after the transmitter's process has exited
 * ({@link PeerDeadException}).
 *
 * <h2>Lifetime</h2>
 * The copy buffer ({@code capacity / 8} bytes, on the heap) is reused by every record: the
 * handler's view is valid only during its call. {@link #close()} releases threads blocked in
 * a receive ({@link AsynchronousCloseException}); use after close throws
 * {@link IllegalStateException}. Used by one thread at a time.
 */
public final class BroadcastReceiver implements AutoCloseable {
    /** Where a new receiver starts. */
    public enum Start {
        /** At the latest record transmitted (delivered again if it was), or the first one. */
        LATEST,
        /** At the next record transmitted after the receiver is made. */
        NEXT
    }

    private final Channel channel;
    private final String what;
    private final MemorySegment header;
    private final MemorySegment data;
    private final MemorySegment copy;
    private final MemorySegment view;
    private final int capacity;
    private final int mask;
    private final int maxPayloadLength;
    private final Blocker blocker;
    private final EndWaits waits;
    private final NewRecord ready = new NewRecord();
    private final EndWaits.Poll poller = this::poll;

    /** Laps one poll takes before it returns, so that a transmitter outrunning it cannot hold it. */
    private static final int MAX_LAPS_PER_POLL = 16;

    private long cursor;
    private long expected = -1;
    private long lapped;
    private long lost;

    BroadcastReceiver(Channel channel, Start start, IdleStrategy idle) {
        this.channel = channel;
        this.what = channel.what();
        this.header = channel.header();
        this.data = channel.data();
        this.capacity = channel.capacity();
        this.mask = capacity - 1;
        this.maxPayloadLength = channel.maxPayloadLength();
        this.copy = MemorySegment.ofArray(new long[capacity / 8 / 8]);
        this.view = copy.asReadOnly();
        this.blocker = Blocker.forHandle(what + " receiver", () -> channel.exitEnd(this));
        this.waits = new EndWaits(blocker, what, header, DATA_SEQ_OFFSET, DATA_SLEEPERS_OFFSET, idle, false);
        channel.enterEnd(this);
        long tail = SharedAtomics.getLongAcquire(header, TAIL_OFFSET);
        long latest = SharedAtomics.getLongAcquire(header, LATEST_OFFSET);
        this.cursor = start == Start.NEXT ? tail & -8 : latest & -8; // checked by every read
        if (tail == 0) {
            this.expected = 0;
        } else { // the sequence to expect, so that what is lost from now on is counted
            long sequence = SharedAtomics.getLong(data, ((int) latest & mask) + RECORD_SEQUENCE_OFFSET);
            VarHandle.loadLoadFence();
            if (SharedAtomics.getLongAcquire(header, TAIL_INTENT_OFFSET) <= latest + capacity && sequence >= 0) {
                this.expected = start == Start.NEXT ? sequence + 1 : sequence;
            }
        }
    }

    /**
     * Delivers the records transmitted since the last call, at most {@code limit}, each
     * copied and checked before the handler sees it. Never waits.
     *
     * @param handler sees each record in the receiver's copy; see {@link RecordHandler}
     * @param limit the most records to deliver, at least 1
     * @return how many were delivered: 0 if none was new, or if the transmitter lapped this
     *     receiver again and again during the call (each lap is counted)
     * @throws ChannelCorruptedException if a record or position breaks the layout
     * @throws IllegalArgumentException if {@code limit} is below 1
     * @throws IllegalStateException if the receiver is closed
     */
    public int poll(RecordHandler handler, int limit) throws ChannelCorruptedException {
        Check.notNull("handler", handler);
        if (!blocker.isOpen()) {
            throw new IllegalStateException(this + " is closed");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit=" + limit + " must be at least 1");
        }
        int count = 0;
        int laps = 0;
        while (count < limit) {
            long tail = SharedAtomics.getLongAcquire(header, TAIL_OFFSET);
            if (tail <= cursor) {
                if (tail < cursor && tail + capacity < cursor) {
                    throw corrupt("tail=" + tail + " is behind this receiver's cursor=" + cursor);
                }
                break;
            }
            if (overwritten()) {
                if (++laps > MAX_LAPS_PER_POLL) {
                    break; // the transmitter outruns this receiver: let the caller come back
                }
                lap();
                continue;
            }
            int index = (int) cursor & mask;
            int length = SharedAtomics.getInt(data, index);
            int toEnd = capacity - index;
            boolean plausible = length >= BROADCAST_RECORD_HEADER_LENGTH && length <= toEnd
                    && length <= copy.byteSize();
            if (plausible) {
                MemorySegment.copy(data, index, copy, 0, length);
            }
            VarHandle.loadLoadFence();
            if (overwritten()) {
                laps++;
                lap(); // overwritten during the copy: discard it
                continue;
            }
            int type = plausible ? copy.get(ValueLayout.JAVA_INT, RECORD_TYPE_OFFSET) : 0;
            if (type == PADDING_TYPE && length == toEnd) {
                cursor += length;
                continue;
            }
            if (!plausible && length == toEnd && length >= ChannelLayout.ALIGNMENT) {
                // a padding record shorter than a record header, or longer than any record: read its type in place
                int inPlace = SharedAtomics.getInt(data, index + RECORD_TYPE_OFFSET);
                VarHandle.loadLoadFence();
                if (overwritten()) {
                    laps++;
                    lap();
                    continue;
                }
                if (inPlace == PADDING_TYPE) {
                    cursor += length;
                    continue;
                }
            }
            if (!plausible || type < 1 || length - BROADCAST_RECORD_HEADER_LENGTH > maxPayloadLength) {
                if (overwritten()) { // what looked wrong was the transmitter's newer record: lapped, not corrupt
                    laps++;
                    lap();
                    continue;
                }
                throw corrupt("record length=" + length + " type=" + type + " at position=" + cursor + " (index="
                        + index + ")");
            }
            long sequence = copy.get(ValueLayout.JAVA_LONG, RECORD_SEQUENCE_OFFSET);
            if (expected >= 0 && sequence > expected) {
                lost += sequence - expected;
            }
            expected = sequence + 1;
            cursor += ChannelLayout.align(length);
            count++;
            handler.onRecord(type, view, BROADCAST_RECORD_HEADER_LENGTH, length - BROADCAST_RECORD_HEADER_LENGTH);
        }
        return count;
    }

    /** Whether the transmitter has begun (or finished) overwriting the record at the cursor. */
    private boolean overwritten() {
        return SharedAtomics.getLongAcquire(header, TAIL_INTENT_OFFSET) > cursor + capacity;
    }

    /** Jumps to the latest record because the transmitter overwrote the one at the cursor. */
    private void lap() throws ChannelCorruptedException {
        jump(true);
    }

    /**
     * Jumps to the latest record. Read in the order the transmitter writes them (intent, then
     * latest, then tail), a working transmitter's intent is never a ring ahead of its tail, and
     * its latest never a ring ahead of the tail read after it (a padding may put it a little
     * ahead). Overwritten at the latest record itself cannot be: the intent read before was
     * at most a few records past it. Anything else is a corrupt header, which would lap forever.
     */
    private void jump(boolean overwritten) throws ChannelCorruptedException {
        lapped++;
        long intent = SharedAtomics.getLongAcquire(header, TAIL_INTENT_OFFSET);
        long latest = SharedAtomics.getLongAcquire(header, LATEST_OFFSET);
        long tail = SharedAtomics.getLongAcquire(header, TAIL_OFFSET);
        if ((latest & 7) != 0 || latest < 0 || latest - tail > capacity || intent - tail > capacity
                || (overwritten && latest == cursor)) {
            throw corrupt("positions tailIntent=" + intent + " latest=" + latest + " tail=" + tail + " cursor="
                    + cursor);
        }
        cursor = latest;
    }

    /**
     * Delivers one record if one is new.
     *
     * @param handler sees the record in the receiver's copy
     * @return whether a record was delivered
     * @throws ChannelCorruptedException if a record or position breaks the layout
     * @throws IllegalStateException if the receiver is closed
     */
    public boolean tryReceive(RecordHandler handler) throws ChannelCorruptedException {
        return poll(handler, 1) == 1;
    }

    /**
     * Delivers one record, waiting for it as long as it takes.
     *
     * @param handler sees the record in the receiver's copy
     * @throws PeerDeadException if nothing is new and the transmitter died
     * @throws AsynchronousCloseException if another thread closed this receiver (or its channel)
     * @throws InterruptedIOException if the thread was interrupted
     * @throws ChannelCorruptedException if a record or position breaks the layout
     * @throws IOException if the futex wait fails
     * @throws IllegalStateException if the receiver is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
     */
    public void receive(RecordHandler handler) throws IOException {
        receive(handler, Deadline.NONE);
    }

    /**
     * Delivers one record, waiting at most {@code timeout} for it.
     *
     * @param handler sees the record in the receiver's copy
     * @param timeout how long to wait, not negative
     * @return true if a record was delivered, false if the time passed first
     * @throws PeerDeadException if nothing is new and the transmitter died
     * @throws AsynchronousCloseException if another thread closed this receiver (or its channel)
     * @throws InterruptedIOException if the thread was interrupted
     * @throws ChannelCorruptedException if a record or position breaks the layout
     * @throws IOException if the futex wait fails
     * @throws IllegalArgumentException if the timeout is negative
     * @throws IllegalStateException if the receiver is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
     */
    public boolean receive(RecordHandler handler, Duration timeout) throws IOException {
        return receive(handler, Deadline.end(timeout));
    }

    private boolean receive(RecordHandler handler, long deadline) throws IOException {
        Check.notNull("handler", handler);
        return waits.receiveOne(poller, handler, ready, deadline);
    }

    /** Something new, and the transmitter's liveness. */
    private final class NewRecord implements EndWaits.Condition {
        @Override
        public boolean holds() {
            return SharedAtomics.getLongAcquire(header, TAIL_OFFSET) > cursor;
        }

        @Override
        public void checkPeer() throws IOException {
            long tail = SharedAtomics.getLongAcquire(header, TAIL_OFFSET);
            if (tail < cursor && tail + capacity < cursor) {
                throw corrupt("tail=" + tail + " is behind this receiver's cursor=" + cursor);
            }
            if (tail < cursor) {
                jump(false); // a transmitter started over
            }
            int holder = Identities.holder(header, ChannelLayout.WRITER_OFFSET);
            if (holder < 0) {
                throw new PeerDeadException(what, "transmitter", -holder);
            }
        }
    }

    /** {@return how many times this receiver was lapped: fell a ring behind and jumped to the latest record} */
    public long lappedCount() {
        return lapped;
    }

    /** {@return how many records this receiver never saw, from the gaps in the sequence numbers} */
    public long lostCount() {
        return lost;
    }

    /** {@return the position of the next record this receiver reads} */
    public long position() {
        return cursor;
    }

    /** {@return the channel this receiver reads} */
    public Channel channel() {
        return channel;
    }

    /** {@return whether {@link #close()} has not been called} */
    public boolean isOpen() {
        return blocker.isOpen();
    }

    /** Ends this receiver, once, releasing threads blocked in it. */
    @Override
    public void close() {
        blocker.close();
    }

    @Override
    public String toString() {
        return "BroadcastReceiver[" + what + ", position=" + cursor + (isOpen() ? "]" : ", closed]");
    }

    private ChannelCorruptedException corrupt(String detail) {
        return new ChannelCorruptedException(what + ": corrupt broadcast " + detail + " capacity=" + capacity);
    }
}
