package org.panamaipc.internal;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import org.panamaipc.bindings.timespec;

/**
 * The end of a timed wait, so that a call interrupted (EINTR) or woken early is retried
 * with only the time that remains, never the whole timeout again.
 *
 * <p>An end time is a {@code long} on the {@link System#nanoTime()} scale, from
 * {@link #end(Duration)}: passing it around allocates nothing.
 */
public final class Deadline {
    /** The end time of a wait without limit. */
    public static final long NONE = Long.MAX_VALUE;

    /**
     * A zero {@code struct timespec}: as a relative limit, no wait; as an absolute time, one
     * long passed. A timed call given it never blocks. Shared, never written.
     */
    public static final MemorySegment EXPIRED = java.lang.foreign.Arena.global().allocate(timespec.layout());

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private Deadline() {
    }

    /**
     * The end time {@code timeout} from now, on the {@link System#nanoTime()} scale; a timeout
     * too long to represent means no limit.
     *
     * @param timeout not negative (checked by {@link Check#timeout})
     * @return the end time, or {@link #NONE}
     */
    public static long end(Duration timeout) {
        long nanos;
        try {
            nanos = Check.timeout(timeout).toNanos();
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

    /**
     * An end time that has passed already: a call given it makes one attempt that does not wait.
     *
     * @return the end time now
     */
    public static long now() {
        long t = System.nanoTime();
        return t == NONE ? NONE - 1 : t;
    }

    /**
     * The nanoseconds left until an end time.
     *
     * @param end from {@link #end(Duration)}
     * @return the nanoseconds left, 0 once passed, {@link Long#MAX_VALUE} for no limit
     */
    public static long remainingNanos(long end) {
        return end == NONE ? Long.MAX_VALUE : Math.max(0, end - System.nanoTime());
    }

    /**
     * Whether an end time has passed.
     *
     * @param end from {@link #end(Duration)}
     * @return {@code true} once passed; never for {@link #NONE}
     */
    public static boolean expired(long end) {
        return end != NONE && end - System.nanoTime() <= 0;
    }

    /**
     * The time left as {@code poll}'s timeout argument: milliseconds rounded up (so a wait
     * never ends early), -1 for no limit, at most {@link Integer#MAX_VALUE}.
     *
     * @param end from {@link #end(Duration)}
     * @return milliseconds for {@code poll}/{@code epoll_wait}
     */
    public static int pollMillis(long end) {
        if (end == NONE) {
            return -1;
        }
        long millis = (remainingNanos(end) + 999_999) / 1_000_000;
        return (int) Math.min(Integer.MAX_VALUE, millis);
    }

    /**
     * Writes the time left into a {@code struct timespec} (a relative timeout, as
     * {@code semtimedop} and {@code futex} take).
     *
     * @param ts a {@code struct timespec} in native memory
     * @param end from {@link #end(Duration)}
     */
    public static void writeRemaining(MemorySegment ts, long end) {
        long nanos = remainingNanos(end);
        timespec.tv_sec(ts, nanos / NANOS_PER_SECOND);
        timespec.tv_nsec(ts, nanos % NANOS_PER_SECOND);
    }

    /**
     * Writes an end time as an absolute {@code CLOCK_REALTIME} {@code struct timespec}, as
     * {@code mq_timedreceive}, {@code sem_timedwait} and {@code pthread_mutex_timedlock}
     * take. The wall clock is read in whole milliseconds and rounded up, so the wait never
     * ends early and at most a millisecond late; a wall-clock step during the wait shortens
     * or lengthens it, as it does in C.
     *
     * @param ts a {@code struct timespec} in native memory
     * @param end from {@link #end(Duration)}
     */
    public static void writeAbsoluteRealtime(MemorySegment ts, long end) {
        long nanos = Math.min(remainingNanos(end), Long.MAX_VALUE / 4);
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
