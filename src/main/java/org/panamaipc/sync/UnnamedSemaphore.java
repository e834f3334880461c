package org.panamaipc.sync;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.SyncCalls;

/**
 * A POSIX unnamed semaphore ({@code sem_init} with {@code pshared=1}) living in shared
 * memory that cannot shrink (System V shared memory, a memfd sealed with {@code Seal.SHRINK}:
 * see the package documentation), usable by every process that maps it. Like a {@link NamedSemaphore} it has no owner and no undo: a
 * process that dies holding it leaves it taken.
 *
 * <h2>Layout and lifetime</h2>
 * It takes {@link #SIZE} bytes at an 8-byte aligned offset, with the header described in the
 * package documentation; {@link #attach} refuses memory holding no initialised semaphore.
 * {@link #close()} ends this handle, releasing a thread of this process blocked in
 * {@link #acquire()} with {@link AsynchronousCloseException}; {@link #destroy()} destroys the
 * semaphore itself. {@link Thread#interrupt()} ends a blocked {@link #acquire()} with
 * {@link InterruptedIOException}, taking nothing and leaving the handle open.
 *
 * @see <a href="https://man7.org/linux/man-pages/man3/sem_init.3.html">sem_init(3)</a>
 */
public final class UnnamedSemaphore implements AutoCloseable {
    /** The bytes a semaphore takes in shared memory, header included. */
    public static final long SIZE = SyncDescriptor.SEMAPHORE_SIZE;

    private static final String KIND = "UnnamedSemaphore";

    private final MemorySegment region;
    private final MemorySegment sem;
    private final Blocker blocker;

    private UnnamedSemaphore(MemorySegment region) {
        this.region = region;
        this.sem = SyncDescriptor.object(region);
        this.blocker = Blocker.forHandle(describe(region), null);
    }

    private static String describe(MemorySegment region) {
        return "UnnamedSemaphore[address=0x" + Long.toHexString(region.address()) + "]";
    }

    /**
     * Initialises a new semaphore at {@code offset} of a shared segment; only one process
     * does this, before the others attach.
     *
     * @param segment a shared segment
     * @param offset an 8-byte aligned offset with {@link #SIZE} bytes behind it
     * @param initialValue 0 to {@link NamedSemaphore#MAX_VALUE}
     * @return the semaphore
     * @throws IndexOutOfBoundsException if the segment is too small
     * @throws IllegalArgumentException if the address is not aligned, the segment read-only or the value
     *         negative, or the memory lies in a library mapping
     *         of an object a process can shrink (POSIX shared memory, a file, a memfd without
     *         {@code Seal.SHRINK}: see the package documentation)
     * @throws IOException on a failure of {@code sem_init}
     */
    public static UnnamedSemaphore initialize(MemorySegment segment, long offset, int initialValue) throws IOException {
        NativeAccess.require();
        if (initialValue < 0) {
            throw new IllegalArgumentException("initialValue=" + initialValue + " must be 0 to SEM_VALUE_MAX="
                    + NamedSemaphore.MAX_VALUE);
        }
        MemorySegment region = SyncDescriptor.region(segment, offset, SIZE, KIND);
        SyncDescriptor.retract(region);
        int r = SyncCalls.semInit(SyncDescriptor.object(region), 1, initialValue);
        if (r != 0) {
            throw Errors.of("sem_init", "offset=" + offset + ", 1, " + initialValue, -r);
        }
        SyncDescriptor.publish(region, SyncDescriptor.SEMAPHORE_MAGIC);
        return new UnnamedSemaphore(region);
    }

    /**
     * Attaches to a semaphore initialised by {@link #initialize}.
     *
     * @param segment a shared segment
     * @param offset where it was placed
     * @return the semaphore
     * @throws IndexOutOfBoundsException if the segment is too small
     * @throws IllegalArgumentException if the address is not 8-byte aligned or the segment read-only, or the memory lies in a library mapping
     *         of an object a process can shrink (POSIX shared memory, a file, a memfd without
     *         {@code Seal.SHRINK}: see the package documentation)
     * @throws IllegalStateException if no initialised semaphore is there
     */
    public static UnnamedSemaphore attach(MemorySegment segment, long offset) {
        NativeAccess.require();
        MemorySegment region = SyncDescriptor.region(segment, offset, SIZE, KIND);
        SyncDescriptor.checkInitialised(region, SyncDescriptor.SEMAPHORE_MAGIC, "UnnamedSemaphore");
        return new UnnamedSemaphore(region);
    }

    /**
     * Decrements the value, waiting while it is 0.
     *
     * @throws AsynchronousCloseException if closed by another thread while waiting
     * @throws InterruptedIOException if the thread was interrupted (nothing taken; still open)
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException on a failure of {@code sem_wait}
     * @see <a href="https://man7.org/linux/man-pages/man3/sem_wait.3.html">sem_wait(3)</a>
     */
    public void acquire() throws IOException {
        if (takenNow()) {
            return;
        }
        if (!NamedSemaphore.acquire(blocker, sem, Deadline.NONE, "sem")) {
            throw new AssertionError("an unlimited wait timed out");
        }
    }

    /**
     * Decrements the value if it is above 0, without waiting.
     *
     * @return true if decremented, false if the value was 0
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException on a failure of {@code sem_trywait}
     */
    public boolean tryAcquire() throws IOException {
        return takenNow() || NamedSemaphore.tryAcquire(blocker, sem, "sem");
    }

    /**
     * Decrements the value, waiting at most {@code timeout} while it is 0.
     *
     * @param timeout how long to wait, not negative
     * @return true if decremented, false on timeout
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws AsynchronousCloseException if closed by another thread while waiting
     * @throws InterruptedIOException if the thread was interrupted (nothing taken; still open)
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException on a failure of {@code sem_timedwait}
     * @see <a href="https://man7.org/linux/man-pages/man3/sem_timedwait.3.html">sem_timedwait(3)</a>
     */
    public boolean tryAcquire(Duration timeout) throws IOException {
        long deadline = Deadline.end(timeout);
        return takenNow() || NamedSemaphore.acquire(blocker, sem, deadline, "sem");
    }

    /**
     * The uncontended fast path, as C's inlined one: one critical {@code sem_trywait} without
     * errno capture or use count (closing frees nothing here, and the segment's scope keeps the
     * memory mapped through the call). A failure goes the full way, which tells why.
     */
    private boolean takenNow() {
        // an interrupted thread takes nothing, even a unit that is there: the full way says so
        return blocker.isOpen() && !Thread.currentThread().isInterrupted() && SyncCalls.semTrywaitQuick(sem) == 0;
    }

    /**
     * Increments the value, waking one waiter in any process.
     *
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException (EOVERFLOW) if the value is already {@link NamedSemaphore#MAX_VALUE}
     */
    public void release() throws IOException {
        // the fast path of acquire: a failed post changed nothing, and the full way tells why
        if (!blocker.isOpen() || SyncCalls.semPostQuick(sem) != 0) {
            NamedSemaphore.release(blocker, sem, "sem");
        }
    }

    /**
     * Reads the value.
     *
     * @return the value, 0 if threads are waiting
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException on a failure of {@code sem_getvalue}
     */
    public int value() throws IOException {
        return NamedSemaphore.value(blocker, sem, "sem");
    }

    /**
     * Destroys the semaphore ({@code sem_destroy}) and clears its header; closes this handle.
     * No process may wait on it any more.
     *
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException on a failure of {@code sem_destroy}
     * @see <a href="https://man7.org/linux/man-pages/man3/sem_destroy.3.html">sem_destroy(3)</a>
     */
    public void destroy() throws IOException {
        blocker.enter();
        try {
            SyncDescriptor.retract(region);
            int r = SyncCalls.semDestroy(sem);
            if (r != 0) {
                throw Errors.of("sem_destroy", "sem", -r);
            }
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

    /** Ends this handle, releasing this process's waiters; the semaphore stays in memory. Idempotent. */
    @Override
    public void close() {
        blocker.close();
    }

    @Override
    public String toString() {
        return "UnnamedSemaphore[address=0x" + Long.toHexString(region.address()) + (isOpen() ? "]" : ", closed]");
    }
}
