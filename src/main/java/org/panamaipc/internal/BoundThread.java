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

    private final Thread owner;
    // guarded by this
    private Action<?> action;
    private boolean interruptAsked;
    private boolean running;
    private boolean ended;
    private Thread thread;
    private volatile boolean done;
    private Object result;
    private Throwable failure;

    private BoundThread(Thread owner) {
        this.owner = owner;
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
    public static <T> T run(Action<T> action) throws IOException {
        Waiter w = Waiter.current();
        while (true) {
            BoundThread b = w.bound;
            if (b == null) {
                b = new BoundThread(Thread.currentThread());
                w.bound = b;
            }
            if (b.submit(action)) {
                return b.await();
            }
            w.bound = null; // it ended meanwhile: bind another
        }
    }

    private synchronized boolean submit(Action<?> a) {
        if (ended) {
            return false;
        }
        action = a;
        done = false;
        interruptAsked = Thread.currentThread().isInterrupted();
        if (thread == null) {
            thread = Thread.ofPlatform().daemon().name("panama-ipc-bound-" + owner.threadId()).unstarted(this::loop);
            thread.start();
        } else {
            LockSupport.unpark(thread);
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private <T> T await() throws IOException {
        boolean passedOn = interruptAskedNow();
        while (!done) {
            LockSupport.park(this);
            if (!passedOn && Thread.currentThread().isInterrupted()) {
                passOnInterrupt();
                passedOn = true;
            }
        }
        Throwable f;
        Object r;
        synchronized (this) {
            f = failure;
            r = result;
            failure = null;
            result = null;
        }
        if (f == null) {
            return (T) r;
        }
        f.fillInStackTrace(); // where the caller called, not where the bound thread ran it
        if (f instanceof IOException e) {
            throw e;
        }
        if (f instanceof RuntimeException e) {
            throw e;
        }
        throw (Error) f;
    }

    private synchronized boolean interruptAskedNow() {
        return interruptAsked;
    }

    private synchronized void passOnInterrupt() {
        interruptAsked = true;
        if (running) {
            thread.interrupt();
        }
    }

    private void loop() {
        while (true) {
            Action<?> a;
            synchronized (this) {
                a = action;
                if (a == null) {
                    if (!owner.isAlive()) {
                        ended = true; // a mutex still held is owner-died for the next locker now
                        return;
                    }
                } else {
                    running = true;
                    if (interruptAsked) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            if (a == null) {
                LockSupport.parkNanos(this, CHECK_NANOS);
                continue;
            }
            Object r = null;
            Throwable f = null;
            try {
                r = a.run();
            } catch (Throwable t) {
                f = t;
            }
            synchronized (this) {
                running = false;
                action = null;
                result = r;
                failure = f;
                done = true;
            }
            Thread.interrupted(); // what was passed on stays with this call
            LockSupport.unpark(owner);
        }
    }
}
