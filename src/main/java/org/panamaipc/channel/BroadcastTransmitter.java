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
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Check;
import org.panamaipc.shm.SharedAtomics;

/**
 * The sending end of a {@link ChannelKind#BROADCAST} channel: one transmitter, any number of
 * {@link BroadcastReceiver}s. It never waits: each record overwrites the oldest, and receivers
 * that fall behind are lapped (they learn it, and how many records they lost). No allocation,
 * and no system call while no receiver sleeps.
 *
 * <pre>{@code
 * try (BroadcastTransmitter tx = channel.transmitter()) {
 *     tx.transmit(1, price);
 * }
 * }</pre>
 *
 * <h2>Lifetime</h2>
 * Attaches when made (the {@code writer} identity) and detaches on {@link #close()}; a later
 * transmitter continues the sequence. Used by one thread at a time. Use after close throws
 * {@link IllegalStateException}.
 */
public final class BroadcastTransmitter implements AutoCloseable {
    private final Channel channel;
    private final String what;
    private final MemorySegment header;
    private final MemorySegment data;
    private final MemorySegment dataSeqWord;
    private final int capacity;
    private final int mask;
    private final int maxPayloadLength;
    private final Blocker blocker;

    private long tail;
    private long sequence;

    BroadcastTransmitter(Channel channel) throws IOException {
        this.channel = channel;
        this.what = channel.what();
        this.header = channel.header();
        this.data = channel.data();
        this.dataSeqWord = header.asSlice(DATA_SEQ_OFFSET, 4);
        this.capacity = channel.capacity();
        this.mask = capacity - 1;
        this.maxPayloadLength = channel.maxPayloadLength();
        this.blocker = Blocker.forHandle(what + " transmitter", this::release);
        channel.enterEnd(this);
        boolean attached = false;
        try {
            int holder = Identities.tryAttach(header, ChannelLayout.WRITER_OFFSET);
            if (holder != 0) {
                throw new ChannelEndInUseException(what, "transmitter", holder);
            }
            attached = true;
            long t = SharedAtomics.getLongAcquire(header, TAIL_OFFSET);
            long latest = SharedAtomics.getLongAcquire(header, LATEST_OFFSET);
            long intent = SharedAtomics.getLongAcquire(header, TAIL_INTENT_OFFSET);
            if ((t & 7) != 0 || (latest & 7) != 0 || latest > t || (t > 0 && t - latest > capacity) || intent < t
                    || intent - t > 2L * capacity) {
                throw new ChannelCorruptedException(what + ": corrupt positions tail=" + t + " latest=" + latest
                        + " tailIntent=" + intent + " capacity=" + capacity);
            }
            // a transmitter that died after its intent rewrote nothing a receiver trusts: overwrite it
            this.tail = t;
            long next = 0;
            if (t > 0) {
                int index = (int) latest & mask;
                long last = SharedAtomics.getLong(data, index + RECORD_SEQUENCE_OFFSET);
                next = last + 1;
            }
            this.sequence = next;
        } catch (IOException | RuntimeException e) {
            if (attached) {
                Identities.detach(header, ChannelLayout.WRITER_OFFSET);
            }
            channel.exitEnd(this);
            throw e;
        }
    }

    /**
     * Transmits a record; never waits.
     *
     * @param type the record's type, at least 1
     * @param payload the payload, at most {@link Channel#maxPayloadLength()} bytes
     * @throws IllegalArgumentException if the type is below 1 or the payload too long
     * @throws IllegalStateException if the transmitter is closed
     */
    public void transmit(int type, MemorySegment payload) {
        long size = Check.notNull("payload", payload).byteSize();
        checkRecord(type, size);
        transmit(type, payload, 0, (int) size);
    }

    /**
     * Transmits a record from part of a segment; never waits.
     *
     * @param type the record's type, at least 1
     * @param source holds the payload
     * @param offset where the payload starts in {@code source}
     * @param length the payload's length, at most {@link Channel#maxPayloadLength()}
     * @throws IllegalArgumentException if the type is below 1 or the payload too long
     * @throws IndexOutOfBoundsException if the range is not inside {@code source}
     * @throws IllegalStateException if the transmitter is closed
     */
    public void transmit(int type, MemorySegment source, long offset, int length) {
        Check.notNull("source", source);
        checkRecord(type, length);
        Objects.checkFromIndexSize(offset, length, source.byteSize());
        int index = begin(type, length);
        MemorySegment.copy(source, offset, data, index + BROADCAST_RECORD_HEADER_LENGTH, length);
        end(index, length);
    }

    /**
     * Transmits a record from an array; never waits.
     *
     * @param type the record's type, at least 1
     * @param payload the payload, at most {@link Channel#maxPayloadLength()} bytes
     * @throws IllegalArgumentException if the type is below 1 or the payload too long
     * @throws IllegalStateException if the transmitter is closed
     */
    public void transmit(int type, byte[] payload) {
        Check.notNull("payload", payload);
        checkRecord(type, payload.length);
        int index = begin(type, payload.length);
        MemorySegment.copy(payload, 0, data, ValueLayout.JAVA_BYTE, index + BROADCAST_RECORD_HEADER_LENGTH,
                payload.length);
        end(index, payload.length);
    }

    /** Steps 1 and 2 of "Transmitting": the intent, padding, the record's header. */
    private int begin(int type, int payloadLength) {
        if (!blocker.isOpen()) {
            throw new IllegalStateException(this + " is closed");
        }
        int length = payloadLength + BROADCAST_RECORD_HEADER_LENGTH;
        int aligned = ChannelLayout.align(length);
        long t = tail;
        int index = (int) t & mask;
        int toEnd = capacity - index;
        if (aligned > toEnd) {
            SharedAtomics.putLongRelease(header, TAIL_INTENT_OFFSET, t + toEnd + aligned);
            VarHandle.storeStoreFence();
            if (toEnd >= BROADCAST_RECORD_HEADER_LENGTH) { // 8 bytes of padding have no room for it
                SharedAtomics.putLong(data, index + RECORD_SEQUENCE_OFFSET, sequence);
            }
            SharedAtomics.putInt(data, index + RECORD_TYPE_OFFSET, PADDING_TYPE);
            SharedAtomics.putInt(data, index, toEnd);
            t += toEnd;
            tail = t;
            index = 0;
        } else {
            SharedAtomics.putLongRelease(header, TAIL_INTENT_OFFSET, t + aligned);
            VarHandle.storeStoreFence();
        }
        SharedAtomics.putInt(data, index, length);
        SharedAtomics.putInt(data, index + RECORD_TYPE_OFFSET, type);
        SharedAtomics.putLong(data, index + RECORD_SEQUENCE_OFFSET, sequence);
        return index;
    }

    /** Step 3 and 4: publish, wake. */
    private void end(int index, int payloadLength) {
        long t = tail;
        sequence++;
        SharedAtomics.putLongRelease(header, LATEST_OFFSET, t);
        long next = t + ChannelLayout.align(payloadLength + BROADCAST_RECORD_HEADER_LENGTH);
        tail = next;
        SharedAtomics.putLongRelease(header, TAIL_OFFSET, next);
        EndWaits.wake(header, dataSeqWord, DATA_SEQ_OFFSET, DATA_SLEEPERS_OFFSET);
    }

    private void checkRecord(int type, long length) {
        RingChecks.checkRecord(type, length, maxPayloadLength, capacity);
    }

    /** {@return the channel this transmitter writes} */
    public Channel channel() {
        return channel;
    }

    /** {@return the sequence number the next record will carry} */
    public long nextSequence() {
        return sequence;
    }

    /** {@return whether {@link #close()} has not been called} */
    public boolean isOpen() {
        return blocker.isOpen();
    }

    /** Detaches, once: stores {@code pid = 0} in the writer identity. */
    @Override
    public void close() {
        blocker.close();
    }

    @Override
    public String toString() {
        return "BroadcastTransmitter[" + what + (isOpen() ? "]" : ", closed]");
    }

    private void release() {
        try {
            Identities.detach(header, ChannelLayout.WRITER_OFFSET);
        } finally {
            channel.exitEnd(this);
        }
    }
}
