package org.panamaipc.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A point in time by which something must have happened, for tests that wait.
 *
 * <p>Waiting in tests goes through a deadline rather than a fixed sleep: a fixed sleep is
 * either too short on a loaded machine (flaky) or too long everywhere else (slow). Where the
 * kernel offers no notification (a descriptor closed, an IPC object removed, a file created
 * by another process), {@link #await(BooleanSupplier, String)} polls the condition with a
 * short, growing pause until it holds or the deadline passes.
 *
 * <pre>{@code
 * Deadline.after(Duration.ofSeconds(5))
 *         .await(() -> Files.exists(path), "peer creates " + path);
 * }</pre>
 */
public final class Deadline {

    /** The first pause between two polls; short because the condition usually holds soon. */
    private static final long FIRST_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    /** The longest pause between two polls; bounds how late a satisfied condition is seen. */
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final long deadlineNanos;
    private final Duration timeout;

    private Deadline(Duration timeout) {
        this.timeout = timeout;
        this.deadlineNanos = System.nanoTime() + saturatedNanos(timeout);
    }

    /**
     * Returns a deadline {@code timeout} from now.
     *
     * @param timeout how long from now; zero for a deadline that has already passed
     * @return the deadline
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public static Deadline after(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout: " + timeout);
        }
        return new Deadline(timeout);
    }

    /**
     * Returns the time left, never negative.
     *
     * @return the time left until the deadline, or {@link Duration#ZERO} once it has passed
     */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, remainingNanos()));
    }

    /**
     * Returns the time left in nanoseconds, never negative.
     *
     * @return nanoseconds until the deadline, or 0 once it has passed
     */
    public long remainingNanos() {
        return Math.max(0, deadlineNanos - System.nanoTime());
    }

    /**
     * Tells whether the deadline has passed.
     *
     * @return true once the deadline has passed
     */
    public boolean isExpired() {
        return remainingNanos() == 0;
    }

    /**
     * Returns the timeout this deadline was made from, for messages.
     *
     * @return the original timeout
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Polls {@code condition} until it holds or the deadline passes.
     *
     * @param condition the condition, evaluated at least once
     * @return true if the condition held before the deadline
     */
    public boolean poll(BooleanSupplier condition) {
        long pause = FIRST_PAUSE_NANOS;
        while (!condition.getAsBoolean()) {
            long left = remainingNanos();
            if (left == 0) {
                return false;
            }
            LockSupport.parkNanos(Math.min(pause, left));
            if (Thread.interrupted()) {
                // Keep the interrupt visible to the caller but stop waiting: JUnit interrupts
                // a test thread to end it on timeout.
                Thread.currentThread().interrupt();
                return condition.getAsBoolean();
            }
            pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
        }
        return true;
    }

    /**
     * Polls {@code condition} until it holds, failing the test if the deadline passes first.
     *
     * @param condition the condition, evaluated at least once
     * @param description what the condition means, for the failure message
     * @throws AssertionError if the condition did not hold before the deadline
     */
    public void await(BooleanSupplier condition, String description) {
        if (!poll(condition)) {
            throw new AssertionError("timed out after " + timeout + " waiting until " + description);
        }
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException tooLong) {
            // Half of Long.MAX_VALUE keeps nanoTime() + timeout from overflowing: ~146 years.
            return Long.MAX_VALUE / 2;
        }
    }
}
