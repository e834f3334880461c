package org.panamaipc.pipe;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.panamaipc.bindings.iovec;
import org.panamaipc.bindings.pollfd;

/**
 * Per-thread native memory for the calls of this package: a bounce buffer for heap arrays
 * (a blocking downcall cannot take a heap segment), a {@code struct pollfd} and a
 * {@code struct iovec}. Made once per thread, so that the hot paths allocate nothing.
 */
final class Scratch {
    static final int BUFFER_SIZE = 64 * 1024;

    private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);

    final MemorySegment buffer;
    final MemorySegment pollFd;
    final MemorySegment ioVec;

    private Scratch() {
        Arena arena = Arena.ofAuto();
        buffer = arena.allocate(BUFFER_SIZE, 64);
        pollFd = arena.allocate(pollfd.layout());
        ioVec = arena.allocate(iovec.layout());
    }

    static Scratch get() {
        return PER_THREAD.get();
    }

    /** Fills the pollfd for one descriptor and returns it. */
    MemorySegment pollFor(int fd, int events) {
        pollfd.fd(pollFd, fd);
        pollfd.events(pollFd, (short) events);
        pollfd.revents(pollFd, (short) 0);
        return pollFd;
    }

    /** Points the iovec at a segment and returns it. */
    MemorySegment iovecFor(MemorySegment data) {
        iovec.iov_base(ioVec, data);
        iovec.iov_len(ioVec, data.byteSize());
        return ioVec;
    }
}
