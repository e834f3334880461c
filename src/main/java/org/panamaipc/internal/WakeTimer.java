package org.panamaipc.internal;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The library's one timer: a daemon thread that ends waits the kernel cannot time (System V
 * {@code msgrcv}, a FIFO {@code open}, a blocking file lock) by signalling the waiting thread
 * at its deadline, and repeats signals that may have landed just before a thread entered
 * its system call. Tasks must be short and must not block.
 */
final class WakeTimer {
    private static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "panama-ipc-timer");
        t.setDaemon(true);
        return t;
    });

    static {
        TIMER.setRemoveOnCancelPolicy(true);
    }

    private WakeTimer() {
    }

    /** Runs {@code task} on the timer thread after {@code delayNanos}; returns a cancel handle. */
    static java.util.concurrent.ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        return TIMER.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }
}
