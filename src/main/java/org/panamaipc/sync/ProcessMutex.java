package org.panamaipc.sync;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.BoundThread;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.SyncCalls;

/**
 * A robust, process-shared mutex ({@code pthread_mutex_t} with {@code PTHREAD_PROCESS_SHARED}
 * and {@code PTHREAD_MUTEX_ROBUST}) living in shared memory, usable by every process that
 * maps it.
 *
 * <h2>When the owner dies</h2>
 * If a process (or thread) dies while holding the mutex, the kernel releases it and the next
 * locker gets {@link LockState#OWNER_DIED}: it owns the mutex, should repair the data the
 * mutex protects, then call {@link #markConsistent()} and {@link #unlock()} as usual. If it
 * unlocks without marking the mutex consistent, the mutex becomes unrecoverable and every
 * later lock in every process throws {@link MutexNotRecoverableException}.
 *
 * <pre>{@code
 * try (ProcessMutex mutex = ProcessMutex.attach(segment, 0)) {
 *     if (mutex.lock() == LockState.OWNER_DIED) {
 *         repair(segment);
 *         mutex.markConsistent();
 *     }
 *     try {
 *         update(segment);
 *     } finally {
 *         mutex.unlock();
 *     }
 * }
 * }</pre>
 *
 * <h2>Layout and lifetime</h2>
 * The mutex takes {@link #SIZE} bytes at an 8-byte aligned offset, laid out with a magic and
 * version header (see the package documentation) so that {@link #attach} refuses memory
 * that holds no initialised mutex. One process calls {@link #initialize} once; the others
 * {@link #attach}. This object is a handle on the memory: {@link #close()} ends the handle
 * (a thread of this process waiting in {@link #lock()} is released within
 * {@value #CLOSE_LATENCY_MILLIS} ms with {@link AsynchronousCloseException}), while
 * {@link #destroy()} destroys the mutex itself. {@link Thread#interrupt()} ends a wait in
 * {@link #lock()} as promptly with {@link InterruptedIOException}: the mutex is not held
 * then (a lock taken in the same moment is returned instead), the handle stays open and the
 * thread's interrupt status stays set. When the mapping is closed, calls throw
 * {@link IllegalStateException}. The mutex is not recursive: locking it again from the
 * thread that holds it deadlocks, as in C.
 *
 * <h2>Virtual threads</h2>
 * The C library knows a mutex's owner by its kernel thread, and a virtual thread changes
 * carriers; so a virtual thread's lock, unlock, {@link #markConsistent()} and condition waits
 * all run on one platform thread bound to it, made on its first use, while the virtual thread
 * parks and its carrier runs others. The mutex behaves as for a platform thread: only the
 * thread that locked it may unlock it, and if the virtual thread terminates holding it, the
 * next locker gets {@link LockState#OWNER_DIED} (within about a second, when the bound thread
 * ends). The price is one platform thread per live virtual thread that has used a process
 * mutex, and a hand-over to it and back per call (microseconds, where an uncontended lock on a
 * platform thread is tens of nanoseconds).
 *
 * <p>An uncontended lock is one compare-and-set in user space. A contended one waits in
 * {@code pthread_mutex_timedlock} slices of at most {@value #CLOSE_LATENCY_MILLIS} ms (glibc
 * restarts the wait after a signal, so this is how {@code close()} and interrupt reach the
 * waiter); an unlock still wakes it at once.
 *
 * @see <a href="https://man7.org/linux/man-pages/man3/pthread_mutex_lock.3p.html">pthread_mutex_lock(3p)</a>
 * @see <a href="https://man7.org/linux/man-pages/man3/pthread_mutexattr_setrobust.3.html">pthread_mutexattr_setrobust(3)</a>
 */
public final class ProcessMutex implements AutoCloseable {
    /** The bytes a mutex takes in shared memory, header included. */
    public static final long SIZE = SyncDescriptor.MUTEX_SIZE;

    private static final String KIND = "ProcessMutex";

    /**
     * How long at most a thread waiting in {@link #lock()} takes to notice {@link #close()} or
     * an interrupt.
     */
    public static final int CLOSE_LATENCY_MILLIS = 50;

    /** The C library's values, read only once native access was checked ({@link NativeAccess}). */
    private static final class Native {
        static final int ETIMEDOUT = LibC.ETIMEDOUT();
        static final int EOWNERDEAD = LibC.EOWNERDEAD();
        static final int ENOTRECOVERABLE = LibC.ENOTRECOVERABLE();
    }


    private final MemorySegment region;
    private final MemorySegment mutex;
    private final Blocker blocker;

    private ProcessMutex(MemorySegment region) {
        this.region = region;
        this.mutex = SyncDescriptor.object(region);
        this.blocker = Blocker.forHandle("ProcessMutex[address=0x" + Long.toHexString(region.address()) + "]", null);
    }

    /**
     * Initialises a new mutex at {@code offset} of a shared segment. Only one process does
     * this, before any other attaches; initialising memory that a mutex in use occupies is
     * undefined behaviour in C and must not be done.
     *
     * @param segment a shared segment, e.g. a {@code Mapping}'s
     * @param offset an 8-byte aligned offset with {@link #SIZE} bytes behind it
     * @return the mutex
     * @throws IndexOutOfBoundsException if the segment is too small
     * @throws IllegalArgumentException if the address is not 8-byte aligned or the segment read-only, or the memory lies in a library mapping
     *         of an object a process can shrink (POSIX shared memory, a file, a memfd without
     *         {@code Seal.SHRINK}: see the package documentation)
     * @throws IOException if {@code pthread_mutex_init} fails
     * @see <a href="https://man7.org/linux/man-pages/man3/pthread_mutex_init.3p.html">pthread_mutex_init(3p)</a>
     */
    public static ProcessMutex initialize(MemorySegment segment, long offset) throws IOException {
        NativeAccess.require();
        MemorySegment region = SyncDescriptor.region(segment, offset, SIZE, KIND);
        SyncDescriptor.retract(region);
        int r = SyncCalls.mutexInitSharedRobust(SyncDescriptor.object(region));
        if (r != 0) {
            throw Errors.of("pthread_mutex_init", "offset=" + offset + ", PTHREAD_PROCESS_SHARED|ROBUST", r);
        }
        SyncDescriptor.publish(region, SyncDescriptor.MUTEX_MAGIC);
        return new ProcessMutex(region);
    }

    /**
     * Attaches to a mutex another process (or this one) initialised.
     *
     * @param segment a shared segment
     * @param offset where {@link #initialize} placed it
     * @return the mutex
     * @throws IndexOutOfBoundsException if the segment is too small
     * @throws IllegalArgumentException if the address is not 8-byte aligned or the segment read-only, or the memory lies in a library mapping
     *         of an object a process can shrink (POSIX shared memory, a file, a memfd without
     *         {@code Seal.SHRINK}: see the package documentation)
     * @throws IllegalStateException if no initialised mutex is there
     */
    public static ProcessMutex attach(MemorySegment segment, long offset) {
        NativeAccess.require();
        MemorySegment region = SyncDescriptor.region(segment, offset, SIZE, KIND);
        SyncDescriptor.checkInitialised(region, SyncDescriptor.MUTEX_MAGIC, "ProcessMutex");
        return new ProcessMutex(region);
    }

    MemorySegment nativeMutex() {
        return mutex;
    }

    Blocker blocker() {
        return blocker;
    }

    /**
     * Locks, waiting as long as needed.
     *
     * @return {@link LockState#ACQUIRED}, or {@link LockState#OWNER_DIED} if the previous
     *         owner died holding it (the caller owns it now; see the class documentation)
     * @throws MutexNotRecoverableException if a previous owner died and nobody repaired it
     * @throws AsynchronousCloseException if closed by another thread while waiting
     * @throws InterruptedIOException if the thread was interrupted (not held; still open)
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException (EDEADLK, EINVAL) on another failure of {@code pthread_mutex_timedlock}
     * @see <a href="https://man7.org/linux/man-pages/man3/pthread_mutex_lock.3p.html">pthread_mutex_lock(3p)</a>
     */
    public LockState lock() throws IOException {
        LockState s = lock(Deadline.NONE);
        if (s == null) {
            throw new AssertionError("an unlimited wait timed out");
        }
        return s;
    }

    /**
     * Locks if nobody holds the mutex, without waiting.
     *
     * @return how it was acquired, or {@code null} if another thread holds it
     * @throws MutexNotRecoverableException if a previous owner died and nobody repaired it
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException on another failure of {@code pthread_mutex_timedlock}
     * @see <a href="https://man7.org/linux/man-pages/man3/pthread_mutex_timedlock.3p.html">pthread_mutex_timedlock(3p)</a>
     */
    public LockState tryLock() throws IOException {
        if (Thread.currentThread().isVirtual()) {
            return BoundThread.run(this::tryLockHere);
        }
        return tryLockHere();
    }

    private LockState tryLockHere() throws IOException {
        blocker.checkOpen();
        int r = tryOnce();
        return r == Native.ETIMEDOUT ? null : state(r, "pthread_mutex_timedlock");
    }

    /**
     * Locks, waiting at most {@code timeout}.
     *
     * @param timeout how long to wait, not negative
     * @return how it was acquired, or {@code null} on timeout
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws MutexNotRecoverableException if a previous owner died and nobody repaired it
     * @throws AsynchronousCloseException if closed by another thread while waiting
     * @throws InterruptedIOException if the thread was interrupted (not held; still open)
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException on another failure of {@code pthread_mutex_timedlock}
     * @see <a href="https://man7.org/linux/man-pages/man3/pthread_mutex_timedlock.3p.html">pthread_mutex_timedlock(3p)</a>
     */
    public LockState tryLock(Duration timeout) throws IOException {
        return lock(Deadline.end(timeout));
    }

    private LockState lock(long deadline) throws IOException {
        if (Thread.currentThread().isVirtual()) {
            return BoundThread.run(() -> lockHere(deadline, false));
        }
        // the uncontended fast path, as C's inlined one: one critical call, no use count (closing
        // frees nothing, and the segment's scope keeps the memory mapped through the call)
        if (blocker.isOpen() && !Thread.currentThread().isInterrupted()) {
            int r = tryOnce();
            if (r != Native.ETIMEDOUT) {
                return state(r, "pthread_mutex_timedlock");
            }
            return lockHere(deadline, true);
        }
        return lockHere(deadline, false);
    }

    private LockState lockHere(long deadline, boolean tried) throws IOException {
        blocker.enter();
        try {
            // an interrupted thread takes nothing, even a free mutex: the engine says so
            if (!tried && !Thread.currentThread().isInterrupted()) {
                int r = tryOnce();
                if (r != Native.ETIMEDOUT) {
                    return state(r, "pthread_mutex_timedlock");
                }
            }
            // glibc restarts pthread_mutex_timedlock after a signal: the engine waits in slices
            long r = blocker.call(SyncCalls::mutexLockCall, 0, mutex, MemorySegment.NULL, 0, 0, 0, deadline,
                    Blocker.Timing.SLICED_ABSOLUTE_REALTIME);
            return r == -Native.ETIMEDOUT ? null : state((int) -r, "pthread_mutex_timedlock");
        } finally {
            blocker.exit();
        }
    }

    /**
     * One attempt that never waits: {@code pthread_mutex_timedlock} with a deadline in the
     * past. Not {@code pthread_mutex_trylock}: glibc's trylock keeps the lock word taken when
     * it reports ENOTRECOVERABLE, so that other processes would then block on the mutex
     * forever instead of learning it is unrecoverable; timedlock releases it.
     */
    private int tryOnce() {
        return SyncCalls.mutexTimedlockNow(mutex);
    }

    LockState state(int r, String call) throws IOException {
        if (r == 0) {
            return LockState.ACQUIRED;
        }
        if (r == Native.EOWNERDEAD) {
            return LockState.OWNER_DIED;
        }
        if (r == Native.ENOTRECOVERABLE) {
            throw new MutexNotRecoverableException(call, "mutex@0x" + Long.toHexString(region.address()), r);
        }
        throw Errors.of(call, "mutex", r);
    }

    /**
     * Unlocks. The calling thread must hold the mutex.
     *
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException (EPERM) if the calling thread does not hold it
     */
    public void unlock() throws IOException {
        if (Thread.currentThread().isVirtual()) {
            BoundThread.run(this::unlockHere);
        } else {
            unlockHere();
        }
    }

    private Void unlockHere() throws IOException {
        blocker.checkOpen();
        int r = SyncCalls.mutexUnlock(mutex); // never waits: no use count (see lock)
        if (r != 0) {
            throw Errors.of("pthread_mutex_unlock", "mutex", r);
        }
        return null;
    }

    /**
     * Marks the mutex consistent after its previous owner died, once the caller (who holds it
     * after a {@link LockState#OWNER_DIED} lock) has repaired the data it protects.
     *
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException (EINVAL) if the mutex is not in the owner-died state or not held
     * @see <a href="https://man7.org/linux/man-pages/man3/pthread_mutex_consistent.3.html">pthread_mutex_consistent(3)</a>
     */
    public void markConsistent() throws IOException {
        if (Thread.currentThread().isVirtual()) {
            BoundThread.run(this::markConsistentHere);
        } else {
            markConsistentHere();
        }
    }

    private Void markConsistentHere() throws IOException {
        blocker.enter();
        try {
            int r = SyncCalls.mutexConsistent(mutex);
            if (r != 0) {
                throw Errors.of("pthread_mutex_consistent", "mutex", r);
            }
            return null;
        } finally {
            blocker.exit();
        }
    }

    /**
     * Destroys the mutex ({@code pthread_mutex_destroy}) and clears its header, so that later
     * attaches fail; closes this handle. No process may use it any more.
     *
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException (EBUSY) if it is locked
     */
    public void destroy() throws IOException {
        blocker.enter();
        try {
            int r = SyncCalls.mutexDestroy(mutex);
            if (r != 0) {
                throw Errors.of("pthread_mutex_destroy", "mutex", r);
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

    /**
     * Ends this handle; the mutex stays in memory for other handles and processes. A thread
     * waiting in {@link #lock()} leaves with {@link AsynchronousCloseException}. Idempotent.
     */
    @Override
    public void close() {
        blocker.close();
    }

    @Override
    public String toString() {
        return "ProcessMutex[address=0x" + Long.toHexString(region.address()) + (isOpen() ? "]" : ", closed]");
    }
}
