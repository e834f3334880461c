package org.panamaipc.mq;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import org.panamaipc.bindings.timespec;

/**
 * Deadlines as a primitive {@code long} of {@link System#nanoTime()}, so that the timed send
 * and receive paths allocate nothing; {@link #NONE} means no limit.
 */
final class Timeouts {
    /** The deadline of a wait without limit. */
    static final long NONE = Long.MAX_VALUE;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private Timeouts() {
    }

    /** The deadline {@code timeout} from now; {@link #NONE} when too far to represent. */
    static long end(Duration timeout) {
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return NONE;
        }
        try {
            long end = Math.addExact(System.nanoTime(), nanos);
            return end == NONE ? NONE - 1 : end;
        } catch (ArithmeticException tooFar) {
            return NONE;
        }
    }

    /** The nanoseconds left until {@code end}, 0 once passed. */
    static long remaining(long end) {
        return end == NONE ? Long.MAX_VALUE : Math.max(0, end - System.nanoTime());
    }

    static boolean expired(long end) {
        return end != NONE && end - System.nanoTime() <= 0;
    }

    /** The time left as {@code poll}'s timeout: milliseconds rounded up, -1 for no limit. */
    static int pollMillis(long end) {
        if (end == NONE) {
            return -1;
        }
        long millis = (remaining(end) + 999_999) / 1_000_000;
        return (int) Math.min(Integer.MAX_VALUE, millis);
    }

    /**
     * Writes the deadline as an absolute {@code CLOCK_REALTIME} {@code struct timespec}, as
     * {@code mq_timedsend}/{@code mq_timedreceive} take. The wall clock is read in whole
     * milliseconds and rounded up, so the wait never ends early and at most a millisecond
     * late; a wall-clock step during the wait shortens or lengthens it, as it does in C.
     */
    static void writeAbsoluteRealtime(MemorySegment ts, long end) {
        long nanos = Math.min(remaining(end), Long.MAX_VALUE / 4);
        long nowMillis = System.currentTimeMillis() + 1;
        long sec = nowMillis / 1000 + nanos / NANOS_PER_SECOND;
        long nsec = (nowMillis % 1000) * 1_000_000 + nanos % NANOS_PER_SECOND;
        if (nsec >= NANOS_PER_SECOND) {
            sec++;
            nsec -= NANOS_PER_SECOND;
        }
        timespec.tv_sec(ts, sec);
        timespec.tv_nsec(ts, nsec);
    }
}
