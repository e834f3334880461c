package org.panamaipc;

import java.io.IOException;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.Sys;
import org.panamaipc.internal.UseCount;

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
    private final int fd;
    private final UseCount uses = new UseCount() {
        @Override
        protected void release() {
            Sys.close(fd);
        }
    };

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
        if (!uses.tryEnter()) {
            throw closed();
        }
        return fd;
    }

    /** Ends a use begun by {@link #acquire()}; closes the descriptor if it was closed meanwhile. */
    public void release() {
        uses.exit();
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
        return uses.isOpen();
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
        if (!uses.detach()) {
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
        uses.close();
    }

    private IllegalStateException closed() {
        return new IllegalStateException("fd=" + fd + " is closed");
    }

    @Override
    public String toString() {
        return "OwnedFd[fd=" + fd + (isOpen() ? "]" : ", closed]");
    }
}
