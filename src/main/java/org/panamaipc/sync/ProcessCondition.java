package org.panamaipc.sync;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.BoundThread;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.SyncCalls;

/**
 * A process-shared condition variable ({@code pthread_cond_t} with
 * {@code PTHREAD_PROCESS_SHARED}, timed on {@code CLOCK_MONOTONIC}) living in shared memory,
 * used with a {@link ProcessMutex}.
 *
 * <pre>{@code
 * mutex.lock();
 * try {
 *     while (!ready(segment)) {
 *         condition.await(mutex, Duration.ofSeconds(1));
 *     }
 * } finally {
 *     mutex.unlock();
 * }
 * }</pre>
 *
 * <p>As in C, a wait may return without a signal (a spurious wake-up): always wait in a loop
 * on the predicate. Here a wait returns so at least every 50 ms: the C library of this
 * generation (glibc before 2.41, bug 25847) can lose a {@code pthread_cond_signal} when
 * waiters time out, and the loop on the predicate turns such a loss into a delay of one such
 * interval instead of a wait that never ends. If the mutex's previous owner died while the caller waited, the wait
 * returns {@link LockState#OWNER_DIED} and the caller repairs and
 * {@linkplain ProcessMutex#markConsistent() marks it consistent} as after a lock.
 *
 * <h2>Layout and lifetime</h2>
 * The condition takes {@link #SIZE} bytes at an 8-byte aligned offset, with the header
 * described in the package documentation; {@link #attach} refuses memory holding no
 * initialised condition. {@link #close()} ends the handle and releases a thread of this
 * process waiting in {@code await} within {@value ProcessMutex#CLOSE_LATENCY_MILLIS} ms
 * (the mutex held again) with {@link AsynchronousCloseException}; closing the mutex's handle
 * does not end a wait on the condition. {@link Thread#interrupt()} ends the wait as promptly
 * with {@link InterruptedIOException}, the mutex held again, the condition still open and
 * the thread's interrupt status still set.
 *
 * @see <a href="https://man7.org/linux/man-pages/man3/pthread_cond_wait.3p.html">pthread_cond_wait(3p)</a>
 */
public final class ProcessCondition implements AutoCloseable {
    /** The bytes a condition takes in shared memory, header included. */
    public static final long SIZE = SyncDescriptor.CONDITION_SIZE;

    private static final String KIND = "ProcessCondition";

    /** The longest one {@code await} sleeps before it returns as a spurious wake-up. */
    private static final long SPURIOUS_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** The C library's values, read only once native access was checked ({@link NativeAccess}). */
    private static final class Native {
        static final int ETIMEDOUT = LibC.ETIMEDOUT();
    }


    private final MemorySegment region;
    private final MemorySegment cond;
    private final Blocker blocker;

    private ProcessCondition(MemorySegment region) {
        this.region = region;
        this.cond = SyncDescriptor.object(region);
        this.blocker = Blocker.forHandle("ProcessCondition[address=0x" + Long.toHexString(region.address()) + "]",
                null);
    }

    /**
     * Initialises a new condition at {@code offset} of a shared segment; only one process
     * does this, before the others attach.
     *
     * @param segment a shared segment
     * @param offset an 8-byte aligned offset with {@link #SIZE} bytes behind it
     * @return the condition
     * @throws IndexOutOfBoundsException if the segment is too small
     * @throws IllegalArgumentException if the address is not 8-byte aligned or the segment read-only, or the memory lies in a library mapping
     *         of an object a process can shrink (POSIX shared memory, a file, a memfd without
     *         {@code Seal.SHRINK}: see the package documentation)
     * @throws IOException if {@code pthread_cond_init} fails
     * @see <a href="https://man7.org/linux/man-pages/man3/pthread_cond_init.3p.html">pthread_cond_init(3p)</a>
     */
    public static ProcessCondition initialize(MemorySegment segment, long offset) throws IOException {
        NativeAccess.require();
        MemorySegment region = SyncDescriptor.region(segment, offset, SIZE, KIND);
        SyncDescriptor.retract(region);
        int r = SyncCalls.condInitShared(SyncDescriptor.object(region));
        if (r != 0) {
            throw Errors.of("pthread_cond_init", "offset=" + offset + ", PTHREAD_PROCESS_SHARED", r);
        }
        SyncDescriptor.publish(region, SyncDescriptor.CONDITION_MAGIC);
        return new ProcessCondition(region);
    }

    /**
     * Attaches to a condition initialised by {@link #initialize}.
     *
     * @param segment a shared segment
     * @param offset where it was placed
     * @return the condition
     * @throws IndexOutOfBoundsException if the segment is too small
     * @throws IllegalArgumentException if the address is not 8-byte aligned or the segment read-only, or the memory lies in a library mapping
     *         of an object a process can shrink (POSIX shared memory, a file, a memfd without
     *         {@code Seal.SHRINK}: see the package documentation)
     * @throws IllegalStateException if no initialised condition is there
     */
    public static ProcessCondition attach(MemorySegment segment, long offset) {
        NativeAccess.require();
        MemorySegment region = SyncDescriptor.region(segment, offset, SIZE, KIND);
        SyncDescriptor.checkInitialised(region, SyncDescriptor.CONDITION_MAGIC, "ProcessCondition");
        return new ProcessCondition(region);
    }

    /**
     * Releases the mutex, waits for a signal, and locks the mutex again.
     *
     * @param mutex the mutex the calling thread holds
     * @return how the mutex was reacquired
     * @throws MutexNotRecoverableException if the mutex became unrecoverable (it is not held then)
     * @throws AsynchronousCloseException if this condition was closed by another thread while
     *         waiting (the mutex is held again)
     * @throws InterruptedIOException if the thread was interrupted (the mutex is held again)
     * @throws IllegalStateException if this condition or the mutex is closed, or the memory unmapped
     * @throws IOException (EPERM) if the thread does not hold the mutex, or another failure
     * @see <a href="https://man7.org/linux/man-pages/man3/pthread_cond_wait.3p.html">pthread_cond_wait(3p)</a>
     */
    public LockState await(ProcessMutex mutex) throws IOException {
        Check.notNull("mutex", mutex);
        LockState s = await(mutex, Deadline.NONE);
        if (s == null) {
            throw new AssertionError("an unlimited wait timed out");
        }
        return s;
    }

    /**
     * Releases the mutex, waits at most {@code timeout} for a signal, and locks the mutex again.
     *
     * @param mutex the mutex the calling thread holds
     * @param timeout how long to wait, not negative
     * @return how the mutex was reacquired after a signal (or a spurious wake-up), or
     *         {@code null} if the timeout passed (the mutex is held again then too)
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws MutexNotRecoverableException if the mutex became unrecoverable (it is not held then)
     * @throws AsynchronousCloseException if this condition was closed by another thread while
     *         waiting (the mutex is held again)
     * @throws InterruptedIOException if the thread was interrupted (the mutex is held again)
     * @throws IllegalStateException if this condition or the mutex is closed, or the memory unmapped
     * @throws IOException (EPERM) if the thread does not hold the mutex, or another failure
     * @see <a href="https://man7.org/linux/man-pages/man3/pthread_cond_timedwait.3p.html">pthread_cond_timedwait(3p)</a>
     */
    public LockState await(ProcessMutex mutex, Duration timeout) throws IOException {
        Check.notNull("mutex", mutex);
        return await(mutex, Deadline.end(timeout));
    }

    private LockState await(ProcessMutex mutex, long deadline) throws IOException {
        if (Thread.currentThread().isVirtual()) { // the mutex's owner is the bound thread
            return BoundThread.run(() -> awaitHere(mutex, deadline));
        }
        return awaitHere(mutex, deadline);
    }

    private LockState awaitHere(ProcessMutex mutex, long deadline) throws IOException {
        blocker.enter();
        try {
            mutex.blocker().enter();
            try {
                // glibc restarts pthread_cond_timedwait after a signal: the engine waits in slices,
                // each ending with the mutex held again. One call is one slice at most, returned
                // as a spurious wake-up, so that the caller looks at its predicate again: glibc
                // before 2.41 can lose a pthread_cond_signal (bug 25847), which would otherwise
                // leave a waiter asleep until its deadline.
                long end = Deadline.remainingNanos(deadline) > SPURIOUS_NANOS ? System.nanoTime() + SPURIOUS_NANOS
                        : deadline;
                long r = blocker.call(SyncCalls::condWaitCall, 0, cond, mutex.nativeMutex(), 0, 0, 0, end,
                        Blocker.Timing.SLICED_ABSOLUTE_MONOTONIC);
                if (r == -Native.ETIMEDOUT) {
                    return Deadline.expired(deadline) ? null : LockState.ACQUIRED;
                }
                return mutex.state((int) -r, "pthread_cond_timedwait");
            } finally {
                mutex.blocker().exit();
            }
        } finally {
            blocker.exit();
        }
    }

    /**
     * Wakes one waiting thread, in any process.
     *
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException on a failure of {@code pthread_cond_signal}
     * @see <a href="https://man7.org/linux/man-pages/man3/pthread_cond_signal.3p.html">pthread_cond_signal(3p)</a>
     */
    public void signal() throws IOException {
        blocker.enter();
        try {
            int r = SyncCalls.condSignal(cond);
            if (r != 0) {
                throw Errors.of("pthread_cond_signal", "cond", r);
            }
        } finally {
            blocker.exit();
        }
    }

    /**
     * Wakes every waiting thread, in every process.
     *
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException on a failure of {@code pthread_cond_broadcast}
     * @see <a href="https://man7.org/linux/man-pages/man3/pthread_cond_broadcast.3p.html">pthread_cond_broadcast(3p)</a>
     */
    public void signalAll() throws IOException {
        blocker.enter();
        try {
            int r = SyncCalls.condBroadcast(cond);
            if (r != 0) {
                throw Errors.of("pthread_cond_broadcast", "cond", r);
            }
        } finally {
            blocker.exit();
        }
    }

    /**
     * Destroys the condition and clears its header; closes this handle. No thread may wait on it.
     *
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException (EBUSY) on a failure of {@code pthread_cond_destroy}
     */
    public void destroy() throws IOException {
        blocker.enter();
        try {
            int r = SyncCalls.condDestroy(cond);
            if (r != 0) {
                throw Errors.of("pthread_cond_destroy", "cond", r);
            }
            SyncDescriptor.retract(region);
        } finally {
            blocker.exit();
        }
        close();
    }

    /** {@return whether {@link #close()} has not been called} */
    public boolean isOpen() {
        return blocker.isOpen();
    }

    /** {@return how many threads of this process are blocked on this handle now} */
    int waiting() {
        return blocker.waiting();
    }

    /** Ends this handle, releasing this process's waiters; the condition stays in memory. Idempotent. */
    @Override
    public void close() {
        blocker.close();
    }

    @Override
    public String toString() {
        return "ProcessCondition[address=0x" + Long.toHexString(region.address()) + (isOpen() ? "]" : ", closed]");
    }
}
