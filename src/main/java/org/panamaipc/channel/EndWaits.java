package org.panamaipc.channel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
    /**
     * The sleepers word of an eventcount counts sleepers in its low 16 bits and, in its high
     * 16, sleepers that asked wakers to fence (interop/LAYOUT.md, "Waiting").
     */
    static final int SLEEPER = 1;
    /** One end asking wakers for their fence: see {@link #SLEEPER}. */
    static final int ASKER = 1 << 16;
    /** The sleepers in a sleepers word. */
    static final int SLEEPERS_MASK = ASKER - 1;
    /** A fencing end that delivered so many records since its last sleep stops asking. */
    static final int STOP_ASKING_AFTER = 256;
    private static final int NOT_ASKING = 0;
    private static final int STARTING_TO_ASK = 1;
    private static final int ASKING = 2;
    private static final VarHandle ASKS;
    private static final int EAGAIN = LibC.EAGAIN();
    private static final int FUTEX_WAKE = LibC.FUTEX_WAKE();

    private final Blocker blocker;
    private final String what;
    private final MemorySegment header;
    private final MemorySegment seqWord;
    private final int seqOffset;
    private final int sleepersOffset;
    private final IdleStrategy idle;
    /** Whether this end asks wakers for their fence while it sleeps often: see {@link #sleep}. */
    private final boolean mayAsk;
    /** {@link #NOT_ASKING}, {@link #STARTING_TO_ASK} or {@link #ASKING}. */
    @SuppressWarnings("unused") // through ASKS
    private volatile int asks;
    /** Records delivered since the last sleep, while asking (plain: one thread uses an end). */
    private int deliveredSinceSleep;
    /**
     * Waits in a row whose {@link Park} spins found nothing before the sleep, up to
     * {@link #FRUITLESS_LIMIT}: spinning pays only while the other side runs meanwhile, on
     * another CPU. Plain fields: an end is used by one thread at a time, and a lost update
     * costs a spin or a sleep, nothing else.
     */
    private int fruitlessSpins;
    private int skippedSpins;

    static {
        try {
            ASKS = MethodHandles.lookup().findVarHandle(EndWaits.class, "asks", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * An end's waits.
     *
     * @param mayAsk whether the end may ask wakers for their fence (it does when its strategy
     *        is {@code park(0)}, see {@link #sleep}): only an end that is the only one of its
     *        kind sleeping on this eventcount and clears the word when it attaches (the reader
     *        of a one-to-one or many-to-one channel), so that what a dead end asked for does
     *        not outlive it
     */
    EndWaits(Blocker blocker, String what, MemorySegment header, int seqOffset, int sleepersOffset, IdleStrategy idle,
            boolean mayAsk) {
        this.mayAsk = mayAsk && idle instanceof Park park && park.spins() == 0;
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
     * <p>The sleeper's barrier is a {@code membarrier} call (about a microsecond, more when
     * the peer runs), which spares every waker its fence. An end that sleeps for every record
     * pays it per record, where a fence per record would cost its wakers a few nanoseconds:
     * so an end that may ask ({@code mayAsk}) and never spins ({@code park(0)}) asks wakers
     * for their fence, in the high half of the sleepers word; the membarrier call of that
     * sleep makes every waker that reads the word afterwards see the request. Its later
     * sleeps make no membarrier call while it asks. It stops asking after
     * {@link #STOP_ASKING_AFTER} records without a sleep ({@link #delivered}), and when it
     * detaches.
     *
     * <p>An end that spins does not ask. Across CPUs, the time its membarrier call takes
     * before the sleep often sees the peer's answer arrive, so that the end does not sleep at
     * all; where sleeps cost less, both ends of a round trip came to sleep on every record
     * (each one's spins ending while the other was still being woken), 200 times slower on a
     * machine whose cross-CPU wake-up takes 80 µs.
     *
     * @return true if the slice ended without a wake-up
     */
    private boolean sleep(Condition condition, long deadline) throws IOException {
        int mode = asks;
        boolean starting = mayAsk && mode == NOT_ASKING && ASKS.compareAndSet(this, NOT_ASKING, STARTING_TO_ASK);
        int before = SharedAtomics.getAndAddInt(header, sleepersOffset, starting ? SLEEPER + ASKER : SLEEPER);
        deliveredSinceSleep = 0;
        try {
            boolean covered;
            if (mode == ASKING && before >>> 16 != 0) {
                // Wakers fence for this end, and a waker that read no asker at all did so before
                // the membarrier that started the asking, which made its progress visible: the
                // full barrier of this side is enough (the atomic add above is one already).
                VarHandle.fullFence();
                covered = true;
            } else {
                // The rare side's barrier: every waker that stored its progress before it either
                // sees the announcement above or has its progress seen by holds() below.
                covered = Membarrier.heavy();
                if (starting) {
                    if (covered) {
                        asks = ASKING; // wakers that read the word from now on fence
                    } else {
                        SharedAtomics.getAndAddInt(header, sleepersOffset, -ASKER);
                        asks = NOT_ASKING;
                    }
                }
            }
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
     * a process registered for {@code membarrier}, a full fence otherwise: {@link Membarrier};
     * a full fence too while a sleeper asks for it), and a {@code FUTEX_WAKE} only when someone
     * announced sleeping on this eventcount.
     */
    static void wake(MemorySegment header, MemorySegment seqWord, int seqOffset, int sleepersOffset) {
        Membarrier.light();
        int word = SharedAtomics.getIntVolatile(header, sleepersOffset);
        if (word >>> 16 != 0) { // a sleeper asked for the fence, and makes no membarrier call for it
            VarHandle.fullFence();
            word = SharedAtomics.getIntVolatile(header, sleepersOffset);
        }
        if ((word & SLEEPERS_MASK) != 0) {
            SharedAtomics.getAndAddInt(header, seqOffset, 1);
            SyncCalls.futexWake(seqWord, FUTEX_WAKE, Integer.MAX_VALUE);
        }
    }

    /**
     * Tells the waits that the end delivered records: an end asking wakers for their fence
     * stops once it delivers {@link #STOP_ASKING_AFTER} records without a sleep, so that a
     * stream read without waiting costs its writer no fence per record.
     *
     * @param count records delivered, at least 0
     */
    void delivered(int count) {
        if (asks == ASKING && (deliveredSinceSleep += count) >= STOP_ASKING_AFTER) {
            stopAsking();
        }
    }

    /** Withdraws this end's request for wakers' fences, if it made one: before it detaches. */
    void stopAsking() {
        if (ASKS.compareAndSet(this, ASKING, NOT_ASKING)) {
            SharedAtomics.getAndAddInt(header, sleepersOffset, -ASKER);
        }
    }

    /** {@return whether this end asks wakers for their fence now} */
    boolean asking() {
        return asks == ASKING;
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
