package org.panamaipc.internal;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads blocked in a system call on one object, so that {@link #wakeAll()} can
 * release them when the object is closed from another thread.
 *
 * <p>Use it the way the JDK's channels use their native-thread bookkeeping:
 *
 * <pre>{@code
 * int slot = waiters.enter();               // allocates nothing
 * try {
 *     if (!isOpen()) throw new AsynchronousCloseException(); // closed before we registered
 *     long r;
 *     do {
 *         r = Sys.read(fd, buf, n);         // returns -EINTR when woken
 *     } while (r == -Sys.EINTR && isOpen());
 *     if (!isOpen()) throw new AsynchronousCloseException();
 * } finally {
 *     waiters.exit(slot);
 * }
 * // in close(), after marking the object closed:
 * waiters.wakeAll();
 * }</pre>
 *
 * <p>A signal can arrive just before the thread enters the call, so {@link #wakeAll()}
 * repeats until every registered thread has left.
 */
public final class Waiters {
    private static final int SLOTS = 64;
    private static final long WAKE_RETRY_NANOS = 1_000_000;

    // A slot holds a pthread_t (a pointer, so bit 0 is clear), 0 when free. wakeAll sets
    // bit 0 while it signals the thread, and exit waits for it to clear: pthread_kill must
    // never reach a thread that may have ended.
    private static final long SIGNALING = 1;

    private final AtomicLongArray threads = new AtomicLongArray(SLOTS);

    /** Creates an empty set: no thread registered. */
    public Waiters() {
    }

    /**
     * Registers the calling thread as about to block.
     *
     * @return the slot to pass to {@link #exit(int)}
     */
    public int enter() {
        long self = ThreadSignal.current();
        int start = (int) (Thread.currentThread().threadId() & (SLOTS - 1));
        while (true) {
            for (int i = 0; i < SLOTS; i++) {
                int slot = (start + i) & (SLOTS - 1);
                if (threads.get(slot) == 0 && threads.compareAndSet(slot, 0, self)) {
                    return slot;
                }
            }
            Thread.onSpinWait(); // more than SLOTS threads blocked on one object: wait for a slot
        }
    }

    /**
     * Unregisters the calling thread.
     *
     * @param slot what {@link #enter()} returned
     */
    public void exit(int slot) {
        while (true) {
            long t = threads.get(slot);
            if ((t & SIGNALING) == 0 && threads.compareAndSet(slot, t, 0)) {
                return;
            }
            Thread.onSpinWait(); // close() is signalling this thread right now
        }
    }

    /** {@return how many threads are registered now} */
    public int count() {
        int n = 0;
        for (int slot = 0; slot < SLOTS; slot++) {
            if (threads.get(slot) != 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * Interrupts one registered thread, if it is still registered in {@code slot}: a timer
     * uses it to end a wait that has no timed form in the kernel (System V {@code msgrcv}).
     * A signal that lands while the thread is outside its call is harmless; the caller keeps
     * calling until the thread has left, because a signal just before the call is lost.
     *
     * @param slot what {@link #enter()} returned to the thread
     * @param thread the thread's {@link ThreadSignal#current()}
     * @return whether the thread was signalled
     */
    public boolean wake(int slot, long thread) {
        if (threads.compareAndSet(slot, thread, thread | SIGNALING)) {
            ThreadSignal.interrupt(thread);
            threads.set(slot, thread);
            return true;
        }
        return false;
    }

    /**
     * Interrupts every registered thread until none is left registered. Call it after
     * marking the object closed, so that woken threads see it and leave.
     */
    public void wakeAll() {
        boolean any = true;
        while (any) {
            any = false;
            for (int slot = 0; slot < SLOTS; slot++) {
                long t = threads.get(slot);
                if (t != 0) {
                    any = true;
                    if ((t & SIGNALING) == 0 && threads.compareAndSet(slot, t, t | SIGNALING)) {
                        ThreadSignal.interrupt(t);
                        threads.set(slot, t);
                    }
                }
            }
            if (any) {
                LockSupport.parkNanos(WAKE_RETRY_NANOS);
            }
        }
    }
}
