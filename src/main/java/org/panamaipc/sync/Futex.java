package org.panamaipc.sync;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.SyncCalls;
import org.panamaipc.shm.SharedAtomics;

/**
 * A futex: a 32-bit word of shared memory that threads of any process mapping it can wait
 * on and wake, the kernel's building block for the fastest cross-process wake-up. Waits and
 * wakes are shared (not {@code FUTEX_PRIVATE_FLAG}), so they work across processes.
 *
 * <p>The protocol is the caller's: change the word with an atomic operation, then
 * {@link #wake(int)}; a waiter reads the word, and if it must wait calls
 * {@link #await(int)} with the value it read — the kernel checks the word still holds that
 * value before sleeping, so no wake-up is lost. A wait can return spuriously: re-check.
 *
 * <pre>{@code
 * Futex flag = Futex.of(segment, 0);
 * // waiter                                  // waker
 * while (flag.value() == 0) {                flag.set(1);
 *     flag.await(0);                         flag.wake(1);
 * }
 * }</pre>
 *
 * <h2>Lifetime</h2>
 * A handle on the word; {@link #close()} releases a thread of this process blocked in
 * {@link #await} with {@link AsynchronousCloseException}; {@link Thread#interrupt()} ends the
 * wait with {@link InterruptedIOException}, the handle still open and the thread's interrupt
 * status still set. When the mapping is closed, calls throw {@link IllegalStateException}. A
 * process killed while it waits leaves nothing behind.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
 */
public final class Futex implements AutoCloseable {
    /** The C library's values, read only once native access was checked ({@link NativeAccess}). */
    private static final class Native {
        static final int WAKE = LibC.FUTEX_WAKE();
        static final int ETIMEDOUT = LibC.ETIMEDOUT();
        static final int EAGAIN = LibC.EAGAIN();
    }


    private final MemorySegment word;
    private final Blocker blocker;

    private Futex(MemorySegment word) {
        this.word = word;
        this.blocker = Blocker.forHandle("Futex[address=0x" + Long.toHexString(word.address()) + "]", null);
    }

    /**
     * A futex on the 4 bytes at {@code offset} of a shared segment.
     *
     * @param segment a shared segment, e.g. a {@code Mapping}'s
     * @param offset a 4-byte aligned offset
     * @return the futex
     * @throws IndexOutOfBoundsException if the word lies outside the segment
     * @throws IllegalArgumentException if the segment is on the Java heap or the word's address
     *         is not 4-byte aligned
     */
    public static Futex of(MemorySegment segment, long offset) {
        NativeAccess.require();
        Check.nativeSegment("segment", segment, "a futex");
        Check.range(segment, offset, 4);
        long address = segment.address() + offset;
        if ((address & 3) != 0) {
            throw new IllegalArgumentException("offset=" + offset + " address=0x" + Long.toHexString(address)
                    + " must be 4-byte aligned");
        }
        return new Futex(segment.asSlice(offset, 4));
    }

    /** {@return the word's value, read with acquire order} */
    public int value() {
        return SharedAtomics.getIntAcquire(word, 0);
    }

    /**
     * Writes the word with release order (call {@link #wake} afterwards to wake waiters).
     *
     * @param value the new value
     */
    public void set(int value) {
        SharedAtomics.putIntRelease(word, 0, value);
    }

    /**
     * Atomically replaces the word if it holds {@code expected}.
     *
     * @param expected the value it must hold
     * @param update the new value
     * @return true if replaced
     */
    public boolean compareAndSet(int expected, int update) {
        return SharedAtomics.compareAndSetInt(word, 0, expected, update);
    }

    /**
     * Atomically adds to the word.
     *
     * @param delta what to add
     * @return the previous value
     */
    public int getAndAdd(int delta) {
        return SharedAtomics.getAndAddInt(word, 0, delta);
    }

    /**
     * Sleeps while the word holds {@code expected}, until woken ({@code FUTEX_WAIT}).
     *
     * @param expected the value the caller read; if the word holds another, returns at once
     * @throws AsynchronousCloseException if closed by another thread while waiting
     * @throws InterruptedIOException if the thread was interrupted (still open)
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException on an unexpected failure of {@code futex}
     * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
     */
    public void await(int expected) throws IOException {
        await(expected, Deadline.NONE);
    }

    /**
     * Sleeps while the word holds {@code expected}, at most {@code timeout}.
     *
     * @param expected the value the caller read
     * @param timeout how long to wait, not negative
     * @return true if woken, if the word held another value, or spuriously; false on timeout
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws AsynchronousCloseException if closed by another thread while waiting
     * @throws InterruptedIOException if the thread was interrupted (still open)
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException on an unexpected failure of {@code futex}
     * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
     */
    public boolean await(int expected, Duration timeout) throws IOException {
        return await(expected, Deadline.end(timeout));
    }

    private boolean await(int expected, long deadline) throws IOException {
        long r = blocker.call(SyncCalls::futexWaitCall, 0, word, MemorySegment.NULL, expected, 0, 0, deadline,
                Blocker.Timing.RELATIVE);
        if (r == 0 || r == -Native.EAGAIN) {
            return true;
        }
        if (r == -Native.ETIMEDOUT) {
            return false;
        }
        throw Errors.of("futex", "FUTEX_WAIT, " + expected, (int) -r);
    }

    /**
     * Wakes at most {@code count} threads waiting on the word, in any process
     * ({@code FUTEX_WAKE}).
     *
     * @param count how many to wake, at least 1
     * @return how many were woken
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException on an unexpected failure of {@code futex}
     */
    public int wake(int count) throws IOException {
        Check.positive("count", count);
        blocker.enter();
        try {
            long r = SyncCalls.futexWake(word, Native.WAKE, count);
            if (r < 0) {
                throw Errors.of("futex", "FUTEX_WAKE, " + count, (int) -r);
            }
            return (int) r;
        } finally {
            blocker.exit();
        }
    }

    /**
     * Wakes every thread waiting on the word.
     *
     * @return how many were woken
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException on an unexpected failure of {@code futex}
     */
    public int wakeAll() throws IOException {
        return wake(Integer.MAX_VALUE);
    }

    /** {@return whether {@link #close()} has not been called} */
    public boolean isOpen() {
        return blocker.isOpen();
    }

    /** {@return how many threads of this process are blocked on this handle now} */
    int waiting() {
        return blocker.waiting();
    }

    /** Ends this handle, releasing this process's waiters; idempotent. */
    @Override
    public void close() {
        blocker.close();
    }

    @Override
    public String toString() {
        return "Futex[address=0x" + Long.toHexString(word.address()) + (isOpen() ? "]" : ", closed]");
    }
}
