package org.panamaipc.internal;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A platform thread bound to one virtual thread, for the calls the C library ties to the
 * calling kernel thread: a pthread mutex knows its owner by kernel thread id (unlock from
 * another thread is EPERM, and the kernel marks a robust mutex owner-died when that thread
 * ends), and a condition wait must come from the mutex's owner. A virtual thread moves between
 * carriers, so it cannot own such a mutex itself: every such call of one virtual thread runs
 * on the same platform thread, made when the virtual thread first needs it, while the virtual
 * thread parks. The platform thread ends about a second after its virtual thread has
 * terminated, so a mutex still held then is released to the next locker as owner-died, exactly
 * as when a platform thread ends holding it.
 *
 * <p>What it costs: one platform thread for each live virtual thread that has used a process
 * mutex, and a hand-over plus an unpark each way per call.
 */
public final class BoundThread {
    /**
     * A call to run on the bound thread.
     *
     * @param <T> its result type
     */
    @FunctionalInterface
    public interface Action<T> {
        /**
         * Runs the call.
         *
         * @return its result
         * @throws IOException as the call does
         */
        T run() throws IOException;
    }

    private static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Thread owner = Thread.currentThread();
    // guarded by this
    private Handover next;
    private boolean ended;
    private Thread thread;

    private BoundThread() {
    }

    /**
     * Runs {@code action} on the platform thread bound to the calling virtual thread and
     * returns its result; an interrupt of the caller meanwhile is passed on to that thread,
     * whose call reacts as it would to its own interrupt. Callers on platform threads run the
     * action themselves instead (and so allocate nothing).
     *
     * @param action the call
     * @param <T> its result type
     * @return its result
     * @throws IOException as the call does
     */
    @SuppressWarnings("unchecked")
    public static <T> T run(Action<T> action) throws IOException {
        Handover h = new Handover() {
            @Override
            Object call() throws IOException {
                return action.run();
            }
        };
        Waiter w = Waiter.current();
        while (true) {
            BoundThread b = w.bound;
            if (b == null) {
                b = new BoundThread();
                w.bound = b;
            }
            if (b.submit(h)) {
                return (T) h.await();
            }
            w.bound = null; // it ended meanwhile: bind another
        }
    }

    private synchronized boolean submit(Handover h) {
        if (ended) {
            return false;
        }
        next = h;
        if (thread == null) {
            thread = Thread.ofPlatform().daemon().name("panama-ipc-bound-" + owner.threadId()).unstarted(this::loop);
            thread.start();
        } else {
            LockSupport.unpark(thread);
        }
        return true;
    }

    private void loop() {
        while (true) {
            Handover h;
            synchronized (this) {
                h = next;
                next = null;
                if (h == null && !owner.isAlive()) {
                    ended = true; // a mutex still held is owner-died for the next locker now
                    return;
                }
            }
            if (h == null) {
                LockSupport.parkNanos(this, CHECK_NANOS);
            } else {
                h.runHere();
            }
        }
    }
}
