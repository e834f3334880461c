package org.panamaipc.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;

/**
 * A private eventfd used as a doorbell: one side rings ({@link #ring}), the other takes the
 * count ({@link #take}) and, meanwhile, polls the descriptor, which is readable while the
 * count is not zero. Behind {@code WaitSet.wakeup()} and a signal registration's deliveries.
 * Non-blocking and close-on-exec; nothing here waits.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/eventfd.2.html">eventfd(2)</a>
 */
public final class EventCounter {
    private static final long BYTES = 8;
    /** The 8 bytes every ring writes: shared, never written after this. */
    private static final MemorySegment ONE = Arena.global().allocateFrom(ValueLayout.JAVA_LONG, 1L);

    private EventCounter() {
    }

    /**
     * Opens a counter at zero.
     *
     * @param what what it is for, for the message of a failure
     * @return the owned eventfd
     * @throws IOException (EMFILE, ENFILE) if no descriptor is free
     */
    public static OwnedFd open(String what) throws IOException {
        int r = SyncCalls.eventfd(0, LibC.EFD_CLOEXEC() | LibC.EFD_NONBLOCK());
        if (r < 0) {
            throw Errors.of("eventfd", "0, EFD_CLOEXEC|EFD_NONBLOCK, for " + what, -r);
        }
        return OwnedFd.adopt(r);
    }

    /**
     * Adds 1, unless the counter is closed: a ring that races the close has nobody to wake. A
     * counter that would overflow (2<sup>64</sup> - 2 rings never taken) stays as it is, still
     * readable, which is all a doorbell needs.
     *
     * @param counter the eventfd
     */
    public static void ring(OwnedFd counter) {
        int n;
        try {
            n = FdUse.enter(counter);
        } catch (IllegalStateException closed) {
            return;
        }
        try {
            Sys.writeNonBlocking(n, ONE, BYTES);
        } finally {
            FdUse.exit(counter);
        }
    }

    /**
     * Takes the count and sets it to zero, without waiting.
     *
     * @param fd the eventfd's number, acquired by the caller
     * @return the count, 0 if there was none; or {@code -errno}
     */
    public static long take(int fd) {
        MemorySegment buf = Waiter.current().scratch(BYTES);
        long r = Sys.read(fd, buf, BYTES);
        if (r == BYTES) {
            return buf.get(ValueLayout.JAVA_LONG, 0);
        }
        return r == -Sys.EAGAIN ? 0 : r < 0 ? r : -LibC.EIO();
    }
}
