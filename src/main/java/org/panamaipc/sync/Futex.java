package org.panamaipc.sync;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.Sys;
import org.panamaipc.internal.SyncCalls;
import org.panamaipc.internal.Waiters;
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
 * {@link #await} with {@link AsynchronousCloseException}. When the mapping is closed, calls
 * throw {@link IllegalStateException}. A process killed while it waits leaves nothing behind.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
 */
public final class Futex implements AutoCloseable {
    private static final int WAIT = LibC.FUTEX_WAIT();
    private static final int WAKE = LibC.FUTEX_WAKE();
    private static final int ETIMEDOUT = LibC.ETIMEDOUT();

    private final MemorySegment word;
    private final Guard guard = new Guard();
    private final Waiters waiters = new Waiters();

    private Futex(MemorySegment word) {
        this.word = word;
    }

    /**
     * A futex on the 4 bytes at {@code offset} of a shared segment.
     *
     * @param segment a shared segment, e.g. a {@code Mapping}'s
     * @param offset a 4-byte aligned offset
     * @return the futex
     * @throws IndexOutOfBoundsException if the word lies outside the segment
     * @throws IllegalArgumentException if the word's address is not 4-byte aligned
     */
    public static Futex of(MemorySegment segment, long offset) {
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
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException on an unexpected failure of {@code futex}
     */
    public void await(int expected) throws IOException {
        await(expected, Waits.FOREVER);
    }

    /**
     * Sleeps while the word holds {@code expected}, at most {@code timeout}.
     *
     * @param expected the value the caller read
     * @param timeout how long to wait, not negative
     * @return true if woken, if the word held another value, or spuriously; false on timeout
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws AsynchronousCloseException if closed by another thread while waiting
     * @throws IllegalStateException if closed or the memory unmapped
     * @throws IOException on an unexpected failure of {@code futex}
     */
    public boolean await(int expected, Duration timeout) throws IOException {
        Deadline deadline = Waits.deadline(timeout);
        guard.enter(this);
        try {
            MemorySegment ts = SyncCalls.scratch();
            int slot = waiters.enter();
            try {
                if (!guard.isOpen()) {
                    throw new AsynchronousCloseException(); // closed before this thread registered
                }
                long r;
                do {
                    if (deadline.unlimited()) {
                        r = SyncCalls.futexWait(word, WAIT, expected, MemorySegment.NULL);
                    } else {
                        if (deadline.expired()) {
                            return false;
                        }
                        deadline.writeRemaining(ts);
                        r = SyncCalls.futexWait(word, WAIT, expected, ts);
                    }
                } while (r == -Sys.EINTR && guard.isOpen());
                if (!guard.isOpen()) {
                    throw new AsynchronousCloseException();
                }
                if (r == 0 || r == -Sys.EAGAIN) {
                    return true;
                }
                if (r == -ETIMEDOUT) {
                    return false;
                }
                throw Errors.of("futex", "FUTEX_WAIT, " + expected, (int) -r);
            } finally {
                waiters.exit(slot);
            }
        } finally {
            guard.exit();
        }
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
        guard.enter(this);
        try {
            long r = SyncCalls.futexWake(word, WAKE, count);
            if (r < 0) {
                throw Errors.of("futex", "FUTEX_WAKE, " + count, (int) -r);
            }
            return (int) r;
        } finally {
            guard.exit();
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
        return guard.isOpen();
    }

    /** Ends this handle, releasing this process's waiters; idempotent. */
    @Override
    public void close() {
        guard.close();
        waiters.wakeAll();
    }

    @Override
    public String toString() {
        return "Futex[address=0x" + Long.toHexString(word.address()) + (isOpen() ? "]" : ", closed]");
    }
}
