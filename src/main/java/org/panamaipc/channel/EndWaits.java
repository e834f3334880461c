package org.panamaipc.channel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.Membarrier;
import org.panamaipc.internal.SyncCalls;
import org.panamaipc.shm.SharedAtomics;

/**
 * The waiting side of one channel end: the idle strategy's loop and the eventcount sleep of
 * {@code interop/LAYOUT.md} ("Waiting"), with close, interrupt, deadline and the peer's
 * liveness looked at between attempts. The sleep itself is a {@code FUTEX_WAIT} run through
 * the end's {@link Blocker}, the library's one engine (which hands a virtual thread's wait to
 * its pool and releases it on close or interrupt).
 */
final class EndWaits {
    /** What a waiting end needs from its owner. */
    interface Condition {
        /**
         * {@return whether the end can go on: a record is ready, or room}
         *
         * @throws IOException if the channel is found corrupt
         */
        boolean holds() throws IOException;

        /**
         * Looks at the peer: recovers what a dead one left, or throws.
         *
         * @throws IOException {@link PeerDeadException} if the peer died; corruption
         */
        void checkPeer() throws IOException;
    }

    /** An end's batch delivery. */
    interface Poll {
        /**
         * Delivers the records ready now.
         *
         * @param handler sees each record
         * @param limit the most to deliver
         * @return how many were delivered
         * @throws IOException on corruption or a failed doorbell read
         */
        int poll(RecordHandler handler, int limit) throws IOException;
    }

    /**
     * A futex sleep never lasts longer: a dead peer is noticed at the end of the slice in
     * progress once its process has exited (a look costs a {@code /proc} read, 40 a second
     * while an end sleeps).
     */
    static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
    /** How long a sleep lasts at most when its heavy barrier failed: see {@link #sleep}. */
    private static final long UNCOVERED_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Waits that skipped their park strategy's spins: see {@link #waitsWithoutSpins()}. */
    private static final LongAdder SKIPPED = new LongAdder();
    /** Sleeps that timed out with their condition holding: see {@link #lateWakeUps()}. */
    private static final LongAdder LATE = new LongAdder();
    /** After so many fruitless spins in a row, a park strategy's end sleeps at once. */
    private static final int FRUITLESS_LIMIT = 8;
    /** ...and spins again every so many waits (a power of two), to see whether it pays again. */
    private static final int RETRY_SPINS_EVERY = 64;
    /** How often a spinning end looks at its peer. */
    private static final long PEER_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int EAGAIN = LibC.EAGAIN();
    private static final int FUTEX_WAKE = LibC.FUTEX_WAKE();

    private final Blocker blocker;
    private final String what;
    private final MemorySegment header;
    private final MemorySegment seqWord;
    private final int seqOffset;
    private final int sleepersOffset;
    private final IdleStrategy idle;
    /**
     * Waits in a row whose {@link Park} spins found nothing before the sleep, up to
     * {@link #FRUITLESS_LIMIT}: spinning pays only while the other side runs meanwhile, on
     * another CPU. Plain fields: an end is used by one thread at a time, and a lost update
     * costs a spin or a sleep, nothing else.
     */
    private int fruitlessSpins;
    private int skippedSpins;

    EndWaits(Blocker blocker, String what, MemorySegment header, int seqOffset, int sleepersOffset, IdleStrategy idle) {
        this.blocker = blocker;
        this.what = what;
        this.header = header;
        this.seqWord = header.asSlice(seqOffset, 4);
        this.seqOffset = seqOffset;
        this.sleepersOffset = sleepersOffset;
        this.idle = idle;
    }

    /** {@return how many waits of this JVM went to sleep without their park strategy's spins} */
    static long waitsWithoutSpins() {
        return SKIPPED.sum();
    }

    /**
     * {@return how many sleeps of this JVM timed out with their condition holding}: progress a
     * waker stored without waking the sleeper (a lost wake-up, found only by the slice), or
     * made just as the slice ended. A regression check of the barriers (see {@link Membarrier}).
     */
    static long lateWakeUps() {
        return LATE.sum();
    }

    /**
     * Waits until {@code condition} holds or the deadline passes.
     *
     * @return true when it holds, false at the deadline
     */
    boolean await(Condition condition, long deadline) throws IOException {
        enter();
        try {
            int idleCount = 0;
            boolean park = idle instanceof Park;
            boolean skipSpins = park && fruitlessSpins >= FRUITLESS_LIMIT
                    && (++skippedSpins & (RETRY_SPINS_EVERY - 1)) != 0;
            if (skipSpins) {
                SKIPPED.increment();
            }
            boolean learning = park && !skipSpins; // until its first sleep, this wait tells whether spins pay
            long nextPeerCheck = System.nanoTime() + PEER_CHECK_NANOS;
            while (true) {
                if (condition.holds()) {
                    if (learning && idleCount > 0) {
                        fruitlessSpins = 0; // spinning found it: keep spinning
                    }
                    return true;
                }
                checkNotClosedOrInterrupted();
                long now = System.nanoTime();
                if (deadline != Deadline.NONE && now - deadline >= 0) {
                    return false;
                }
                if (now - nextPeerCheck >= 0) {
                    condition.checkPeer();
                    nextPeerCheck = System.nanoTime() + PEER_CHECK_NANOS;
                    continue;
                }
                if (skipSpins || idle.idle(idleCount)) {
                    if (learning) {
                        learning = false;
                        fruitlessSpins = Math.min(fruitlessSpins + 1, FRUITLESS_LIMIT);
                    }
                    if (sleep(condition, deadline)) {
                        condition.checkPeer(); // a slice ended with nothing: look at the peer
                        nextPeerCheck = System.nanoTime() + PEER_CHECK_NANOS;
                    }
                }
                if (idleCount < Integer.MAX_VALUE) {
                    idleCount++;
                }
            }
        } finally {
            blocker.exit();
        }
    }

    /**
     * Delivers one record, waiting for it until the deadline.
     *
     * @return whether a record was delivered
     */
    boolean receiveOne(Poll poll, RecordHandler handler, Condition ready, long deadline) throws IOException {
        while (poll.poll(handler, 1) == 0) {
            if (!await(ready, deadline)) {
                return poll.poll(handler, 1) == 1;
            }
        }
        return true;
    }

    /**
     * One announced sleep on the eventcount, of at most a slice.
     *
     * @return true if the slice ended without a wake-up
     */
    private boolean sleep(Condition condition, long deadline) throws IOException {
        SharedAtomics.getAndAddInt(header, sleepersOffset, 1);
        try {
            // The rare side's barrier: every waker that stored its progress before it either
            // sees the announcement above or has its progress seen by holds() below.
            boolean covered = Membarrier.heavy();
            long sliceEnd = System.nanoTime() + SLICE_NANOS;
            if (deadline != Deadline.NONE && deadline - sliceEnd < 0) {
                sliceEnd = deadline;
            }
            while (true) {
                int seq = SharedAtomics.getIntVolatile(header, seqOffset);
                if (condition.holds()) {
                    return false;
                }
                // Not covered: a waker that skipped its fence may miss this sleeper, so the
                // sleep looks again every millisecond until the slice ends.
                long until = covered ? sliceEnd : Math.min(sliceEnd, System.nanoTime() + UNCOVERED_NANOS);
                // entered by await(): a close since then is one during the wait
                long r = blocker.callEntered(SyncCalls::futexWaitCall, 0, seqWord, MemorySegment.NULL, seq, 0, 0,
                        until, Blocker.Timing.RELATIVE);
                if (r == -Blocker.ETIMEDOUT) {
                    if (condition.holds()) {
                        LATE.increment(); // the progress came without its wake-up (or at the very end)
                        return false;
                    }
                    if (until == sliceEnd) {
                        return true;
                    }
                    continue;
                }
                if (r < 0 && r != -EAGAIN) {
                    throw Errors.of("futex", what + ", FUTEX_WAIT, " + seq, (int) -r);
                }
                return false;
            }
        } finally {
            SharedAtomics.getAndAddInt(header, sleepersOffset, -1);
        }
    }

    /**
     * The waker's half: after the caller's progress is stored, the hot side's barrier (none in
     * a process registered for {@code membarrier}, a full fence otherwise: {@link Membarrier}),
     * and a {@code FUTEX_WAKE} only when someone announced sleeping on this eventcount.
     */
    static void wake(MemorySegment header, MemorySegment seqWord, int seqOffset, int sleepersOffset) {
        Membarrier.light();
        if (SharedAtomics.getIntVolatile(header, sleepersOffset) != 0) {
            SharedAtomics.getAndAddInt(header, seqOffset, 1);
            SyncCalls.futexWake(seqWord, FUTEX_WAKE, Integer.MAX_VALUE);
        }
    }

    private void enter() {
        try {
            blocker.enter();
        } catch (ClosedChannelException notForAHandle) {
            throw new IllegalStateException(what + " is closed", notForAHandle);
        }
    }

    private void checkNotClosedOrInterrupted() throws IOException {
        if (!blocker.isOpen()) {
            throw new AsynchronousCloseException();
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted while blocked on " + what);
        }
    }
}
