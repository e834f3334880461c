package org.panamaipc;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.Sys;

/**
 * A file descriptor owned by exactly one Java object, closed exactly once.
 *
 * <p>Descriptors this library opens are close-on-exec. {@link #close()} is idempotent and
 * safe from any thread: a call that is using the descriptor ({@link #acquire()} ...
 * {@link #release()}) keeps the number from being closed, and so from being reused by an
 * unrelated {@code open}, until it is done; the descriptor is closed by whichever of
 * {@code close()} and the last {@code release()} comes last. Waking a thread that is
 * blocked on the descriptor is the job of the mechanism that blocks.
 *
 * <p>An owned descriptor is never cloned: {@link #dup()} makes a second owned descriptor
 * for the same open file, and {@link #detach()} hands the number to the caller.
 *
 * <pre>{@code
 * try (OwnedFd fd = OwnedFd.adopt(rawFd)) {
 *     OwnedFd copy = fd.dup();          // closes separately
 *     ...
 * }
 * }</pre>
 */
public final class OwnedFd implements AutoCloseable {
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(OwnedFd.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // state: users in flight << 2 | RELEASED | CLOSING
    private static final int CLOSING = 1;
    private static final int RELEASED = 2;
    private static final int ONE_USER = 4;

    private final int fd;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    private OwnedFd(int fd) {
        this.fd = fd;
    }

    /**
     * Takes ownership of a raw descriptor: from now on this object closes it.
     *
     * @param fd an open descriptor, not owned by anything else
     * @return the owner
     * @throws IllegalArgumentException if {@code fd} is negative
     */
    public static OwnedFd adopt(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("fd=" + fd + " must not be negative");
        }
        return new OwnedFd(fd);
    }

    /**
     * Marks the descriptor in use by a call, so that a concurrent {@link #close()} waits
     * for the call to {@link #release()} it. Allocates nothing.
     *
     * @return the descriptor's number, valid until {@link #release()}
     * @throws IllegalStateException if the descriptor is closed
     */
    public int acquire() {
        int s;
        do {
            s = (int) STATE.getVolatile(this);
            if ((s & CLOSING) != 0) {
                throw closed();
            }
        } while (!STATE.weakCompareAndSet(this, s, s + ONE_USER));
        return fd;
    }

    /** Ends a use begun by {@link #acquire()}; closes the descriptor if it was closed meanwhile. */
    public void release() {
        int s = (int) STATE.getAndAdd(this, -ONE_USER) - ONE_USER;
        if (s == CLOSING) {
            closeOnce();
        }
    }

    /**
     * The descriptor's number, for a moment: prefer {@link #acquire()} around a call.
     *
     * @return the number
     * @throws IllegalStateException if the descriptor is closed
     */
    public int get() {
        if (!isOpen()) {
            throw closed();
        }
        return fd;
    }

    /** {@return whether {@link #close()} or {@link #detach()} has not been called yet} */
    public boolean isOpen() {
        return ((int) STATE.getVolatile(this) & CLOSING) == 0;
    }

    /**
     * Duplicates the descriptor ({@code fcntl(F_DUPFD_CLOEXEC)}): the copy refers to the
     * same open file and is closed separately.
     *
     * @return a new owned descriptor
     * @throws IOException if the process is out of descriptors (EMFILE)
     * @throws IllegalStateException if this descriptor is closed
     */
    public OwnedFd dup() throws IOException {
        int n = acquire();
        try {
            int r = Sys.fcntl(n, LibC.F_DUPFD_CLOEXEC(), 0);
            if (r < 0) {
                throw Errors.of("fcntl", "fd=" + n + ", F_DUPFD_CLOEXEC", -r);
            }
            return new OwnedFd(r);
        } finally {
            release();
        }
    }

    /**
     * Gives up ownership without closing: the caller must close the returned number.
     *
     * @return the descriptor's number
     * @throws IllegalStateException if the descriptor is closed or in use by a call
     */
    public int detach() {
        if (!STATE.compareAndSet(this, 0, CLOSING | RELEASED)) {
            throw isOpen()
                    ? new IllegalStateException("fd=" + fd + " is in use and cannot be detached")
                    : closed();
        }
        return fd;
    }

    /**
     * Closes the descriptor, once; later calls do nothing. If a call is using it, the
     * descriptor is closed when that call releases it. A failing {@code close(2)} is not
     * reported: Linux has released the descriptor whatever it returns.
     */
    @Override
    public void close() {
        int s;
        do {
            s = (int) STATE.getVolatile(this);
            if ((s & CLOSING) != 0) {
                return;
            }
        } while (!STATE.weakCompareAndSet(this, s, s | CLOSING));
        if (s == 0) {
            closeOnce();
        }
    }

    private void closeOnce() {
        if (STATE.compareAndSet(this, CLOSING, CLOSING | RELEASED)) {
            Sys.close(fd);
        }
    }

    private IllegalStateException closed() {
        return new IllegalStateException("fd=" + fd + " is closed");
    }

    @Override
    public String toString() {
        return "OwnedFd[fd=" + fd + (isOpen() ? "]" : ", closed]");
    }
}
