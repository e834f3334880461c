package org.panamaipc.vthreads;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.panamaipc.testing.Deadline;

/**
 * A virtual thread that counts, forever: the witness that the scheduler still runs virtual
 * threads. Were blocked calls holding the carriers (all of them, when there are thousands),
 * it would stop.
 *
 * <p>It yields between counts, and every {@value #HOP} counts parks for a moment instead. A
 * thread that only yields proves nothing: the JDK puts a yielding virtual thread back on its
 * own carrier's queue, so it keeps that carrier while every other carrier is blocked (100
 * virtual threads blocked in a raw {@code read(2)}: one ever ran, and a yield-only counter
 * counted on). Parking sends it back through the scheduler's shared queue, where it must wait
 * its turn behind every other virtual thread; {@link CarrierBlockers} checks that it stops.
 */
final class Counter implements AutoCloseable {
    /** How many counts between two parks. */
    static final int HOP = 16;
    /** How far the counter must count to show that the scheduler runs: some sixty trips through its queue. */
    static final long PROGRESS = 1_000;

    private final AtomicLong count = new AtomicLong();
    private volatile boolean stop;
    private final Thread thread;

    Counter() {
        // The class the counter parks through is initialized here, first: a virtual thread
        // that finds another thread initializing a class waits for it pinned, which the
        // flight recording would report against the counter.
        LockSupport.unpark(null);
        thread = Thread.ofVirtual().name("counter").start(() -> {
            while (!stop) {
                if (count.incrementAndGet() % HOP == 0) {
                    LockSupport.parkNanos(1_000);
                } else {
                    Thread.yield();
                }
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
