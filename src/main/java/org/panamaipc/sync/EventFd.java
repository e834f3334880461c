package org.panamaipc.sync;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.pollfd;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.Sys;
import org.panamaipc.internal.SyncCalls;
import org.panamaipc.internal.Waiters;

/**
 * An eventfd: a 64-bit counter in the kernel behind a descriptor. {@link #signal(long)} adds
 * to it; {@link #await()} waits until it is non-zero, then takes it — all of it (counter
 * mode) or 1 ({@link Mode#SEMAPHORE}). The descriptor is pollable and can be shared with
 * another process by inheritance or by passing it over a Unix socket ({@link #fd()},
 * {@link #adopt}).
 *
 * <p>The descriptor is always non-blocking ({@code EFD_NONBLOCK}, so that a process it is
 * shared with never blocks on it unawares); the waiting forms here wait in {@code poll}.
 * It is close-on-exec.
 *
 * <pre>{@code
 * try (EventFd event = EventFd.create(0, EventFd.Mode.COUNTER)) {
 *     event.signal(3);
 *     long n = event.await();   // 3
 * }
 * }</pre>
 *
 * <h2>Lifetime</h2>
 * {@link #close()} closes the descriptor and releases a thread blocked in {@link #await()}
 * with {@link AsynchronousCloseException}. Use after close throws
 * {@link IllegalStateException}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/eventfd.2.html">eventfd(2)</a>
 */
public final class EventFd implements AutoCloseable {
    /** The largest value the counter holds, 2<sup>64</sup> - 2, as an unsigned long. */
    public static final long MAX_VALUE = 0xffff_ffff_ffff_fffeL;

    /** What a read takes from the counter. */
    public enum Mode {
        /** A read takes the whole counter and returns it. */
        COUNTER,
        /** {@code EFD_SEMAPHORE}: a read takes 1 and returns 1. */
        SEMAPHORE
    }

    private static final short POLLIN = (short) LibC.POLLIN();
    private static final short POLLOUT = (short) LibC.POLLOUT();
    private static final long POLLFD_OFFSET = 16;

    private final OwnedFd fd;
    private final Mode mode;
    private final Waiters waiters = new Waiters();

    private EventFd(OwnedFd fd, Mode mode) {
        this.fd = fd;
        this.mode = mode;
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
        Check.notNull("mode", mode);
        if (initialValue < 0 || initialValue > 0xffff_ffffL) {
            throw new IllegalArgumentException("initialValue=" + initialValue + " must be 0 to " + 0xffff_ffffL);
        }
        int flags = LibC.EFD_CLOEXEC() | LibC.EFD_NONBLOCK() | (mode == Mode.SEMAPHORE ? LibC.EFD_SEMAPHORE() : 0);
        int r = SyncCalls.eventfd((int) initialValue, flags);
        if (r < 0) {
            throw Errors.of("eventfd", initialValue + ", " + mode, -r);
        }
        return new EventFd(OwnedFd.adopt(r), mode);
    }

    /**
     * Takes ownership of an eventfd descriptor that this process inherited or received.
     * Makes it non-blocking (which the process sharing it sees too).
     *
     * @param fd the descriptor, owned from now on by the returned object
     * @param mode the mode it was created in (the kernel does not report it)
     * @return the eventfd
     * @throws IOException if {@code fcntl} fails (EBADF: not an open descriptor)
     */
    public static EventFd adopt(OwnedFd fd, Mode mode) throws IOException {
        Check.notNull("fd", fd);
        Check.notNull("mode", mode);
        int raw = fd.acquire();
        try {
            int flags = Sys.fcntl(raw, LibC.F_GETFL(), 0);
            if (flags >= 0) {
                flags = Sys.fcntl(raw, LibC.F_SETFL(), flags | LibC.O_NONBLOCK());
            }
            if (flags < 0) {
                throw Errors.of("fcntl", "fd=" + raw + ", F_SETFL, O_NONBLOCK", -flags);
            }
        } finally {
            fd.release();
        }
        return new EventFd(fd, mode);
    }

    /** {@return the descriptor, to pass to another process; owned by this object} */
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

    /**
     * Adds to the counter, waiting while that would overflow it.
     *
     * @param value 1 to {@link Long#MAX_VALUE} (0 is allowed and does nothing)
     * @throws AsynchronousCloseException if closed by another thread while waiting
     * @throws IllegalStateException if closed
     * @throws IOException on a failure of {@code write}
     */
    public void signal(long value) throws IOException {
        if (!signal(value, Waits.FOREVER)) {
            throw new IllegalStateException("an unlimited wait timed out");
        }
    }

    /**
     * Adds to the counter if that does not overflow it, without waiting.
     *
     * @param value 0 to {@link Long#MAX_VALUE}
     * @return true if added, false if the counter would overflow
     * @throws IllegalStateException if closed
     * @throws IOException on a failure of {@code write}
     */
    public boolean trySignal(long value) throws IOException {
        return signal(value, Duration.ZERO);
    }

    /**
     * Adds to the counter, waiting at most {@code timeout} while that would overflow it.
     *
     * @param value 0 to {@link Long#MAX_VALUE}
     * @param timeout how long to wait, not negative
     * @return true if added, false on timeout
     * @throws AsynchronousCloseException if closed by another thread while waiting
     * @throws IllegalStateException if closed
     * @throws IOException on a failure of {@code write}
     */
    public boolean signal(long value, Duration timeout) throws IOException {
        Check.notNegative("value", value);
        Deadline deadline = Waits.deadline(timeout);
        int raw = fd.acquire();
        try {
            MemorySegment buf = SyncCalls.scratch();
            while (true) {
                buf.set(ValueLayout.JAVA_LONG, 0, value);
                long r = Sys.write(raw, buf, 8);
                if (r == 8) {
                    return true;
                }
                if (r != -Sys.EAGAIN && r != -Sys.EINTR) {
                    throw Errors.of("write", "eventfd=" + raw + ", " + value, (int) -r);
                }
                if (!poll(raw, POLLOUT, deadline)) {
                    return false;
                }
            }
        } finally {
            fd.release();
        }
    }

    /**
     * Waits until the counter is non-zero, then takes from it.
     *
     * @return the counter's value ({@link Mode#COUNTER}; unsigned) or 1 ({@link Mode#SEMAPHORE})
     * @throws AsynchronousCloseException if closed by another thread while waiting
     * @throws IllegalStateException if closed
     * @throws IOException on a failure of {@code read} or {@code poll}
     */
    public long await() throws IOException {
        return await(Waits.FOREVER);
    }

    /**
     * Takes from the counter if it is non-zero, without waiting.
     *
     * @return what was taken, or 0 if the counter was 0
     * @throws IllegalStateException if closed
     * @throws IOException on a failure of {@code read}
     */
    public long tryAwait() throws IOException {
        return await(Duration.ZERO);
    }

    /**
     * Waits at most {@code timeout} until the counter is non-zero, then takes from it.
     *
     * @param timeout how long to wait, not negative
     * @return what was taken, or 0 on timeout
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws AsynchronousCloseException if closed by another thread while waiting
     * @throws IllegalStateException if closed
     * @throws IOException on a failure of {@code read} or {@code poll}
     */
    public long await(Duration timeout) throws IOException {
        Deadline deadline = Waits.deadline(timeout);
        int raw = fd.acquire();
        try {
            MemorySegment buf = SyncCalls.scratch();
            while (true) {
                long r = Sys.read(raw, buf, 8);
                if (r == 8) {
                    return buf.get(ValueLayout.JAVA_LONG, 0);
                }
                if (r != -Sys.EAGAIN && r != -Sys.EINTR) {
                    throw Errors.of("read", "eventfd=" + raw, (int) -r);
                }
                if (!poll(raw, POLLIN, deadline)) {
                    return 0;
                }
            }
        } finally {
            fd.release();
        }
    }

    private boolean poll(int raw, short events, Deadline deadline) throws IOException {
        if (deadline.expired()) {
            return false;
        }
        MemorySegment pfd = SyncCalls.scratch().asSlice(POLLFD_OFFSET, pollfd.sizeof());
        int slot = waiters.enter();
        try {
            while (true) {
                if (!fd.isOpen()) {
                    throw new AsynchronousCloseException();
                }
                pollfd.fd(pfd, raw);
                pollfd.events(pfd, events);
                pollfd.revents(pfd, (short) 0);
                int r = Sys.poll(pfd, 1, deadline.remainingMillisForPoll());
                if (r > 0) {
                    return true;
                }
                if (r == 0) {
                    if (deadline.expired()) {
                        return false;
                    }
                    continue;
                }
                if (r != -Sys.EINTR) {
                    throw Errors.of("poll", "eventfd=" + raw, -r);
                }
            }
        } finally {
            waiters.exit(slot);
        }
    }

    /**
     * Closes the descriptor, releasing threads blocked in {@link #await()}; idempotent.
     */
    @Override
    public void close() {
        fd.close();
        waiters.wakeAll();
    }

    @Override
    public String toString() {
        return "EventFd[" + fd + ", " + mode + "]";
    }
}
