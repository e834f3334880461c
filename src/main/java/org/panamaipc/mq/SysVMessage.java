package org.panamaipc.mq;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.panamaipc.internal.Check;

/**
 * A reusable System V message buffer ({@code struct msgbuf}: a {@code long} type followed by
 * the text), to send from and receive into without allocation.
 *
 * <pre>
 *  0        8                               8 + capacity
 *  +--------+-------------------------------+
 *  | mtype  | mtext (length bytes used)     |
 *  +--------+-------------------------------+
 * </pre>
 *
 * <p>To send, write the text into {@link #text()}, then set {@link #type(long)} and
 * {@link #length(long)}. After a receive, {@link #type()}, {@link #length()} and
 * {@link #truncated()} describe the message. By default a message longer than the capacity
 * is refused and stays queued; {@link #allowTruncation(boolean) allowTruncation(true)} takes
 * it cut to the capacity ({@code MSG_NOERROR}) and reports {@link #truncated()}. Not
 * thread-safe: one buffer per thread.
 *
 * <p><b>Lifetime.</b> The memory belongs to the arena it was allocated in; using the buffer
 * after that arena is closed throws {@link IllegalStateException}.
 */
public final class SysVMessage {
    private final MemorySegment segment;
    private final MemorySegment text;
    private long length;
    private boolean truncated;
    private boolean allowTruncation;

    private SysVMessage(MemorySegment segment) {
        this.segment = segment;
        this.text = segment.asSlice(Long.BYTES);
    }

    /**
     * Allocates a buffer.
     *
     * @param arena the arena that owns the memory
     * @param capacity the room for text in bytes (0 allowed: type-only messages)
     * @return the buffer, type 1 and length 0
     * @throws IllegalArgumentException if {@code capacity} is negative
     */
    public static SysVMessage allocate(Arena arena, long capacity) {
        Check.notNull("arena", arena);
        Check.notNegative("capacity", capacity);
        SysVMessage m = new SysVMessage(arena.allocate(Long.BYTES + capacity, Long.BYTES));
        m.type(1);
        return m;
    }

    /** {@return the room for text in bytes} */
    public long capacity() {
        return text.byteSize();
    }

    /** {@return the text area, all {@link #capacity()} bytes of it; the message is its first {@link #length()}} */
    public MemorySegment text() {
        return text;
    }

    /** {@return the message type: the one received, or the one to send} */
    public long type() {
        return segment.get(ValueLayout.JAVA_LONG, 0);
    }

    /**
     * Sets the type to send.
     *
     * @param type a positive type
     * @return this buffer
     * @throws IllegalArgumentException if {@code type} is not positive
     */
    public SysVMessage type(long type) {
        Check.positive("type", type);
        segment.set(ValueLayout.JAVA_LONG, 0, type);
        return this;
    }

    /** {@return the text's length: the one received, or the one to send} */
    public long length() {
        return length;
    }

    /**
     * Sets the length of the text to send.
     *
     * @param length 0 to {@link #capacity()}
     * @return this buffer
     * @throws IndexOutOfBoundsException if {@code length} exceeds the capacity
     */
    public SysVMessage length(long length) {
        if (length < 0 || length > capacity()) {
            throw new IndexOutOfBoundsException("length=" + length + " capacity=" + capacity());
        }
        this.length = length;
        this.truncated = false;
        return this;
    }

    /**
     * Copies bytes into the text and sets type and length, ready to send.
     *
     * @param type a positive type
     * @param data the text
     * @return this buffer
     * @throws IndexOutOfBoundsException if {@code data} is longer than the capacity
     */
    public SysVMessage set(long type, byte[] data) {
        Check.notNull("data", data);
        length(data.length);
        type(type);
        MemorySegment.copy(data, 0, text, ValueLayout.JAVA_BYTE, 0, data.length);
        return this;
    }

    /** {@return a copy of the text's {@link #length()} bytes} */
    public byte[] toByteArray() {
        return text.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * {@return whether the last message received was longer than the capacity and cut to it}
     * Only possible with {@link #allowTruncation(boolean) allowTruncation(true)}.
     */
    public boolean truncated() {
        return truncated;
    }

    /** {@return whether receiving into this buffer takes longer messages cut to the capacity} */
    public boolean allowTruncation() {
        return allowTruncation;
    }

    /**
     * Chooses what a receive does with a message longer than the capacity: refuse it (the
     * default: the call fails with {@code E2BIG} and the message stays queued) or take it cut
     * to the capacity ({@code MSG_NOERROR}; the rest of it is lost) and set {@link #truncated()}.
     *
     * @param allow whether to truncate
     * @return this buffer
     */
    public SysVMessage allowTruncation(boolean allow) {
        this.allowTruncation = allow;
        return this;
    }

    MemorySegment segment() {
        return segment;
    }

    void received(long length, boolean truncated) {
        this.length = length;
        this.truncated = truncated;
    }

    @Override
    public String toString() {
        return "SysVMessage[type=" + type() + " length=" + length + " capacity=" + capacity()
                + (truncated ? " truncated]" : "]");
    }
}
