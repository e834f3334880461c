package org.panamaipc.sync;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.panamaipc.Interest;
import org.panamaipc.OwnedFd;
import org.panamaipc.DescriptorKind;
import org.panamaipc.Waitable;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.FdUse;
import org.panamaipc.internal.FdKinds;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.PipeCalls;
import org.panamaipc.internal.Sys;
import org.panamaipc.internal.SyncCalls;
import org.panamaipc.internal.Waiter;

/**
 * An eventfd: a 64-bit counter in the kernel behind a descriptor. {@link #signal(long)} adds
 * to it; {@link #await()} waits until it is non-zero, then takes it — all of it (counter
 * mode) or 1 ({@link Mode#SEMAPHORE}). The descriptor is pollable and can be shared with
 * another process by inheritance or by passing it over a Unix socket ({@link #fd()},
 * {@link #adopt}).
 *
 * <p>The descriptor starts in blocking mode, as C's {@code eventfd(initval, EFD_CLOEXEC)}, so
 * that {@link #await()} on a platform thread is the one blocking {@code read} C makes (and
 * {@link #signal(long)} one {@code write}); {@link #close()} and interrupt still release it. A
 * read that must not wait ({@link #tryAwait()}, a virtual thread's attempt before it parks) is a
 * {@code preadv2(RWF_NOWAIT)}, which leaves the mode alone. A write that must not wait
 * ({@link #trySignal(long)}, {@link #signal(long, Duration)}, a signal on a virtual thread) has no
 * such form: the first one switches the descriptor to non-blocking, once, as the JDK's channels
 * do when a virtual thread first uses them. The mode belongs to the open file and is shared with
 * every process holding the descriptor; the calls here wait correctly in either mode, so a
 * process that changes it changes only how many system calls a wait takes. It is close-on-exec.
 *
 * <p>{@link Thread#interrupt()} ends a wait promptly with {@link InterruptedIOException}:
 * the eventfd stays open, the thread's interrupt status stays set, and nothing was taken from
 * (or added to) the counter.
 *
 * <pre>{@code
 * try (EventFd event = EventFd.create(0, EventFd.Mode.COUNTER)) {
 *     event.signal(3);
 *     long n = event.await();   // 3
 * }
 * }</pre>
 *
 * <h2>Lifetime</h2>
 * {@link #close()} closes the descriptor (after the last call in flight) and releases every
 * thread blocked in {@link #await()} or {@link #signal(long)} with
 * {@link AsynchronousCloseException}. Use after close throws
 * {@link IllegalStateException}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/eventfd.2.html">eventfd(2)</a>
 */
public final class EventFd implements Waitable, AutoCloseable {
    private static final Set<Interest> OFFERS =
            Collections.unmodifiableSet(EnumSet.of(Interest.READABLE, Interest.WRITABLE));

    /**
     * The largest value the counter holds, 2<sup>64</sup> - 2. Counter values are unsigned
     * 64-bit numbers held in a {@code long}, as {@link Long#toUnsignedString(long)} reads them:
     * this one is {@code -2L}, and {@link #signal(long) signal(MAX_VALUE)} adds it.
     */
    public static final long MAX_VALUE = 0xffff_ffff_ffff_fffeL;

    /** What a read takes from the counter. */
    public enum Mode {
        /** A read takes the whole counter and returns it. */
        COUNTER,
        /** {@code EFD_SEMAPHORE}: a read takes 1 and returns 1. */
        SEMAPHORE
    }

    /** The C library's values, read only once native access was checked ({@link NativeAccess}). */
    private static final class Native {
        static final int EAGAIN = LibC.EAGAIN();
        static final int ETIMEDOUT = LibC.ETIMEDOUT();
        static final int EOPNOTSUPP = LibC.EOPNOTSUPP();
        static final int O_NONBLOCK = LibC.O_NONBLOCK();
    }

    private static final long COUNTER_BYTES = 8;

    private final OwnedFd fd;
    private final Mode mode;
    private final Blocker blocker;
    /** Whether this object set (or found) {@code O_NONBLOCK}: a write that must not wait may then be tried. */
    private volatile boolean nonBlocking;
    /**
     * The {@code y} argument of {@link PipeCalls#read}: 0 while reads that must not wait use
     * {@code RWF_NOWAIT}; {@link PipeCalls#NON_BLOCKING} once the kernel refused it (before
     * Linux 5.12 an eventfd had no {@code read_iter}), after the switch to non-blocking mode.
     */
    private volatile long readFlags;

    private EventFd(OwnedFd fd, Mode mode, boolean nonBlocking) {
        this.fd = fd;
        this.mode = mode;
        this.nonBlocking = nonBlocking;
        this.blocker = Blocker.forDescriptor("eventfd fd=" + fd.get(), fd);
    }

    /**
     * Creates an eventfd.
     *
     * @param initialValue the counter's first value, 0 to 2<sup>32</sup> - 1
     * @param mode counter or semaphore
     * @return the eventfd
     * @throws IOException (EMFILE, ENFILE) if no descriptor is free
     * @see <a href="https://man7.org/linux/man-pages/man2/eventfd.2.html">eventfd(2)</a>
     */
    public static EventFd create(long initialValue, Mode mode) throws IOException {
        NativeAccess.require();
        Check.notNull("mode", mode);
        if (initialValue < 0 || initialValue > 0xffff_ffffL) {
            throw new IllegalArgumentException("initialValue=" + initialValue + " must be 0 to " + 0xffff_ffffL);
        }
        int flags = LibC.EFD_CLOEXEC() | (mode == Mode.SEMAPHORE ? LibC.EFD_SEMAPHORE() : 0);
        int r = SyncCalls.eventfd((int) initialValue, flags);
        if (r < 0) {
            throw Errors.of("eventfd", initialValue + ", " + mode, -r);
        }
        return new EventFd(OwnedFd.adopt(r), mode, false);
    }

    /**
     * Takes ownership of an eventfd descriptor that this process inherited or received. Its
     * mode (blocking or not) stays as the process that made it set it.
     *
     * <p><b>Lifetime.</b> The number is detached from {@code fd} (so that closing {@code fd},
     * or the received message that held it, no longer closes it): close the returned object.
     *
     * @param fd the descriptor
     * @param mode the mode it was created in (the kernel does not report it)
     * @return the eventfd
     * @throws IllegalArgumentException if the descriptor is not an eventfd (the message says
     *         what it is and what it can become, see {@link org.panamaipc.DescriptorKind});
     *         {@code fd} then stays open
     * @throws IllegalStateException if {@code fd} is closed or in use
     * @throws IOException if {@code fstat} or {@code fcntl} fails
     */
    public static EventFd adopt(OwnedFd fd, Mode mode) throws IOException {
        NativeAccess.require();
        Check.notNull("fd", fd);
        Check.notNull("mode", mode);
        FdKinds.require(fd, "EventFd.adopt", "an eventfd", DescriptorKind.EVENTFD);
        int raw = FdUse.enter(fd);
        boolean nonBlocking;
        try {
            nonBlocking = (FdKinds.statusFlags(raw) & Native.O_NONBLOCK) != 0;
        } finally {
            FdUse.exit(fd);
        }
        return new EventFd(OwnedFd.adopt(fd.detach()), mode, nonBlocking);
    }

    /** {@return the descriptor, to pass to another process or poll; owned by this object} */
    @Override
    public OwnedFd fd() {
        return fd;
    }

    /** {@return what a read takes} */
    public Mode mode() {
        return mode;
    }

    /** {@return whether {@link #close()} has not been called} */
    public boolean isOpen() {
        return fd.isOpen();
    }

    /** {@return how many threads of this process are blocked on this handle now} */
    int waiting() {
        return blocker.waiting();
    }

    /**
     * Adds to the counter, waiting while that would overflow it.
     *
     * @param value 0 to {@link #MAX_VALUE}, unsigned (0 is allowed and does nothing)
     * @throws IllegalArgumentException if {@code value} is 2<sup>64</sup> - 1 ({@code -1L})
     * @throws AsynchronousCloseException if closed by another thread while waiting
     * @throws InterruptedIOException if the thread was interrupted (nothing added; still open)
     * @throws IllegalStateException if closed
     * @throws IOException on a failure of {@code write}
     * @see <a href="https://man7.org/linux/man-pages/man2/eventfd.2.html">eventfd(2)</a>
     */
    public void signal(long value) throws IOException {
        if (!signal(value, Deadline.NONE)) {
            throw new AssertionError("an unlimited wait timed out");
        }
    }

    /**
     * Adds to the counter if that does not overflow it, without waiting.
     *
     * @param value 0 to {@link #MAX_VALUE}, unsigned
     * @return true if added, false if the counter would overflow
     * @throws IllegalArgumentException if {@code value} is 2<sup>64</sup> - 1 ({@code -1L})
     * @throws IllegalStateException if closed
     * @throws IOException on a failure of {@code write}
     * @see <a href="https://man7.org/linux/man-pages/man2/eventfd.2.html">eventfd(2)</a>
     */
    public boolean trySignal(long value) throws IOException {
        checkValue(value);
        int raw = blocker.enter();
        try {
            writesMustNotWait(raw);
            return result(Sys.write(raw, counter(value), COUNTER_BYTES), "write") != 0;
        } finally {
            blocker.exit();
        }
    }

    /**
     * Adds to the counter, waiting at most {@code timeout} while that would overflow it.
     *
     * @param value 0 to {@link #MAX_VALUE}, unsigned
     * @param timeout how long to wait, not negative
     * @return true if added, false on timeout
     * @throws IllegalArgumentException if {@code value} is 2<sup>64</sup> - 1 ({@code -1L}) or
     *         {@code timeout} is negative
     * @throws AsynchronousCloseException if closed by another thread while waiting
     * @throws InterruptedIOException if the thread was interrupted (nothing added; still open)
     * @throws IllegalStateException if closed
     * @throws IOException on a failure of {@code write} or {@code poll}
     * @see <a href="https://man7.org/linux/man-pages/man2/eventfd.2.html">eventfd(2)</a>
     */
    public boolean signal(long value, Duration timeout) throws IOException {
        return signal(value, Deadline.end(timeout));
    }

    private boolean signal(long value, long deadline) throws IOException {
        checkValue(value);
        if ((deadline != Deadline.NONE || Thread.currentThread().isVirtual()) && !nonBlocking) {
            // the engine tries such a write without waiting, and a blocking write has no form that does not
            int raw = blocker.enter();
            try {
                writesMustNotWait(raw);
            } finally {
                blocker.exit();
            }
        }
        long r = blocker.call(EventFd::write, 0, counter(value), MemorySegment.NULL, COUNTER_BYTES, 0, 0,
                deadline, Blocker.Timing.POLL_OUT);
        return result(r, "write") != 0;
    }

    /**
     * Waits until the counter is non-zero, then takes from it.
     *
     * @return the counter's value ({@link Mode#COUNTER}; unsigned) or 1 ({@link Mode#SEMAPHORE})
     * @throws AsynchronousCloseException if closed by another thread while waiting
     * @throws InterruptedIOException if the thread was interrupted (nothing taken; still open)
     * @throws IllegalStateException if closed
     * @throws IOException on a failure of {@code read} or {@code poll}
     * @see <a href="https://man7.org/linux/man-pages/man2/eventfd.2.html">eventfd(2)</a>
     */
    public long await() throws IOException {
        return await(Deadline.NONE);
    }

    /**
     * Takes from the counter if it is non-zero, without waiting.
     *
     * @return what was taken, or 0 if the counter was 0
     * @throws IllegalStateException if closed
     * @throws IOException on a failure of {@code read}
     * @see <a href="https://man7.org/linux/man-pages/man2/eventfd.2.html">eventfd(2)</a>
     */
    public long tryAwait() throws IOException {
        MemorySegment buf = Waiter.current().scratch(COUNTER_BYTES);
        while (true) {
            long flags = readFlags;
            long r = blocker.callNow(PipeCalls::read, buf, MemorySegment.NULL, COUNTER_BYTES, flags, 0);
            if (r == -Native.EOPNOTSUPP && flags == 0) {
                refuseRwfNoWait();
                continue;
            }
            return result(r, "read") == 0 ? 0 : buf.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /**
     * Waits at most {@code timeout} until the counter is non-zero, then takes from it.
     *
     * @param timeout how long to wait, not negative
     * @return what was taken, or 0 on timeout
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws AsynchronousCloseException if closed by another thread while waiting
     * @throws InterruptedIOException if the thread was interrupted (nothing taken; still open)
     * @throws IllegalStateException if closed
     * @throws IOException on a failure of {@code read} or {@code poll}
     * @see <a href="https://man7.org/linux/man-pages/man2/eventfd.2.html">eventfd(2)</a>
     */
    public long await(Duration timeout) throws IOException {
        return await(Deadline.end(timeout));
    }

    private long await(long deadline) throws IOException {
        MemorySegment buf = Waiter.current().scratch(COUNTER_BYTES);
        while (true) {
            // untimed on a platform thread: one blocking read(2), released by close and interrupt
            // through the engine's signal; otherwise attempts with RWF_NOWAIT between polls
            long flags = readFlags;
            long r = blocker.call(PipeCalls::read, 0, buf, MemorySegment.NULL, COUNTER_BYTES, flags, 0, deadline,
                    Blocker.Timing.POLL_IN);
            if (r == -Native.EOPNOTSUPP && flags == 0) {
                refuseRwfNoWait();
                continue;
            }
            return result(r, "read") == 0 ? 0 : buf.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** The kernel has no {@code RWF_NOWAIT} for this eventfd: non-blocking mode, and plain reads, from now on. */
    private void refuseRwfNoWait() throws IOException {
        int raw = blocker.enter();
        try {
            writesMustNotWait(raw);
        } finally {
            blocker.exit();
        }
        readFlags = PipeCalls.NON_BLOCKING;
    }

    /**
     * Switches the descriptor to non-blocking mode unless this object did already: a write
     * that must not wait is then a plain {@code write}. Once only; see the class comment.
     */
    private void writesMustNotWait(int raw) throws IOException {
        if (nonBlocking) {
            return;
        }
        FdKinds.setNonBlocking(raw, true);
        nonBlocking = true;
    }

    private static void checkValue(long value) {
        if (Long.compareUnsigned(value, MAX_VALUE) > 0) {
            throw new IllegalArgumentException("value=" + Long.toUnsignedString(value) + " (unsigned) exceeds MAX_VALUE="
                    + Long.toUnsignedString(MAX_VALUE));
        }
    }

    private static MemorySegment counter(long value) {
        MemorySegment buf = Waiter.current().scratch(COUNTER_BYTES);
        buf.set(ValueLayout.JAVA_LONG, 0, value);
        return buf;
    }

    /**
     * One {@code write} of the 8-byte counter: a BlockingCall. A call that must not wait
     * ({@code timeout} not {@code NULL}) comes only once the descriptor is non-blocking.
     */
    private static long write(int fd, MemorySegment buf, MemorySegment unused, long bytes, long y, long z,
            MemorySegment timeout) {
        return Sys.write(fd, buf, bytes);
    }

    /** {@return 8 if the counter was transferred, 0 if it would have blocked or timed out} */
    private long result(long r, String call) throws IOException {
        if (r == COUNTER_BYTES) {
            return r;
        }
        if (r == -Native.EAGAIN || r == -Native.ETIMEDOUT) {
            return 0;
        }
        throw Errors.of(call, fd.toString(), r < 0 ? (int) -r : LibC.EIO());
    }

    /**
     * Closes the descriptor (after the last call in flight), releasing threads blocked in
     * {@link #await()} or {@link #signal(long)}; idempotent.
     *
     * @see <a href="https://man7.org/linux/man-pages/man2/close.2.html">close(2)</a>
     */
    @Override
    public void close() {
        blocker.close();
    }

    /**
     * {@return what a {@link org.panamaipc.WaitSet} can wait for on this eventfd:
     *     {@link Interest#READABLE} (the counter is not zero) and
     *     {@link Interest#WRITABLE} (1 can be added)}
     */
    @Override
    public Set<Interest> interests() {
        return OFFERS;
    }

    @Override
    public String toString() {
        return "EventFd[" + fd + ", " + mode + "]";
    }
}
