package org.panamaipc.mq;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.panamaipc.bindings.timespec;

/**
 * Native memory each thread reuses for its queue calls, so that sending and receiving
 * allocate nothing once a thread has warmed up: the priority out-parameter, timeouts, a
 * {@code pollfd}, and a buffer that heap data ({@code byte[]}, heap {@code ByteBuffer}s) is
 * copied through, grown to the largest message the thread has handled.
 */
final class PerThread {
    private static final ThreadLocal<PerThread> CURRENT = ThreadLocal.withInitial(PerThread::new);

    final Arena arena = Arena.ofAuto();
    /** An {@code unsigned int} for {@code mq_receive}'s priority. */
    final MemorySegment priority = arena.allocate(ValueLayout.JAVA_INT);
    /** An absolute timeout for the timed calls. */
    final MemorySegment deadline = timespec.allocate(arena);
    /** The epoch, an absolute timeout already passed: the timed calls then never block. */
    final MemorySegment expired = timespec.allocate(arena);
    /** One {@code struct pollfd}. */
    final MemorySegment pollfd = org.panamaipc.bindings.pollfd.allocate(arena);
    /** A {@code struct msqid_ds} for {@code IPC_STAT} on the send path. */
    final MemorySegment msqid = org.panamaipc.bindings.msqid_ds.allocate(arena);
    /** Whether the last System V receive on this thread cut its message. */
    boolean truncated;
    /** The text room the allocating System V receive starts with; grows on E2BIG. */
    long sysvReceiveCapacity = 8192;
    private MemorySegment buffer = arena.allocate(256, 16);

    private PerThread() {
    }

    static PerThread get() {
        return CURRENT.get();
    }

    /**
     * A buffer of at least {@code size} bytes, valid until this thread asks again.
     *
     * @param size the bytes needed
     * @return native memory of at least that size
     */
    MemorySegment buffer(long size) {
        if (buffer.byteSize() < size) {
            buffer = Arena.ofAuto().allocate(Math.max(size, buffer.byteSize() * 2), 16);
        }
        return buffer;
    }
}
