package org.panamaipc.internal;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import org.panamaipc.bindings.timespec;

/**
 * The end of a timed wait, so that a call interrupted (EINTR) or woken early is retried
 * with only the time that remains, never the whole timeout again.
 */
public final class Deadline {
    private static final long NO_LIMIT = Long.MAX_VALUE;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long endNanos;

    private Deadline(long endNanos) {
        this.endNanos = endNanos;
    }

    /**
     * A deadline {@code timeout} from now; a timeout too long to represent means no limit.
     *
     * @param timeout not negative (checked by {@link Check#timeout})
     * @return the deadline
     */
    public static Deadline after(Duration timeout) {
        long nanos;
        try {
            nanos = Check.timeout(timeout).toNanos();
        } catch (ArithmeticException tooLong) {
            return new Deadline(NO_LIMIT);
        }
        long now = System.nanoTime();
        long end = now + nanos;
        return new Deadline(end - now < 0 ? NO_LIMIT : end);
    }

    /** {@return whether this deadline never passes} */
    public boolean unlimited() {
        return endNanos == NO_LIMIT;
    }

    /** {@return the nanoseconds left, 0 once the deadline has passed} */
    public long remainingNanos() {
        if (unlimited()) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, endNanos - System.nanoTime());
    }

    /** {@return whether the deadline has passed} */
    public boolean expired() {
        return remainingNanos() == 0;
    }

    /**
     * The time left as {@code poll}'s timeout argument: milliseconds rounded up (so a wait
     * never ends early), -1 for no limit, at most {@link Integer#MAX_VALUE}.
     *
     * @return milliseconds for {@code poll}/{@code epoll_wait}
     */
    public int remainingMillisForPoll() {
        if (unlimited()) {
            return -1;
        }
        long nanos = remainingNanos();
        long millis = (nanos + 999_999) / 1_000_000;
        return (int) Math.min(Integer.MAX_VALUE, millis);
    }

    /**
     * Writes the time left into a {@code struct timespec} (a relative timeout, as
     * {@code semtimedop} and {@code futex} take).
     *
     * @param ts a {@code struct timespec} in native memory
     */
    public void writeRemaining(MemorySegment ts) {
        long nanos = remainingNanos();
        timespec.tv_sec(ts, nanos / NANOS_PER_SECOND);
        timespec.tv_nsec(ts, nanos % NANOS_PER_SECOND);
    }

    /**
     * Writes this deadline as an absolute {@code CLOCK_REALTIME} time into a
     * {@code struct timespec}, as {@code mq_timedreceive}, {@code sem_timedwait} and
     * {@code pthread_mutex_timedlock} take. The conversion reads both clocks once, so a
     * wall-clock step during the wait shortens or lengthens it, as it does in C.
     *
     * @param ts a {@code struct timespec} in native memory
     */
    public void writeAbsoluteRealtime(MemorySegment ts) {
        java.time.Instant now = java.time.Instant.now();
        long nanos = Math.min(remainingNanos(), Long.MAX_VALUE / 4);
        long sec = now.getEpochSecond() + nanos / NANOS_PER_SECOND;
        long nsec = now.getNano() + nanos % NANOS_PER_SECOND;
        if (nsec >= NANOS_PER_SECOND) {
            sec++;
            nsec -= NANOS_PER_SECOND;
        }
        timespec.tv_sec(ts, sec);
        timespec.tv_nsec(ts, nsec);
    }
}
