package org.panamaipc.mq;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import org.panamaipc.internal.Check;

/**
 * A reusable buffer that a POSIX message queue receives into without allocating: the
 * message's bytes land in {@link #buffer()}, and {@link #length()} and {@link #priority()}
 * describe the last message received.
 *
 * <p>Its capacity must be at least the queue's {@link PosixMessageQueue#maxMessageSize()}
 * (the kernel refuses smaller buffers). Not thread-safe: one buffer per receiving thread.
 *
 * <p><b>Receiving into shared memory a peer can truncate.</b> A wrapped buffer may be a slice
 * of a mapping. If another process truncates the object behind it (POSIX shared memory, a
 * file, a memfd without {@code Seal.SHRINK}), the receive fails with {@code EFAULT} — and the
 * kernel has already taken the message off the queue: it is lost, for every receiver. (A pipe
 * read or a stream socket receive that fails so keeps its bytes for the next read; a datagram
 * socket loses the datagram, as a queue does.) The JVM is not at risk: the kernel, not the
 * C library, touches the memory. The library cannot check this up front, since the object can
 * shrink after any check; to exclude it, receive into memory that cannot shrink — a buffer
 * from {@link #allocate}, a memfd sealed with {@code Seal.SHRINK}, System V shared memory —
 * the same memory {@code org.panamaipc.sync} requires for its mutexes and semaphores.
 *
 * <p><b>Lifetime.</b> The buffer is native memory owned by the arena it was allocated in
 * (or by whoever owns the wrapped segment); using it after that arena is closed throws
 * {@link IllegalStateException}.
 *
 * <pre>{@code
 * PosixMessage m = PosixMessage.allocate(Arena.ofAuto(), queue.maxMessageSize());
 * while (queue.receive(m, Duration.ofSeconds(1))) {
 *     handle(m.buffer(), m.length(), m.priority());
 * }
 * }</pre>
 */
public final class PosixMessage {
    private final MemorySegment buffer;
    /** Where the kernel writes the priority: one per buffer, so receiving allocates nothing. */
    private final MemorySegment prioritySlot = Arena.ofAuto().allocate(ValueLayout.JAVA_INT);
    private long length;
    private int priority;

    private PosixMessage(MemorySegment buffer) {
        this.buffer = buffer;
    }

    /**
     * Allocates a buffer.
     *
     * @param arena the arena that owns the memory
     * @param capacity its size in bytes, at least the queue's maximum message size
     * @return the buffer, holding no message yet
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public static PosixMessage allocate(Arena arena, long capacity) {
        Check.notNull("arena", arena);
        Check.positive("capacity", capacity);
        return new PosixMessage(arena.allocate(capacity, 16));
    }

    /**
     * Receives into memory the caller owns. A slice of a mapping that a peer may truncate
     * can lose a message: see the class documentation.
     *
     * @param buffer native memory
     * @return the buffer, holding no message yet
     * @throws IllegalArgumentException if {@code buffer} is on the Java heap, empty or read-only
     */
    public static PosixMessage wrap(MemorySegment buffer) {
        Check.writable("buffer", buffer);
        if (!buffer.isNative()) {
            throw new IllegalArgumentException("buffer must be native memory, not a heap segment");
        }
        Check.positive("buffer.byteSize()", buffer.byteSize());
        return new PosixMessage(buffer);
    }

    /** {@return the whole buffer; the message is its first {@link #length()} bytes} */
    public MemorySegment buffer() {
        return buffer;
    }

    /** {@return the buffer's size in bytes} */
    public long capacity() {
        return buffer.byteSize();
    }

    /** {@return the length of the last message received, 0 before the first} */
    public long length() {
        return length;
    }

    /** {@return the priority of the last message received} */
    public int priority() {
        return priority;
    }

    /** {@return the last message's bytes, a slice of {@link #buffer()} (a view object is made)} */
    public MemorySegment data() {
        return buffer.asSlice(0, length);
    }

    /** {@return a copy of the last message's bytes} */
    public byte[] toByteArray() {
        return buffer.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * Copies the last message into a buffer at its position, advancing the position.
     *
     * @param destination where to copy
     * @throws java.nio.BufferOverflowException if fewer than {@link #length()} bytes remain
     */
    public void copyTo(ByteBuffer destination) {
        Check.notNull("destination", destination);
        if (destination.remaining() < length) {
            throw new java.nio.BufferOverflowException();
        }
        int pos = destination.position();
        MemorySegment.copy(buffer, 0, MemorySegment.ofBuffer(destination), 0, length);
        destination.position(pos + (int) length);
    }

    MemorySegment prioritySlot() {
        return prioritySlot;
    }

    void received(long length, int priority) {
        this.length = length;
        this.priority = priority;
    }

    @Override
    public String toString() {
        return "PosixMessage[length=" + length + " priority=" + priority + " capacity=" + capacity() + "]";
    }
}
