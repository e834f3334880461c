package org.panamaipc.sync;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.timespec;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
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
 * on the predicate. If the mutex's previous owner died while the caller waited, the wait
 * returns {@link LockState#OWNER_DIED} and the caller repairs and
 * {@linkplain ProcessMutex#markConsistent() marks it consistent} as after a lock.
 *
 * <h2>Layout and lifetime</h2>
 * The condition takes {@link #SIZE} bytes at an 8-byte aligned offset, with the header
 * described in the package documentation; {@link #attach} refuses memory holding no
 * initialised condition. {@link #close()} ends the handle and releases a thread of this
 * process waiting in {@code await} within {@value ProcessMutex#CLOSE_LATENCY_MILLIS} ms
 * (the mutex held again) with {@link AsynchronousCloseException}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man3/pthread_cond_wait.3p.html">pthread_cond_wait(3p)</a>
 */
public final class ProcessCondition implements AutoCloseable {
    /** The bytes a condition takes in shared memory, header included. */
    public static final long SIZE = SyncDescriptor.CONDITION_SIZE;

    private static final long SLICE_NANOS = ProcessMutex.CLOSE_LATENCY_MILLIS * 1_000_000L;
    private static final int ETIMEDOUT = LibC.ETIMEDOUT();

    private final MemorySegment region;
    private final MemorySegment cond;
    private final Guard guard = new Guard();

    private ProcessCondition(MemorySegment region) {
        this.region = region;
        this.cond = SyncDescriptor.object(region);
    }

    /**
     * Initialises a new condition at {@code offset} of a shared segment; only one process
     * does this, before the others attach.
     *
     * @param segment a shared segment
     * @param offset an 8-byte aligned offset with {@link #SIZE} bytes behind it
     * @return the condition
     * @throws IndexOutOfBoundsException if the segment is too small
     * @throws IllegalArgumentException if the address is not 8-byte aligned or the segment read-only
     * @throws IOException if {@code pthread_cond_init} fails
     * @see <a href="https://man7.org/linux/man-pages/man3/pthread_cond_init.3p.html">pthread_cond_init(3p)</a>
     */
    public static ProcessCondition initialize(MemorySegment segment, long offset) throws IOException {
        MemorySegment region = SyncDescriptor.region(segment, offset, SIZE);
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
     * @throws IllegalArgumentException if the address is not 8-byte aligned
     * @throws IllegalStateException if no initialised condition is there
     */
    public static ProcessCondition attach(MemorySegment segment, long offset) {
        MemorySegment region = SyncDescriptor.region(segment, offset, SIZE);
        SyncDescriptor.checkInitialised(region, SyncDescriptor.CONDITION_MAGIC, "ProcessCondition");
        return new ProcessCondition(region);
    }

    /**
     * Releases the mutex, waits for a signal, and locks the mutex again.
     *
     * @param mutex the mutex the calling thread holds
     * @return how the mutex was reacquired
     * @throws MutexNotRecoverableException if the mutex became unrecoverable (it is not held then)
     * @throws AsynchronousCloseException if this condition or the mutex handle was closed by
     *         another thread while waiting (the mutex is held again)
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException (EPERM) if the thread does not hold the mutex, or another failure
     */
    public LockState await(ProcessMutex mutex) throws IOException {
        LockState s = await(mutex, Waits.FOREVER);
        return s == null ? LockState.ACQUIRED : s;
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
     * @throws AsynchronousCloseException if this condition or the mutex handle was closed by
     *         another thread while waiting (the mutex is held again)
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException (EPERM) if the thread does not hold the mutex, or another failure
     * @see <a href="https://man7.org/linux/man-pages/man3/pthread_cond_timedwait.3p.html">pthread_cond_timedwait(3p)</a>
     */
    public LockState await(ProcessMutex mutex, Duration timeout) throws IOException {
        Deadline deadline = Waits.deadline(timeout);
        guard.enter(this);
        try {
            mutex.guard().enter(mutex);
            try {
                MemorySegment ts = SyncCalls.scratch();
                while (true) {
                    long remaining = deadline.remainingNanos();
                    // pthread_cond_timedwait restarts after a signal: wait in slices and
                    // look at the closed flags between them.
                    long slice = Math.min(remaining, SLICE_NANOS);
                    long end = System.nanoTime() + slice; // System.nanoTime is CLOCK_MONOTONIC
                    timespec.tv_sec(ts, Math.floorDiv(end, 1_000_000_000L));
                    timespec.tv_nsec(ts, Math.floorMod(end, 1_000_000_000L));
                    int r = SyncCalls.condTimedwait(cond, mutex.nativeMutex(), ts);
                    if (r != ETIMEDOUT) {
                        LockState s = mutex.state(r, "pthread_cond_timedwait");
                        checkOpen(mutex);
                        return s;
                    }
                    checkOpen(mutex);
                    if (deadline.expired()) {
                        return null;
                    }
                }
            } finally {
                mutex.guard().exit();
            }
        } finally {
            guard.exit();
        }
    }

    private void checkOpen(ProcessMutex mutex) throws AsynchronousCloseException {
        if (!guard.isOpen() || !mutex.isOpen()) {
            throw new AsynchronousCloseException();
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
        guard.enter(this);
        try {
            int r = SyncCalls.condSignal(cond);
            if (r != 0) {
                throw Errors.of("pthread_cond_signal", "cond", r);
            }
        } finally {
            guard.exit();
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
        guard.enter(this);
        try {
            int r = SyncCalls.condBroadcast(cond);
            if (r != 0) {
                throw Errors.of("pthread_cond_broadcast", "cond", r);
            }
        } finally {
            guard.exit();
        }
    }

    /**
     * Destroys the condition and clears its header; closes this handle. No thread may wait on it.
     *
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException (EBUSY) on a failure of {@code pthread_cond_destroy}
     */
    public void destroy() throws IOException {
        guard.enter(this);
        try {
            int r = SyncCalls.condDestroy(cond);
            if (r != 0) {
                throw Errors.of("pthread_cond_destroy", "cond", r);
            }
            SyncDescriptor.retract(region);
        } finally {
            guard.exit();
        }
        close();
    }

    /** {@return whether {@link #close()} has not been called} */
    public boolean isOpen() {
        return guard.isOpen();
    }

    /** Ends this handle, releasing this process's waiters; the condition stays in memory. Idempotent. */
    @Override
    public void close() {
        guard.close();
    }

    @Override
    public String toString() {
        return "ProcessCondition[address=0x" + Long.toHexString(region.address()) + (isOpen() ? "]" : ", closed]");
    }
}
