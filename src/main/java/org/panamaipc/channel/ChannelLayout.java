package org.panamaipc.channel;

import java.util.Objects;
import org.panamaipc.internal.Check;

/**
 * The binary layout of a channel, version {@value #VERSION}: offsets, sizes and the rules
 * every implementation (Java, the C header in {@code interop/c}, the Python module in
 * {@code interop/python}) follows. The normative text is {@code interop/LAYOUT.md}; this class
 * holds its numbers and checks.
 *
 * <pre>
 *  0                 4096                                   4096 + capacity
 *  +-----------------+--------------------------------------+
 *  | header (4 KiB)  | data: capacity bytes, a power of two |
 *  +-----------------+--------------------------------------+
 *
 *  Header (little-endian; each group two sides write on a 128-byte line of its own)
 *   0 +--------------------------------------------------------------+
 *     | magic "PIPCRING" (u64)                                       |
 *   8 +------------------------------+-------------------------------+
 *     | version = 2 (u32)            | kind 1/2/3 (u32)              |
 *  16 +------------------------------+-------------------------------+
 *     | capacity (u64)                                               |
 *  24 +------------------------------+-------------------------------+
 *     | headerLength = 4096 (u32)    | maxPayloadLength (u32)        |
 *  32 +------------------------------+-------------------------------+
 *     | state 0/1 (u32, last)        | reserved                      |
 * 128 +--------------------------------------------------------------+
 *     | tail (u64)                 next position to claim            |
 * 256 +--------------------------------------------------------------+
 *     | headCache (u64)            broadcast: tailIntent             |
 * 384 +--------------------------------------------------------------+
 *     | head (u64)                 broadcast: latest                 |
 * 512 +---------------+---------------+---------------+--------------+
 *     | dataSeq (u32) | dataSleepers  | doorbell      |              |
 * 640 +---------------+---------------+---------------+--------------+
 *     | roomSeq (u32) | roomSleepers  |                              |
 * 768 +--------------------------------------------------------------+
 *     | reader identity (32 bytes)                                   |
 * 800 +--------------------------------------------------------------+
 *     | writer identity (32 bytes)                                   |
 *1024 +--------------------------------------------------------------+
 *     | 64 producer slots of 32 bytes (many-to-one)                  |
 *3072 +--------------------------------------------------------------+
 *     | reserved, zero                                               |
 *4096 +--------------------------------------------------------------+
 *
 *  Identity: +0 pid (u32, 0 = nobody)  +8 startTime (u64, /proc/PID/stat field 22)
 *            +16 claimPosition (u64)   +24 claimLength (u64)
 *
 *  Record (8-aligned, never wraps; padding has type -1)
 *    +0 length (i32: &gt;0 committed, &lt;0 claimed, 0 nothing yet)  +4 type (i32)
 *    broadcast only: +8 sequence (u64)
 *    then the payload; the record occupies align8(length) bytes
 * </pre>
 *
 */
public final class ChannelLayout {
    /** The magic number: the bytes {@code "PIPCRING"} read as a little-endian u64. */
    public static final long MAGIC = 0x474E495243504950L;
    /** The layout version this class describes. */
    public static final int VERSION = 2;
    /** Bytes of the header; the data area starts there. */
    public static final int HEADER_LENGTH = 4096;
    /** The least capacity. */
    public static final int MIN_CAPACITY = 1024;
    /** The greatest capacity. */
    public static final int MAX_CAPACITY = 1 << 30;
    /** Records start at multiples of this and occupy a multiple of it. */
    public static final int ALIGNMENT = 8;
    /** The header of a one-to-one or many-to-one record: length, type. */
    public static final int RECORD_HEADER_LENGTH = 8;
    /** The header of a broadcast record: length, type, sequence. */
    public static final int BROADCAST_RECORD_HEADER_LENGTH = 16;
    /** The type of a padding record, which readers skip. */
    public static final int PADDING_TYPE = -1;
    /** How many producers a many-to-one channel can have attached at once. */
    public static final int MAX_PRODUCERS = 64;
    /** {@code state} while the creator fills the header. */
    public static final int STATE_INITIALIZING = 0;
    /** {@code state} once the header is complete. */
    public static final int STATE_READY = 1;

    /** u64 magic. */
    public static final int MAGIC_OFFSET = 0;
    /** u32 version. */
    public static final int VERSION_OFFSET = 8;
    /** u32 kind. */
    public static final int KIND_OFFSET = 12;
    /** u64 capacity. */
    public static final int CAPACITY_OFFSET = 16;
    /** u32 headerLength. */
    public static final int HEADER_LENGTH_OFFSET = 24;
    /** u32 maxPayloadLength. */
    public static final int MAX_PAYLOAD_LENGTH_OFFSET = 28;
    /** u32 state, stored last with release order. */
    public static final int STATE_OFFSET = 32;
    /** u64 tail: the next position to claim (broadcast: after the last record). */
    public static final int TAIL_OFFSET = 128;
    /** u64 headCache: a writer's last view of head (broadcast: tailIntent). */
    public static final int HEAD_CACHE_OFFSET = 256;
    /** u64 tailIntent of a broadcast channel, where the others have headCache. */
    public static final int TAIL_INTENT_OFFSET = HEAD_CACHE_OFFSET;
    /** u64 head: the next position to read (broadcast: latest). */
    public static final int HEAD_OFFSET = 384;
    /** u64 latest of a broadcast channel, where the others have head: start of the last record. */
    public static final int LATEST_OFFSET = HEAD_OFFSET;
    /** u32 futex word waited on for data. */
    public static final int DATA_SEQ_OFFSET = 512;
    /** u32 readers announced asleep. */
    public static final int DATA_SLEEPERS_OFFSET = 516;
    /** u32 1 when the reader wants its eventfd rung. */
    public static final int DOORBELL_OFFSET = 520;
    /** u32 futex word waited on for room. */
    public static final int ROOM_SEQ_OFFSET = 640;
    /** u32 writers announced asleep. */
    public static final int ROOM_SLEEPERS_OFFSET = 644;
    /** The reader's identity. */
    public static final int READER_OFFSET = 768;
    /** The writer's identity (one-to-one, broadcast). */
    public static final int WRITER_OFFSET = 800;
    /** The first of the many-to-one producer slots. */
    public static final int SLOTS_OFFSET = 1024;
    /** Bytes of an identity. */
    public static final int IDENTITY_LENGTH = 32;
    /** u32 pid within an identity. */
    public static final int IDENTITY_PID_OFFSET = 0;
    /** u64 start time within an identity. */
    public static final int IDENTITY_START_TIME_OFFSET = 8;
    /** u64 claimPosition within a producer slot. */
    public static final int IDENTITY_CLAIM_POSITION_OFFSET = 16;
    /** u64 claimLength within a producer slot. */
    public static final int IDENTITY_CLAIM_LENGTH_OFFSET = 24;
    /** i32 length within a record. */
    public static final int RECORD_LENGTH_OFFSET = 0;
    /** i32 type within a record. */
    public static final int RECORD_TYPE_OFFSET = 4;
    /** u64 sequence within a broadcast record. */
    public static final int RECORD_SEQUENCE_OFFSET = 8;

    private ChannelLayout() {
    }

    /**
     * Checks a capacity: a power of two in [{@value #MIN_CAPACITY}, 2^30].
     *
     * @param capacity the data bytes
     * @return {@code capacity}
     * @throws IllegalArgumentException if it is not
     */
    public static int checkCapacity(long capacity) {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Long.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity=" + capacity + " must be a power of two in ["
                    + MIN_CAPACITY + ", " + MAX_CAPACITY + "]");
        }
        return (int) capacity;
    }

    /**
     * The size of the shared object of a channel.
     *
     * @param capacity a valid capacity
     * @return {@code 4096 + capacity}
     * @throws IllegalArgumentException if the capacity is not valid ({@link #checkCapacity})
     */
    public static long objectSize(long capacity) {
        return HEADER_LENGTH + checkCapacity(capacity);
    }

    /**
     * The longest payload a channel takes: an eighth of the ring, less a record header.
     *
     * @param kind the kind
     * @param capacity a valid capacity
     * @return {@code capacity / 8 - recordHeaderLength(kind)}
     * @throws IllegalArgumentException if the capacity is not valid ({@link #checkCapacity})
     */
    public static int maxPayloadLength(ChannelKind kind, long capacity) {
        Check.notNull("kind", kind);
        return checkCapacity(capacity) / 8 - kind.recordHeaderLength();
    }

    /**
     * Rounds up to the record alignment.
     *
     * @param length a non-negative length
     * @return the multiple of 8 at or above it
     * @throws IllegalArgumentException if the length is negative
     */
    public static int align(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length=" + length + " must not be negative");
        }
        return (length + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /**
     * The offset of a many-to-one producer slot.
     *
     * @param slot 0 to 63
     * @return its offset in the header
     * @throws IndexOutOfBoundsException if the slot is not in [0, 63]
     */
    public static int slotOffset(int slot) {
        return SLOTS_OFFSET + Objects.checkIndex(slot, MAX_PRODUCERS) * IDENTITY_LENGTH;
    }
}
