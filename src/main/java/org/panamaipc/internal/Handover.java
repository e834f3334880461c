package org.panamaipc.internal;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * One call a virtual thread hands to a platform thread and parks for: the platform thread runs
 * it ({@link #runHere()}), the virtual thread waits for the outcome ({@link #await()}), and an
 * interrupt of the virtual thread meanwhile is passed on to the platform thread, whose engine
 * reacts as to its own (nothing consumed; a channel closed). The exception a call throws is
 * rethrown on the virtual thread with the virtual thread's stack.
 */
abstract class Handover {
    private final Thread caller = Thread.currentThread();
    // guarded by this
    private Thread runner;
    private boolean interruptAsked;
    private volatile boolean done;
    private Object value;
    private Throwable failure;

    /** The call, on the platform thread. */
    abstract Object call() throws IOException;

    /** Runs the call on the calling platform thread and wakes the virtual thread waiting for it. */
    final void runHere() {
        synchronized (this) {
            runner = Thread.currentThread();
            if (interruptAsked) {
                runner.interrupt(); // the engine on this thread sees it as its own
            }
        }
        try {
            value = call();
        } catch (Throwable t) {
            failure = t;
        } finally {
            synchronized (this) {
                runner = null;
                done = true;
            }
            Thread.interrupted(); // what was passed on stays with this call
            LockSupport.unpark(caller);
        }
    }

    /**
     * Parks the virtual thread that made this hand-over until the call is over.
     *
     * @return what the call returned
     * @throws IOException what it threw
     */
    final Object await() throws IOException {
        boolean passedOn = false;
        while (!done) {
            // Passed on, the interrupt is cleared here until the call is over: park returns at
            // once while the status is set, and the thread would spin on its carrier meanwhile
            if (Thread.interrupted()) {
                passedOn = true;
                passOnInterrupt();
            }
            if (!done) {
                LockSupport.park(this);
            }
        }
        if (passedOn) {
            Thread.currentThread().interrupt(); // the caller keeps its interrupt status
        }
        Throwable f = failure;
        if (f == null) {
            return value;
        }
        f.fillInStackTrace(); // where the caller called, not where the platform thread ran it
        if (f instanceof IOException e) {
            throw e;
        }
        if (f instanceof RuntimeException e) {
            throw e;
        }
        throw (Error) f;
    }

    private synchronized void passOnInterrupt() {
        interruptAsked = true;
        if (runner != null) {
            runner.interrupt();
        }
    }
}
