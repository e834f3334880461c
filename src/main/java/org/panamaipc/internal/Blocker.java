package org.panamaipc.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.pollfd;

/**
 * The blocking engine: the one place through which every call of the library that may block
 * runs, on a descriptor or on a kernel object without one. One {@code Blocker} belongs to one
 * object (a queue, a socket, a semaphore...) and owns:
 *
 * <ul>
 *   <li>the object's open state and the calls in flight on it ({@link #enter()} /
 *       {@link #exit()}): what the object frees on close is freed after the last call;</li>
 *   <li>the threads blocked on it, in a list of any length that costs nothing while they
 *       wait: {@link #close()} from another thread releases every one of them
 *       ({@link AsynchronousCloseException});</li>
 *   <li>interrupt: a {@link Thread#interrupt()} ends the call promptly. An object that is a
 *       {@link java.nio.channels.Channel} is closed by it, as the JDK's channels are
 *       ({@link ClosedByInterruptException}); any other object stays open and the call throws
 *       {@link InterruptedIOException}, the thread's interrupt status still set. A call that
 *       completed before the interrupt returns its result: nothing is consumed and lost;</li>
 *   <li>the deadline: EINTR is retried with the time that remains, in whichever form the
 *       system call takes its limit ({@link Timing}); a call the kernel cannot time is ended
 *       by the library's one timer at its deadline;</li>
 *   <li>virtual threads: a call on a descriptor is tried without blocking and the thread
 *       parks on the library's {@link Poller} until the descriptor is ready; a call with no
 *       descriptor (or one no poll can time, such as a file lock) waits on a platform thread of
 *       the {@link Offload} pool. Either way the carrier is free while the virtual thread
 *       waits. Platform threads block in the system call directly.</li>
 * </ul>
 *
 * <p>A blocking call is written as its system call, a {@link BlockingCall}, plus one line:
 *
 * <pre>{@code
 * long r = blocker.call(MqCalls::receive, 0, buf, prio, len, 0, 0, deadline, Timing.ABSOLUTE_REALTIME);
 * }</pre>
 *
 * <p>The result is the call's, or {@code -errno}; never {@code -EINTR}. A passed deadline is
 * {@code -ETIMEDOUT} whatever the system call reported, so the caller maps one value to its
 * timeout result ({@code null}, {@code false} or {@code 0}).
 */
public final class Blocker {
    /** How a call takes its time limit. */
    public enum Timing {
        /** The call has no limit: only {@link Deadline#NONE} may be passed. */
        UNTIMED,
        /** A {@code struct timespec} of the time left ({@code semtimedop}, {@code futex}). */
        RELATIVE,
        /** An absolute {@code CLOCK_REALTIME} time ({@code mq_timedreceive}, {@code sem_timedwait}). */
        ABSOLUTE_REALTIME,
        /**
         * An absolute {@code CLOCK_REALTIME} time, in slices of at most 50 ms: for calls that
         * glibc restarts after a signal ({@code pthread_mutex_timedlock},
         * {@code pthread_cond_timedwait}), so that close and interrupt are seen within a slice.
         * A slice that ends before the deadline is retried; for a condition it is a spurious
         * wake-up, which callers must accept anyway.
         */
        SLICED_ABSOLUTE_REALTIME,
        /**
         * As {@link #SLICED_ABSOLUTE_REALTIME}, an absolute {@code CLOCK_MONOTONIC} time: for a
         * condition initialised on the monotonic clock, so that a wall-clock step changes no wait.
         */
        SLICED_ABSOLUTE_MONOTONIC,
        /**
         * A descriptor that becomes readable: the call is tried without blocking (its
         * {@code timeout} argument is not {@code NULL}) and, while it returns EAGAIN, the engine
         * waits in {@code poll} until the descriptor is ready or the deadline passes. Without
         * a limit the call blocks itself, unless it returns EAGAIN (a non-blocking descriptor).
         */
        POLL_IN,
        /** As {@link #POLL_IN}, for a descriptor that becomes writable. */
        POLL_OUT,
        /**
         * The kernel has no timed form ({@code msgrcv}, {@code open} of a FIFO, {@code F_OFD_SETLKW}):
         * the library's timer signals the thread at the deadline.
         */
        TIMER
    }

    /** ETIMEDOUT, what {@link #call} returns once the deadline has passed. */
    public static final int ETIMEDOUT = LibC.ETIMEDOUT();
    private static final int EINTR = LibC.EINTR();
    private static final int EAGAIN = LibC.EAGAIN();
    private static final short POLLIN = (short) LibC.POLLIN();
    private static final short POLLOUT = (short) LibC.POLLOUT();
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final VarHandle FD_CLOSED;

    static {
        try {
            FD_CLOSED = MethodHandles.lookup().findVarHandle(Blocker.class, "fdClosed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String what;
    private final OwnedFd fd;
    private final UseCount uses;
    private final AutoCloseable channel;

    private Waiter head;
    @SuppressWarnings("unused") // accessed through FD_CLOSED
    private volatile boolean fdClosed;

    private Blocker(String what, OwnedFd fd, UseCount uses, AutoCloseable channel) {
        this.what = what;
        this.fd = fd;
        this.uses = uses;
        this.channel = channel;
    }

    /**
     * The engine for an object that owns a descriptor and is not a channel: use after close
     * is {@link IllegalStateException}, interrupt leaves it open.
     *
     * @param what the object, for messages ({@code "/orders"}, {@code "eventfd fd=7"})
     * @param fd the descriptor; closed by {@link #close()} after the last call
     * @return the engine
     */
    public static Blocker forDescriptor(String what, OwnedFd fd) {
        return new Blocker(what, Check.notNull("fd", fd), null, null);
    }

    /**
     * The engine for an object that is a {@link java.nio.channels.Channel}: use after close
     * is {@link ClosedChannelException}, and an interrupt closes the channel by calling
     * {@code channel.close()} (which must call {@link #close()}).
     *
     * @param what the object, for messages
     * @param fd the descriptor; closed by {@link #close()} after the last call
     * @param channel the channel that owns this engine
     * @return the engine
     */
    public static Blocker forChannel(String what, OwnedFd fd, AutoCloseable channel) {
        return new Blocker(what, Check.notNull("fd", fd), null, Check.notNull("channel", channel));
    }

    /**
     * The engine for an object with no descriptor (a System V object, a semaphore, a futex):
     * use after close is {@link IllegalStateException}, interrupt leaves it open.
     *
     * @param what the object, for messages
     * @param release what frees the object's resources, run once after close and the last
     *        call; {@code null} if there is nothing to free
     * @return the engine
     */
    public static Blocker forHandle(String what, Runnable release) {
        UseCount uses = new UseCount() {
            @Override
            protected void release() {
                if (release != null) {
                    release.run();
                }
            }
        };
        return new Blocker(what, null, uses, null);
    }

    /** {@return whether {@link #close()} has not been called} */
    public boolean isOpen() {
        return fd != null ? fd.isOpen() : uses.isOpen();
    }

    /**
     * Throws what {@link #enter()} throws for a closed object, and does nothing for an open
     * one: for a call that needs no use count because it never waits and the memory it
     * touches outlives the handle (an uncontended lock or unlock of shared memory).
     *
     * @throws ClosedChannelException for a channel that is closed
     * @throws IllegalStateException for any other object that is closed
     */
    public void checkOpen() throws ClosedChannelException {
        if (!isOpen()) {
            enter(); // throws: the object is closed
        }
    }

    /**
     * Registers a call in flight, so that what the object frees on close stays valid until
     * {@link #exit()}. Allocates nothing.
     *
     * @return the descriptor's number, or 0 for an engine without one
     * @throws ClosedChannelException for a channel that is closed
     * @throws IllegalStateException for any other object that is closed
     */
    public int enter() throws ClosedChannelException {
        if (fd != null) {
            try {
                return FdUse.enter(fd);
            } catch (IllegalStateException closed) {
                // reported below in the form this object's kind uses
            }
        } else if (uses.tryEnter()) {
            return 0;
        }
        if (channel != null) {
            throw new ClosedChannelException();
        }
        throw new IllegalStateException(what + " is closed");
    }

    /** Ends a call registered by {@link #enter()}. */
    public void exit() {
        if (fd != null) {
            FdUse.exit(fd);
        } else {
            uses.exit();
        }
    }

    /**
     * Runs a call that may block until it completes, the deadline passes, the object is
     * closed or the thread is interrupted; see the class comment.
     *
     * @param op the system call
     * @param handle passed to {@code op} for an engine without a descriptor (a System V id);
     *        ignored for one with a descriptor, which passes the descriptor's number
     * @param a passed to {@code op}
     * @param b passed to {@code op}
     * @param x passed to {@code op}
     * @param y passed to {@code op}
     * @param z passed to {@code op}
     * @param deadline from {@link Deadline#end}, or {@link Deadline#NONE}
     * @param timing how {@code op} takes its limit
     * @return the call's result, or {@code -errno}; {@code -ETIMEDOUT} once the deadline passed
     * @throws AsynchronousCloseException if another thread closed the object during the call
     * @throws ClosedByInterruptException if the thread was interrupted and the object is a channel
     * @throws InterruptedIOException if the thread was interrupted and the object is not a channel
     * @throws ClosedChannelException if the object, a channel, is closed
     * @throws IllegalStateException if the object, not a channel, is closed
     * @throws IOException if {@code poll} fails
     */
    public long call(BlockingCall op, int handle, MemorySegment a, MemorySegment b, long x, long y, long z,
            long deadline, Timing timing) throws IOException {
        int n = enter();
        try {
            return run(op, fd != null ? n : handle, a, null, false, b, x, y, z, deadline, timing);
        } finally {
            exit();
        }
    }

    /**
     * As {@link #call}, for a caller that has {@linkplain #enter() entered} already and makes
     * this call as one step of a longer wait of its own (a channel end's eventcount sleep):
     * the use count is the caller's, and a close since the caller entered is reported as one
     * during the call, with {@link AsynchronousCloseException}, not as a closed object. For an
     * engine without a descriptor ({@link #forHandle}).
     *
     * @param op the system call
     * @param handle passed to {@code op}
     * @param a passed to {@code op}
     * @param b passed to {@code op}
     * @param x passed to {@code op}
     * @param y passed to {@code op}
     * @param z passed to {@code op}
     * @param deadline from {@link Deadline#end}, or {@link Deadline#NONE}
     * @param timing how {@code op} takes its limit
     * @return the call's result, or {@code -errno}; {@code -ETIMEDOUT} once the deadline passed
     * @throws AsynchronousCloseException if another thread closed the object since the caller entered
     * @throws InterruptedIOException if the thread was interrupted
     * @throws IOException if the call fails otherwise
     */
    public long callEntered(BlockingCall op, int handle, MemorySegment a, MemorySegment b, long x, long y, long z,
            long deadline, Timing timing) throws IOException {
        if (fd != null) {
            throw new IllegalStateException(what + ": callEntered is for an engine without a descriptor");
        }
        return run(op, handle, a, null, false, b, x, y, z, deadline, timing);
    }

    /**
     * As {@link #call}, for a call whose buffer the caller holds on the heap (a {@code byte[]}):
     * the bytes go through native memory lent by the library for as short as it can, so that a
     * waiting thread holds none (on a virtual thread: only during each attempt that does not
     * block).
     *
     * @param op the system call; it gets the native buffer as {@code a}
     * @param heap the caller's bytes: what the call writes, or where what it reads goes
     * @param fill whether the call fills the buffer (a read) rather than takes its bytes (a write)
     * @param x passed to {@code op}
     * @param y passed to {@code op}
     * @param deadline from {@link Deadline#end}, or {@link Deadline#NONE}
     * @param timing how {@code op} takes its limit
     * @return the call's result (a read's are copied to {@code heap}), or {@code -errno}
     * @throws IOException as {@link #call}
     */
    public long callHeap(BlockingCall op, MemorySegment heap, boolean fill, long x, long y, long deadline,
            Timing timing) throws IOException {
        int n = enter();
        try {
            if (fd != null && Thread.currentThread().isVirtual()
                    && (timing == Timing.POLL_IN || timing == Timing.POLL_OUT)) {
                return run(op, n, MemorySegment.NULL, heap, fill, MemorySegment.NULL, x, y, 0, deadline, timing);
            }
            // a platform thread's own scratch memory (no allocation); a virtual thread's wait that
            // goes to a pool thread borrows from the pool for as long
            boolean lent = Thread.currentThread().isVirtual();
            MemorySegment bounce = lent ? BouncePool.lend(heap.byteSize()) : Waiter.current().scratch(heap.byteSize());
            try {
                if (!fill) {
                    MemorySegment.copy(heap, 0, bounce, 0, heap.byteSize());
                }
                long r = run(op, fd != null ? n : 0, bounce, null, false, MemorySegment.NULL, x, y, 0, deadline, timing);
                if (fill && r > 0) { // a datagram's MSG_TRUNC result may exceed the buffer
                    MemorySegment.copy(bounce, 0, heap, 0, Math.min(r, heap.byteSize()));
                }
                return r;
            } finally {
                if (lent) {
                    BouncePool.giveBack(bounce);
                }
            }
        } finally {
            exit();
        }
    }

    /**
     * Makes a call once without waiting (its {@code timeout} is not {@code NULL}): for objects
     * in non-blocking mode and {@code try} forms.
     *
     * @param op the system call
     * @param a passed to {@code op}
     * @param b passed to {@code op}
     * @param x passed to {@code op}
     * @param y passed to {@code op}
     * @param z passed to {@code op}
     * @return the call's result, or {@code -errno} ({@code -EAGAIN} if it would have to wait)
     * @throws ClosedChannelException for a channel that is closed
     * @throws IllegalStateException for any other object that is closed
     */
    public long callNow(BlockingCall op, MemorySegment a, MemorySegment b, long x, long y, long z)
            throws ClosedChannelException {
        int n = enter();
        try {
            return op.call(n, a, b, x, y, z, Deadline.EXPIRED);
        } finally {
            exit();
        }
    }

    /**
     * Waits until the descriptor is ready for {@code events}, the deadline passes, the object
     * is closed or the thread is interrupted.
     *
     * @param events {@code POLLIN} and/or {@code POLLOUT}
     * @param deadline from {@link Deadline#end}, or {@link Deadline#NONE}
     * @return whether it is ready; {@code false} once the deadline passed
     * @throws AsynchronousCloseException if another thread closed the object during the wait
     * @throws ClosedByInterruptException if interrupted, for a channel
     * @throws InterruptedIOException if interrupted, for anything else
     * @throws IOException if {@code poll} fails
     */
    public boolean awaitReady(int events, long deadline) throws IOException {
        long r = call(null, 0, MemorySegment.NULL, MemorySegment.NULL, events, 0, 0, deadline, Timing.UNTIMED);
        if (r < 0 && r != -ETIMEDOUT) {
            throw Errors.of("poll", what, (int) -r);
        }
        return r > 0;
    }

    private long run(BlockingCall op, int h, MemorySegment a, MemorySegment heap, boolean fill, MemorySegment b,
            long x, long y, long z, long deadline, Timing timing) throws IOException {
        if (timing == Timing.UNTIMED && deadline != Deadline.NONE && op != null) {
            throw new IllegalArgumentException("an untimed call with a deadline");
        }
        if (Thread.currentThread().isVirtual()) {
            if (fd != null && (op == null || timing == Timing.POLL_IN || timing == Timing.POLL_OUT)) {
                return runParked(op, h, a, heap, fill, b, x, y, z, deadline, timing);
            }
            if ((timing == Timing.RELATIVE || timing == Timing.ABSOLUTE_REALTIME) && op != null
                    && !Thread.currentThread().isInterrupted() && isOpen()) {
                // a limit that has passed makes the call a try: what need not wait costs no hand-over
                long r = op.call(h, a, b, x, y, z, Deadline.EXPIRED);
                if (r != -EAGAIN && r != -ETIMEDOUT && r != -EINTR) {
                    return r;
                }
                if (Deadline.expired(deadline)) {
                    return -ETIMEDOUT;
                }
            }
            return Offload.run(this, op, h, a, b, x, y, z, deadline, timing);
        }
        return runHere(op, h, a, b, x, y, z, deadline, timing);
    }

    /**
     * A virtual thread's wait on a descriptor: the call is tried without blocking and, while it
     * would have to, the thread parks on the {@link Poller} until the descriptor is ready, the
     * deadline passes, the object is closed or the thread interrupted; its carrier is free
     * meanwhile.
     */
    private long runParked(BlockingCall op, int h, MemorySegment a, MemorySegment heap, boolean fill,
            MemorySegment b, long x, long y, long z, long deadline, Timing timing) throws IOException {
        Waiter w = Waiter.current();
        if (w.blocker != null) {
            throw new IllegalStateException("a blocking call on " + this + " from inside one on " + w.blocker);
        }
        // No interrupt hook: Thread.interrupt() unparks a virtual thread, which looks at its
        // status after every park. (The hook's end() would take the thread's interrupt lock
        // where the JDK cannot unmount it: a pinned park on the way out.)
        w.interrupted = false;
        register(w);
        try {
            while (true) {
                if (!w.interrupted && Thread.currentThread().isInterrupted()) {
                    w.interrupted = true;
                    if (channel != null) {
                        closeOwner(); // as the JDK's channels: releases every other waiter too
                    }
                }
                checkNotClosedOrInterrupted(w);
                int events;
                if (op == null) { // awaitReady: look without waiting, then wait for the events asked
                    events = (short) x;
                    long p = pollMillis(w, h, (short) events, 0);
                    if (p != -ETIMEDOUT && p != -EINTR) {
                        return p;
                    }
                } else {
                    long r = heap == null ? op.call(h, a, b, x, y, z, Deadline.EXPIRED) // not NULL: do not block
                            : attemptThroughBounce(op, h, heap, fill, b, x, y, z);
                    if (r == -EINTR) {
                        continue;
                    }
                    if (r != -EAGAIN) {
                        return r;
                    }
                    events = timing == Timing.POLL_IN ? POLLIN : POLLOUT;
                }
                if (Deadline.expired(deadline)) {
                    return -ETIMEDOUT;
                }
                int e = Poller.park(w, fd, h, events, deadline);
                if (e < 0) {
                    return e;
                }
            }
        } finally {
            unregister(w);
        }
    }

    /** One attempt that does not block, through native memory lent for it alone. */
    private static long attemptThroughBounce(BlockingCall op, int h, MemorySegment heap, boolean fill,
            MemorySegment b, long x, long y, long z) {
        MemorySegment bounce = BouncePool.lend(heap.byteSize());
        try {
            if (!fill) {
                MemorySegment.copy(heap, 0, bounce, 0, heap.byteSize());
            }
            long r = op.call(h, bounce, b, x, y, z, Deadline.EXPIRED);
            if (fill && r > 0) {
                MemorySegment.copy(bounce, 0, heap, 0, Math.min(r, heap.byteSize()));
            }
            return r;
        } finally {
            BouncePool.giveBack(bounce);
        }
    }

    /** The wait on this thread itself, blocked in the system call: platform threads, and {@link Offload}. */
    long runHere(BlockingCall op, int h, MemorySegment a, MemorySegment b, long x, long y, long z,
            long deadline, Timing timing) throws IOException {
        Waiter w = Waiter.current();
        if (w.blocker != null) { // one record per thread: its list links cannot serve two calls
            throw new IllegalStateException("a blocking call on " + this + " from inside one on " + w.blocker);
        }
        w.armInterrupt(this); // fires now if the thread is interrupted already
        long call = register(w);
        ScheduledFuture<?> timer = null;
        try {
            if (timing == Timing.TIMER && deadline != Deadline.NONE) {
                timer = armTimer(w, call, deadline);
            }
            while (true) {
                checkNotClosedOrInterrupted(w);
                long r;
                if (op == null) { // awaitReady
                    r = poll(w, h, (short) x, deadline);
                } else {
                    r = op.call(h, a, b, x, y, z, timeout(w, deadline, timing));
                }
                if (r == -EINTR) {
                    if (Deadline.expired(deadline) && !w.interrupted && isOpen()) {
                        return -ETIMEDOUT;
                    }
                    continue;
                }
                if (r == -ETIMEDOUT && (timing == Timing.SLICED_ABSOLUTE_REALTIME
                        || timing == Timing.SLICED_ABSOLUTE_MONOTONIC)) {
                    checkNotClosedOrInterrupted(w); // a slice ended: close and interrupt come first
                    if (!Deadline.expired(deadline)) {
                        continue; // then wait on
                    }
                }
                if (r == -EAGAIN && (timing == Timing.POLL_IN || timing == Timing.POLL_OUT)) {
                    if (Deadline.expired(deadline)) {
                        return -ETIMEDOUT;
                    }
                    checkNotClosedOrInterrupted(w);
                    long p = poll(w, h, timing == Timing.POLL_IN ? POLLIN : POLLOUT, deadline);
                    if (p < 0 && p != -EINTR) {
                        return p;
                    }
                    continue;
                }
                return r;
            }
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
            unregister(w);
            w.disarmInterrupt();
        }
    }

    /**
     * One {@code poll} of the descriptor with the time left: >0 ready, -ETIMEDOUT, -errno. A
     * deadline already passed still looks once without waiting, so that a zero timeout asks
     * "is it ready now?" instead of always answering no.
     */
    private static long poll(Waiter w, int n, short events, long deadline) {
        return pollMillis(w, n, events, Deadline.pollMillis(deadline));
    }

    private static long pollMillis(Waiter w, int n, short events, int millis) {
        MemorySegment p = w.pollfd;
        pollfd.fd(p, n);
        pollfd.events(p, events);
        pollfd.revents(p, (short) 0);
        int r = Sys.poll(p, 1, millis);
        return r == 0 ? -ETIMEDOUT : r;
    }

    private static MemorySegment timeout(Waiter w, long deadline, Timing timing) {
        switch (timing) {
            case UNTIMED, TIMER:
                return MemorySegment.NULL;
            case POLL_IN, POLL_OUT:
                return deadline == Deadline.NONE ? MemorySegment.NULL : w.timespec;
            case RELATIVE:
                if (deadline == Deadline.NONE) {
                    return MemorySegment.NULL;
                }
                Deadline.writeRemaining(w.timespec, deadline);
                return w.timespec;
            case ABSOLUTE_REALTIME:
                if (deadline == Deadline.NONE) {
                    return MemorySegment.NULL;
                }
                Deadline.writeAbsoluteRealtime(w.timespec, deadline);
                return w.timespec;
            case SLICED_ABSOLUTE_REALTIME:
                long sliceEnd = System.nanoTime() + SLICE_NANOS;
                Deadline.writeAbsoluteRealtime(w.timespec,
                        deadline == Deadline.NONE || deadline - sliceEnd > 0 ? sliceEnd : deadline);
                return w.timespec;
            case SLICED_ABSOLUTE_MONOTONIC:
                long end = System.nanoTime() + SLICE_NANOS; // System.nanoTime is CLOCK_MONOTONIC
                if (deadline != Deadline.NONE && deadline - end < 0) {
                    end = deadline;
                }
                org.panamaipc.bindings.timespec.tv_sec(w.timespec, Math.floorDiv(end, 1_000_000_000L));
                org.panamaipc.bindings.timespec.tv_nsec(w.timespec, Math.floorMod(end, 1_000_000_000L));
                return w.timespec;
            default:
                throw new AssertionError(timing);
        }
    }

    private void checkNotClosedOrInterrupted(Waiter w) throws IOException {
        if (!isOpen()) {
            if (w.interrupted && channel != null) {
                throw new ClosedByInterruptException();
            }
            throw new AsynchronousCloseException();
        }
        if (w.interrupted) {
            if (channel != null) {
                throw new ClosedByInterruptException(); // closing is on its way
            }
            throw new InterruptedIOException("interrupted while blocked on " + what);
        }
    }

    private static ScheduledFuture<?> armTimer(Waiter w, long call, long deadline) {
        return WakeTimer.schedule(() -> {
            w.signalUntilLeft(call);
        }, Deadline.remainingNanos(deadline));
    }

    // ---------------------------------------------------------------- the waiter list

    private long register(Waiter w) {
        synchronized (this) {
            w.blocker = this;
            w.prev = null;
            w.next = head;
            if (head != null) {
                head.prev = w;
            }
            head = w;
            return w.beginCall();
        }
    }

    private void unregister(Waiter w) {
        w.endCall();
        synchronized (this) {
            if (w.prev != null) {
                w.prev.next = w.next;
            } else {
                head = w.next;
            }
            if (w.next != null) {
                w.next.prev = w.prev;
            }
            w.prev = null;
            w.next = null;
            w.blocker = null;
        }
    }

    /** {@return how many threads are blocked in a call on this object now} */
    public int waiting() {
        synchronized (this) {
            int count = 0;
            for (Waiter w = head; w != null; w = w.next) {
                count++;
            }
            return count;
        }
    }

    /**
     * Closes the object, once: marks it closed (its descriptor or resources are freed after
     * the last call in flight), then releases every thread blocked on it.
     *
     * @return whether this call closed it; false if it was closed already
     */
    public boolean close() {
        boolean closed;
        if (fd != null) {
            closed = FD_CLOSED.compareAndSet(this, false, true); // exactly one closer is told so
            fd.close();
        } else {
            closed = uses.close();
        }
        wakeAll();
        return closed;
    }

    /**
     * Signals every thread blocked on this object; call it after marking the object closed so
     * that the woken threads see it and leave. It does not wait for them: a signal that lands
     * just before a thread enters its system call is repeated by the timer until the thread has
     * left, and what the object frees waits for the last call anyway ({@link UseCount}). So a
     * closer may hold what a waiter needs to leave (the mutex of a condition wait) without
     * deadlock.
     */
    public void wakeAll() {
        synchronized (this) {
            for (Waiter w = head; w != null; w = w.next) {
                w.signalUntilLeft(w.currentCall());
            }
        }
    }

    boolean closesOnInterrupt() {
        return channel != null;
    }

    void closeOwner() {
        try {
            channel.close();
        } catch (Exception ignored) {
            // closing releases the waiters whatever it reports
        }
    }

    @Override
    public String toString() {
        return "Blocker[" + what + (isOpen() ? "" : ", closed") + "]";
    }
}
