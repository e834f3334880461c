package org.panamaipc.pipe;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.spi.AbstractInterruptibleChannel;
import java.nio.file.Path;
import org.panamaipc.BrokenPipeException;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.ProcFiles;
import org.panamaipc.internal.Sys;
import org.panamaipc.internal.Waiters;

/**
 * One end of a pipe or FIFO: an owned, close-on-exec descriptor with the settings both
 * directions share (capacity, blocking mode).
 *
 * <p><b>Closing.</b> {@link #close()} is idempotent and may be called from any thread: a
 * thread blocked in a read, write, splice or wait on this end is released and throws
 * {@link AsynchronousCloseException}. As for the JDK's channels, interrupting a thread
 * blocked on this end closes it, and the thread throws {@link ClosedByInterruptException}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/pipe.7.html">pipe(7)</a>
 */
public abstract sealed class PipeEnd extends AbstractInterruptibleChannel permits PipeSource, PipeSink {
    static final int EINTR = Sys.EINTR;
    static final int EAGAIN = Sys.EAGAIN;
    private static final Path PIPE_MAX_SIZE = Path.of("/proc/sys/fs/pipe-max-size");

    final OwnedFd fd;
    final Waiters waiters = new Waiters();

    PipeEnd(OwnedFd fd) {
        this.fd = fd;
    }

    /**
     * The descriptor, still owned by this end: to map it into a child process or to poll
     * it. Close the end, not the descriptor.
     *
     * @return the owned descriptor
     */
    public OwnedFd fd() {
        return fd;
    }

    /**
     * Closes the descriptor, once ({@link #close()} calls it); releases any thread blocked on
     * this end. When the last write end of a pipe closes, readers see end of file; when the
     * last read end closes, writers get {@link BrokenPipeException}.
     */
    @Override
    protected void implCloseChannel() {
        fd.close();
        waiters.wakeAll();
    }

    /**
     * The pipe's capacity in bytes ({@code fcntl(F_GETPIPE_SZ)}), 65536 by default.
     *
     * @return the capacity
     * @throws ClosedChannelException if this end is closed
     * @throws IOException if the call fails
     * @see <a href="https://man7.org/linux/man-pages/man2/fcntl.2.html">fcntl(2)</a>
     */
    public int capacity() throws IOException {
        int n = acquire();
        try {
            int r = Sys.fcntl(n, LibC.F_GETPIPE_SZ(), 0);
            if (r < 0) {
                throw Errors.of("fcntl", "fd=" + n + ", F_GETPIPE_SZ", -r);
            }
            return r;
        } finally {
            fd.release();
        }
    }

    /**
     * Sets the pipe's capacity ({@code fcntl(F_SETPIPE_SZ)}). The kernel rounds it up to a
     * power-of-two number of pages; an unprivileged process may not go beyond
     * {@link Pipe#maxCapacity()} ({@code /proc/sys/fs/pipe-max-size}).
     *
     * @param bytes the capacity wanted, positive
     * @return the capacity the kernel set, at least {@code bytes}
     * @throws IllegalArgumentException if {@code bytes} is not positive
     * @throws ClosedChannelException if this end is closed
     * @throws IOException EPERM when {@code bytes} exceeds the limit (the message names
     *         it), EBUSY when the pipe holds more data than the new capacity, or another
     *         failure of the call
     */
    public int setCapacity(int bytes) throws IOException {
        Check.positive("bytes", bytes);
        int n = acquire();
        try {
            int r = Sys.fcntl(n, LibC.F_SETPIPE_SZ(), bytes);
            if (r < 0) {
                String args = "fd=" + n + ", F_SETPIPE_SZ, " + bytes;
                if (-r == LibC.EPERM()) {
                    args += " > " + PIPE_MAX_SIZE + "=" + Pipe.maxCapacity();
                }
                throw Errors.of("fcntl", args, -r);
            }
            return r;
        } finally {
            fd.release();
        }
    }

    /**
     * {@return whether reads and writes wait ({@code O_NONBLOCK} clear)}
     *
     * @throws ClosedChannelException if this end is closed
     * @throws IOException if the call fails
     */
    public boolean isBlocking() throws IOException {
        int n = acquire();
        try {
            int flags = Sys.fcntl(n, LibC.F_GETFL(), 0);
            if (flags < 0) {
                throw Errors.of("fcntl", "fd=" + n + ", F_GETFL", -flags);
            }
            return (flags & LibC.O_NONBLOCK()) == 0;
        } finally {
            fd.release();
        }
    }

    /**
     * Makes reads and writes wait (the default) or return at once. The flag belongs to the
     * open file, so it is shared with every duplicate of the descriptor, in a child process
     * too.
     *
     * @param blocking whether to wait
     * @throws ClosedChannelException if this end is closed
     * @throws IOException if the call fails
     */
    public void setBlocking(boolean blocking) throws IOException {
        int n = acquire();
        try {
            int flags = Sys.fcntl(n, LibC.F_GETFL(), 0);
            if (flags < 0) {
                throw Errors.of("fcntl", "fd=" + n + ", F_GETFL", -flags);
            }
            int wanted = blocking ? flags & ~LibC.O_NONBLOCK() : flags | LibC.O_NONBLOCK();
            int r = Sys.fcntl(n, LibC.F_SETFL(), wanted);
            if (r < 0) {
                throw Errors.of("fcntl", "fd=" + n + ", F_SETFL", -r);
            }
        } finally {
            fd.release();
        }
    }

    /** {@link #close()}, which cannot fail: closing a descriptor reports nothing. */
    final void closeQuietly() {
        try {
            close();
        } catch (IOException cannotHappen) {
            throw new java.io.UncheckedIOException(cannotHappen);
        }
    }

    /** Acquires the descriptor for a call, or reports the end closed. */
    final int acquire() throws ClosedChannelException {
        try {
            return fd.acquire();
        } catch (IllegalStateException closed) {
            throw new ClosedChannelException();
        }
    }

    /**
     * Waits until the descriptor is ready ({@code poll}), registered as a waiter.
     *
     * @return true if ready (or hung up), false on timeout
     */
    final boolean awaitReady(int n, int events, Deadline deadline) throws IOException {
        MemorySegment pfd = Scratch.get().pollFor(n, events);
        begin(); // a Thread.interrupt() now closes this end
        int slot = waiters.enter();
        try {
            while (true) {
                if (!fd.isOpen()) { // checked after registering, so that a racing close() is seen
                    throw new AsynchronousCloseException();
                }
                int r = Sys.poll(pfd, 1, deadline.remainingMillisForPoll());
                if (r > 0) {
                    return true;
                }
                if (r == 0) {
                    if (deadline.expired()) {
                        return false;
                    }
                } else if (r != -EINTR) {
                    throw Errors.of("poll", "fd=" + n, -r);
                }
            }
        } finally {
            waiters.exit(slot);
            end(true); // ClosedByInterruptException if the interrupt closed it
        }
    }

    static int readProcInt(Path path) {
        try {
            return (int) ProcFiles.readLong(path);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    static int pipeMaxSize() {
        return readProcInt(PIPE_MAX_SIZE);
    }
}
