package org.panamaipc.mq;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.panamaipc.internal.Waiters;

/**
 * Ends a blocking System V call at its deadline: there is no {@code msgtimedrcv} or
 * {@code msgtimedsnd}, so a timed call blocks in plain {@code msgrcv}/{@code msgsnd} and
 * this timer signals the thread ({@link Waiters#wake}) when its time is up; the call returns
 * EINTR and the caller, seeing its deadline passed, makes one last non-blocking attempt.
 *
 * <p>A signal that arrives just before the thread enters the kernel is lost, so the timer
 * keeps signalling every {@link #RESIGNAL_NANOS} until the caller cancels it on its way out.
 * The cost of a timed call is one scheduled task (a small allocation and a wake-up of the
 * timer thread) and, on timeout, one signal; an untimed or {@code try} call costs nothing.
 */
final class WakeTimer {
    static final long RESIGNAL_NANOS = 2_000_000;

    private static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1,
            r -> Thread.ofPlatform().daemon().name("panama-ipc-msg-timeouts").unstarted(r));

    static {
        TIMER.setRemoveOnCancelPolicy(true);
    }

    private WakeTimer() {
    }

    /**
     * Signals a waiting thread after {@code delayNanos}, then again every
     * {@link #RESIGNAL_NANOS}, until the returned future is cancelled.
     */
    static ScheduledFuture<?> wakeAfter(Waiters waiters, int slot, long thread, long delayNanos) {
        return TIMER.scheduleWithFixedDelay(() -> waiters.wake(slot, thread), Math.max(0, delayNanos),
                RESIGNAL_NANOS, TimeUnit.NANOSECONDS);
    }
}
