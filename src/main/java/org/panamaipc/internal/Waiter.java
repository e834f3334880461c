package org.panamaipc.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread's record for the blocking engine, made once per thread and reused by every
 * call it makes: its place in the waiter list of the object it blocks on, the state a
 * signal may be sent in, the hook {@link Thread#interrupt()} fires, and the thread's native
 * scratch memory (the one place per-thread native memory comes from).
 *
 * <p>A thread blocks in at most one call at a time, so one record per thread is enough and
 * a list of waiters of any length costs no allocation.
 */
public final class Waiter {
    private static final ThreadLocal<Waiter> CURRENT = ThreadLocal.withInitial(Waiter::new);
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // state: call number << 2 | SIGNALING | IN_CALL. A signal is sent only while IN_CALL, with
    // SIGNALING set; leaving the call waits for SIGNALING to clear, so pthread_kill never
    // reaches a thread that may have ended.
    private static final long IN_CALL = 1;
    private static final long SIGNALING = 2;
    private static final long ONE_CALL = 4;

    private static final int SLICES = 4;
    /** A direct buffer's bytes are copied through scratch memory up to this many: below, the copy costs less than a segment of the buffer. */
    private static final int COPY_DIRECT_UP_TO = 4096;
    private static final long RESIGNAL_FIRST_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
    private static final long RESIGNAL_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(16);

    final Thread thread = Thread.currentThread();
    private final boolean platform = !thread.isVirtual();
    private long pthread;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile long state;
    /** Set by the interrupt hook during a call; read by the engine after each attempt. */
    volatile boolean interrupted;
    private InterruptHook hook; // made on first use: a virtual thread's waits never arm one

    // the waiter list of the Blocker this thread is registered with; guarded by that Blocker
    Blocker blocker;
    Waiter prev;
    Waiter next;

    /** The platform thread bound to this virtual thread, once it needed one. */
    BoundThread bound;

    // a virtual thread's place among the waiters of one descriptor in the Poller; guarded by
    // the Poller's registration of that descriptor
    Waiter pollPrev;
    Waiter pollNext;
    int pollEvents;
    volatile boolean pollReady;

    // the record's fixed native structures, in one block: a virtual thread's costs one allocation
    private static final long TIMESPEC_AT = align(CallState.LAYOUT.byteSize(), 8);
    private static final long IOVEC_AT = TIMESPEC_AT + org.panamaipc.bindings.timespec.layout().byteSize();
    private static final long POLLFD_AT = IOVEC_AT + org.panamaipc.bindings.iovec.layout().byteSize();
    private static final long BLOCK_BYTES = POLLFD_AT + org.panamaipc.bindings.pollfd.layout().byteSize();
    private final MemorySegment block = Arena.ofAuto().allocate(BLOCK_BYTES, 16);
    /** The segment downcalls capture errno into ({@link CallState#get()}). */
    final MemorySegment callState = block.asSlice(0, CallState.LAYOUT.byteSize());
    /** A {@code struct timespec} for the engine's time limits. */
    final MemorySegment timespec = block.asSlice(TIMESPEC_AT, org.panamaipc.bindings.timespec.layout().byteSize());
    /** A {@code struct iovec} for calls that take one buffer as a vector ({@code preadv2}). */
    final MemorySegment iovec = block.asSlice(IOVEC_AT, org.panamaipc.bindings.iovec.layout().byteSize());
    /** A {@code struct pollfd} for the engine's readiness waits. */
    final MemorySegment pollfd = block.asSlice(POLLFD_AT, org.panamaipc.bindings.pollfd.layout().byteSize());
    private MemorySegment buffer = MemorySegment.NULL;
    private ByteBuffer bufferView; // the scratch memory as a ByteBuffer, made once per buffer
    // the last slices handed out, by size: a hot path asks for the same sizes every call, and a
    // slice made anew would escape into the engine's call and be allocated each time
    private final MemorySegment[] slices = new MemorySegment[SLICES];
    private int nextSlice;

    private Waiter() {
    }

    private static long align(long offset, long alignment) {
        return (offset + alignment - 1) & -alignment;
    }

    /** {@return the calling thread's record} */
    public static Waiter current() {
        return CURRENT.get();
    }

    /**
     * Native scratch memory of this thread, at least {@code bytes} long, 16-byte aligned:
     * valid until the next call of this method on the same thread. For structures a call
     * fills in (a {@code msghdr}, a priority, an address length) so that calls allocate nothing.
     *
     * @param bytes the size needed
     * @return the scratch segment, exactly {@code bytes} long
     */
    public MemorySegment scratch(long bytes) {
        return scratch(0, bytes);
    }

    /**
     * As {@link #scratch(long)}, {@code offset} bytes into the scratch memory: for a structure
     * that must not overlap what the start holds meanwhile (a message staged behind the room
     * of a {@code msgctl} that may run before it is sent).
     *
     * @param offset where the segment starts in the scratch memory, a multiple of 16
     * @param bytes the size needed
     * @return the segment, exactly {@code bytes} long
     */
    public MemorySegment scratch(long offset, long bytes) {
        if (buffer.byteSize() < offset + bytes) {
            // an arena of its own, so that the buffer outgrown is freed; doubling, so that
            // growing sizes make few of them
            buffer = Arena.ofAuto().allocate(Math.max(offset + bytes, Math.max(64, 2 * buffer.byteSize())), 16);
            bufferView = null;
            java.util.Arrays.fill(slices, null);
        }
        long address = buffer.address() + offset;
        for (MemorySegment slice : slices) {
            if (slice != null && slice.byteSize() == bytes && slice.address() == address) {
                return slice;
            }
        }
        MemorySegment slice = buffer.asSlice(offset, bytes);
        slices[nextSlice] = slice;
        nextSlice = (nextSlice + 1) % SLICES;
        return slice;
    }

    /**
     * This thread's {@linkplain #scratch scratch memory} holding a copy of part of an array: a
     * platform thread's call from a {@code byte[]} copies the bytes here, with no segment made
     * for the array on each call.
     *
     * @param array the bytes
     * @param offset where they start
     * @param length how many
     * @return the scratch segment, exactly {@code length} long
     */
    public MemorySegment scratchCopy(byte[] array, int offset, int length) {
        MemorySegment s = scratch(length);
        MemorySegment.copy(array, offset, s, ValueLayout.JAVA_BYTE, 0, length);
        return s;
    }

    /**
     * Whether a platform thread's call should copy a buffer's bytes through its scratch memory
     * ({@link #scratchCopy(ByteBuffer, int)}, {@link #copyBack}) rather than make a segment of
     * the buffer for each call: a heap buffer up to {@code heapLimit} bytes (its bytes are copied
     * anyway), a direct one up to 4 KiB (above that, one segment per call weighs less than the
     * copy).
     *
     * @param b the buffer
     * @param length the bytes the call moves
     * @param heapLimit the most bytes of a heap buffer to copy this way
     * @return whether to copy
     */
    public static boolean copiesThroughScratch(ByteBuffer b, int length, int heapLimit) {
        return copiesThroughScratch(length, b.isDirect() ? COPY_DIRECT_UP_TO : heapLimit);
    }

    /**
     * Whether a platform thread's call should copy an array's bytes through its scratch memory
     * ({@link #scratchCopy(byte[], int, int)}, {@link #copyBack(byte[], int, int)}) rather than
     * make a heap segment of the array for each call: up to {@code limit} bytes. A virtual
     * thread never does: its bytes go through memory lent per attempt, not held while it parks.
     *
     * @param length the bytes the call moves
     * @param limit the most bytes to copy this way
     * @return whether to copy
     */
    public static boolean copiesThroughScratch(int length, int limit) {
        return length <= limit && !Thread.currentThread().isVirtual();
    }

    /**
     * This thread's scratch memory holding a copy of {@code length} bytes of a buffer from its
     * position, which stays where it is.
     *
     * @param src the buffer
     * @param length how many bytes, at most its remaining
     * @return the scratch segment, exactly {@code length} long
     */
    public MemorySegment scratchCopy(ByteBuffer src, int length) {
        MemorySegment s = scratch(length);
        copyToScratch(0, src, length);
        return s;
    }

    /**
     * Copies {@code length} bytes of a buffer from its position, which stays where it is, into
     * this thread's scratch memory at {@code at}, which a {@link #scratch(long, long)} of this
     * call made room for.
     *
     * @param at where the bytes go in the scratch memory
     * @param src the buffer
     * @param length how many bytes, at most its remaining
     */
    public void copyToScratch(int at, ByteBuffer src, int length) {
        view().put(at, src, src.position(), length);
    }

    /**
     * Copies {@code length} bytes from the start of this thread's scratch memory into a buffer
     * at its position, which stays where it is: what a call read into {@link #scratch(long)}.
     *
     * @param dst the buffer
     * @param length how many bytes, at most its remaining
     */
    public void copyBack(ByteBuffer dst, int length) {
        dst.put(dst.position(), view(), 0, length);
    }

    /**
     * Copies {@code length} bytes from the start of this thread's scratch memory into an
     * array: what a call read into {@link #scratch(long)}.
     *
     * @param dst the array
     * @param offset where the bytes go in it
     * @param length how many bytes
     */
    public void copyBack(byte[] dst, int offset, int length) {
        MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, dst, offset, length);
    }

    private ByteBuffer view() {
        ByteBuffer v = bufferView;
        if (v == null) {
            v = buffer.asByteBuffer();
            bufferView = v;
        }
        return v;
    }

    /** {@return whether this is a virtual thread's record} */
    boolean isVirtual() {
        return !platform;
    }

    /** Enters a call: sets IN_CALL under a new call number. Called by the engine only. */
    long beginCall() {
        if (platform && pthread == 0) {
            pthread = ThreadSignal.current();
        }
        long s = ((long) STATE.getVolatile(this) & ~(IN_CALL | SIGNALING)) + ONE_CALL;
        STATE.setVolatile(this, s | IN_CALL);
        return s | IN_CALL;
    }

    /** Leaves the call: waits for a signal being sent to finish. Called by the engine only. */
    void endCall() {
        while (true) {
            long s = (long) STATE.getVolatile(this);
            if ((s & SIGNALING) == 0 && STATE.compareAndSet(this, s, s & ~IN_CALL)) {
                return;
            }
            Thread.onSpinWait(); // another thread is signalling this one right now
        }
    }

    /**
     * Sends the engine's signal to this thread if it is still in the call {@code call} names,
     * so that the system call it blocks in returns EINTR.
     *
     * @param call what {@link #beginCall()} returned, or 0 for whatever call it is in
     * @return whether the thread was in that call (and was signalled)
     */
    boolean signal(long call) {
        long s = (long) STATE.getVolatile(this);
        if ((s & IN_CALL) == 0 || (call != 0 && (s & ~SIGNALING) != call)) {
            return false;
        }
        if (!platform) {
            LockSupport.unpark(thread); // a virtual thread waits parked, never in a system call
            return true;
        }
        if ((s & SIGNALING) != 0 || !STATE.compareAndSet(this, s, s | SIGNALING)) {
            return true; // being signalled by another thread this very moment
        }
        ThreadSignal.interrupt(pthread);
        STATE.setVolatile(this, s);
        return true;
    }

    /** {@return the current call's number, 0 when not in a call} */
    long currentCall() {
        long s = (long) STATE.getVolatile(this);
        return (s & IN_CALL) == 0 ? 0 : s & ~SIGNALING;
    }

    /**
     * Signals this thread until it leaves the call {@code call} names, without making the caller
     * wait: a signal that lands just before the thread enters its system call is lost, so the
     * engine's timer repeats it with a growing pause.
     */
    void signalUntilLeft(long call) {
        if (call != 0 && signal(call) && platform) { // an unpark is never lost: no repeat
            resignal(call, RESIGNAL_FIRST_NANOS);
        }
    }

    private void resignal(long call, long delayNanos) {
        WakeTimer.schedule(() -> {
            if (signal(call)) {
                resignal(call, Math.min(delayNanos * 2, RESIGNAL_MAX_NANOS));
            }
        }, delayNanos);
    }

    /**
     * Arms the interrupt hook for a call: from now until {@link #disarmInterrupt()},
     * {@link Thread#interrupt()} marks this record interrupted and signals the thread (and closes
     * the object first if the blocker says so). If the thread is interrupted already, the hook
     * fires at once.
     */
    void armInterrupt(Blocker blocker) {
        interrupted = false;
        if (hook == null) {
            hook = new InterruptHook(this);
        }
        hook.arm(blocker);
    }

    /** Disarms the hook; replaces it if it fired (a fired hook is spent). */
    void disarmInterrupt() {
        if (hook.disarm()) {
            hook = new InterruptHook(this);
        }
    }

    /** Called by the hook, on the interrupting thread (or this one, if interrupted already). */
    void onInterrupt(Blocker blocker) {
        interrupted = true;
        if (blocker != null && blocker.closesOnInterrupt()) {
            blocker.closeOwner(); // a channel: closing it releases this thread and every other
        } else {
            signalUntilLeft(currentCall());
        }
    }
}
