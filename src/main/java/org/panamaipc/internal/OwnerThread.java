package org.panamaipc.internal;

import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A platform thread that owns something the kernel ties to the thread that made it, and runs
 * every call on it that others hand over, one at a time in the order handed: a tracer, since
 * the kernel takes {@code ptrace} requests only from the thread that attached. Any thread,
 * virtual or platform, hands a call with {@link #run} and parks until it is over; an interrupt
 * of the caller meanwhile is passed on to the owner thread, whose engine reacts as to its own
 * ({@link Handover}).
 *
 * <p>What it costs: one platform thread while it lives, and a hand-over plus an unpark each
 * way per call (none for calls made on the owner thread itself).
 */
public final class OwnerThread {
    private final ConcurrentLinkedQueue<Handover> queue = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean ending;

    private OwnerThread(String name) {
        thread = Thread.ofPlatform().daemon().name(name).unstarted(this::loop);
    }

    /**
     * Starts an owner thread.
     *
     * @param name the thread's name
     * @return the running thread, waiting for calls
     */
    public static OwnerThread start(String name) {
        OwnerThread t = new OwnerThread(name);
        t.thread.start();
        return t;
    }

    /** {@return whether the calling thread is this owner thread} */
    public boolean isCurrent() {
        return Thread.currentThread() == thread;
    }

    /**
     * Runs {@code action} on the owner thread, after the calls handed before it, and returns
     * its result; on the owner thread itself it runs at once.
     *
     * @param action the call
     * @param <T> its result type
     * @return its result
     * @throws IllegalStateException if the thread has been ended
     * @throws IOException as the call does
     */
    @SuppressWarnings("unchecked")
    public <T> T run(BoundThread.Action<T> action) throws IOException {
        if (isCurrent()) {
            return action.run();
        }
        if (ending) {
            throw new IllegalStateException(thread.getName() + " has ended");
        }
        Handover h = new Handover() {
            @Override
            Object call() throws IOException {
                return action.run();
            }
        };
        queue.add(h);
        LockSupport.unpark(thread);
        if (ending && queue.remove(h)) { // the thread may have drained its queue for the last time
            throw new IllegalStateException(thread.getName() + " has ended");
        }
        return (T) h.await();
    }

    /**
     * Ends the thread once the calls handed so far are over; calls handed later throw
     * {@link IllegalStateException}.
     */
    public void end() {
        ending = true;
        LockSupport.unpark(thread);
    }

    private void loop() {
        while (true) {
            Handover h = queue.poll();
            if (h != null) {
                h.runHere();
            } else if (ending) {
                for (Handover late; (late = queue.poll()) != null; ) {
                    late.runHere(); // handed in the instant before the end was seen
                }
                return;
            } else {
                LockSupport.park(this);
            }
        }
    }
}
