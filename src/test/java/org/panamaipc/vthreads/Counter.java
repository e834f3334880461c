package org.panamaipc.vthreads;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.panamaipc.testing.Deadline;

/**
 * A virtual thread that counts and yields, forever: the witness that the scheduler still runs
 * virtual threads. Were the blocked calls holding the carriers (all of them, when there are
 * thousands), it would stop.
 */
final class Counter implements AutoCloseable {
    private final AtomicLong count = new AtomicLong();
    private volatile boolean stop;
    private final Thread thread;

    Counter() {
        thread = Thread.ofVirtual().name("counter").start(() -> {
            while (!stop) {
                count.incrementAndGet();
                Thread.yield();
            }
        });
    }

    /** {@return the count so far} */
    long value() {
        return count.get();
    }

    /**
     * Waits until the count has grown by {@code increments}.
     *
     * @param increments how many more
     * @param timeout how long it may take
     * @return how long it took, in microseconds
     * @throws AssertionError if the count did not grow so much in time: the scheduler is stuck
     */
    long awaitProgress(long increments, Duration timeout) {
        long start = System.nanoTime();
        long from = count.get();
        if (!Deadline.after(timeout).poll(() -> count.get() - from >= increments)) {
            throw new AssertionError("the counting virtual thread counted " + (count.get() - from) + " in " + timeout
                    + ", not " + increments + ": the scheduler is stuck");
        }
        return (System.nanoTime() - start) / 1000;
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        if (!thread.join(Duration.ofSeconds(10))) {
            throw new AssertionError("the counting virtual thread did not stop");
        }
    }
}
