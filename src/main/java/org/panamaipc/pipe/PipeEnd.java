package org.panamaipc.pipe;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.spi.AbstractInterruptibleChannel;
import java.nio.file.Path;
import org.panamaipc.BrokenPipeException;
import org.panamaipc.DescriptorKind;
import org.panamaipc.OwnedFd;
import org.panamaipc.Waitable;
import org.panamaipc.bindings.LibC;
import java.lang.foreign.MemorySegment;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Blocker.Timing;
import org.panamaipc.internal.BlockingCall;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.PipeCalls;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.FdKinds;
import org.panamaipc.internal.ProcFiles;
import org.panamaipc.internal.Sys;

/**
 * One end of a pipe or FIFO: an owned, close-on-exec descriptor with the settings both
 * directions share (capacity, blocking mode).
 *
 * <p><b>Closing.</b> {@link #close()} is idempotent and may be called from any thread: a
 * thread blocked in a read, write, splice or wait on this end is released and throws
 * {@link AsynchronousCloseException}; any later call throws {@link ClosedChannelException}.
 * As for the JDK's channels, interrupting a thread blocked on this end (or calling a
 * blocking method with the interrupt status set) closes it, and the thread throws
 * {@link ClosedByInterruptException} with its interrupt status still set.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/pipe.7.html">pipe(7)</a>
 */
public abstract sealed class PipeEnd extends AbstractInterruptibleChannel implements Waitable
        permits PipeSource, PipeSink {
    static {
        NativeAccess.require(); // first: without native access, a clear error instead of a failed initialization
    }

    static final int EAGAIN = Sys.EAGAIN;
    private static final int EOPNOTSUPP = LibC.EOPNOTSUPP();
    /** The most bytes one call moves between a heap array or buffer and the pipe. */
    static final int BOUNCE_SIZE = 64 * 1024;
    private static final Path PIPE_MAX_SIZE = Path.of("/proc/sys/fs/pipe-max-size");

    final OwnedFd fd;
    /** The engine every call on this end runs through; it owns the descriptor. */
    final Blocker blocker;
    /** This end for messages: {@code fd=N}. */
    final String what;
    /** The mode as this object set or found it; a call that finds it changed behind its back still waits right. */
    private volatile boolean blocking;
    /** 0, or {@link PipeCalls#NO_RWF_NOWAIT} once the descriptor refused {@code RWF_NOWAIT}. */
    private volatile long rwf;

    PipeEnd(OwnedFd fd) {
        this.fd = fd;
        this.what = "fd=" + fd.get();
        this.blocker = Blocker.forChannel(what, fd, this);
        int flags = Sys.fcntl(fd.get(), LibC.F_GETFL(), 0);
        this.blocking = flags < 0 || (flags & LibC.O_NONBLOCK()) == 0;
    }

    /**
     * Takes over a descriptor for {@code adopt}: it must be a pipe or FIFO whose access mode
     * is not {@code refusedAccess}.
     */
    static OwnedFd take(OwnedFd fd, String call, int refusedAccess, String why) throws IOException {
        FdKinds.require(fd, call, "a pipe or FIFO", DescriptorKind.PIPE);
        int n = fd.acquire();
        try {
            if ((FdKinds.statusFlags(n) & LibC.O_ACCMODE()) == refusedAccess) {
                throw FdKinds.wrongKind(call, n, DescriptorKind.PIPE, "opened " + why);
            }
        } finally {
            fd.release();
        }
        return OwnedFd.adopt(fd.detach());
    }

    /**
     * Reads ({@code POLL_IN}) or writes ({@code POLL_OUT}) once, as the blocking mode says:
     * waits in blocking mode, tries once in non-blocking mode.
     *
     * @param op {@link PipeCalls#read} or {@link PipeCalls#write}
     * @param buf native or heap memory (a heap buffer goes through native memory the engine
     *        lends for the call)
     * @param timing {@code POLL_IN} for a read, {@code POLL_OUT} for a write
     * @return the call's result, or {@code -errno}
     */
    final long transfer(BlockingCall op, MemorySegment buf, Timing timing) throws IOException {
        return blocking ? transfer(op, buf, Deadline.NONE, 0, timing)
                : transfer(op, buf, Deadline.now(), PipeCalls.NON_BLOCKING, timing);
    }

    /**
     * As {@link #transfer(BlockingCall, MemorySegment, Timing)}, waiting until {@code deadline}
     * whatever the mode.
     */
    final long transfer(BlockingCall op, MemorySegment buf, long deadline, Timing timing) throws IOException {
        return transfer(op, buf, deadline, 0, timing);
    }

    private long transfer(BlockingCall op, MemorySegment buf, long deadline, long mode, Timing timing)
            throws IOException {
        while (true) {
            long flags = rwf | mode;
            long r = buf.isNative()
                    ? blocker.call(op, 0, buf, MemorySegment.NULL, buf.byteSize(), flags, 0, deadline, timing)
                    : blocker.callHeap(op, buf, timing == Timing.POLL_IN, buf.byteSize(), flags, deadline, timing);
            if (r != -EOPNOTSUPP || (flags & PipeCalls.NO_RWF_NOWAIT) != 0) {
                return r;
            }
            rwf = PipeCalls.NO_RWF_NOWAIT; // a FIFO opened by path on this kernel: poll, then the call
        }
    }

    /**
     * The deadline of a call without a timeout of its own: none in blocking mode; in
     * non-blocking mode one already passed, so that the engine makes one attempt that does
     * not wait.
     */
    final long untimedDeadline() {
        return blocking ? Deadline.NONE : Deadline.now();
    }

    /**
     * The descriptor, still owned by this end: to map it into a child process or to wait on
     * it in a {@link org.panamaipc.WaitSet}. Close the end, not the descriptor.
     *
     * @return the owned descriptor
     */
    @Override
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
        blocker.close();
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
        int n = blocker.enter();
        try {
            int r = Sys.fcntl(n, LibC.F_GETPIPE_SZ(), 0);
            if (r < 0) {
                throw Errors.of("fcntl", "fd=" + n + ", F_GETPIPE_SZ", -r);
            }
            return r;
        } finally {
            blocker.exit();
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
        int n = blocker.enter();
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
            blocker.exit();
        }
    }

    /**
     * {@return whether reads and writes wait ({@code O_NONBLOCK} clear)}
     *
     * @throws ClosedChannelException if this end is closed
     * @throws IOException if the call fails
     */
    public boolean isBlocking() throws IOException {
        int n = blocker.enter();
        try {
            int flags = Sys.fcntl(n, LibC.F_GETFL(), 0);
            if (flags < 0) {
                throw Errors.of("fcntl", "fd=" + n + ", F_GETFL", -flags);
            }
            return (flags & LibC.O_NONBLOCK()) == 0;
        } finally {
            blocker.exit();
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
        int n = blocker.enter();
        try {
            FdKinds.setNonBlocking(n, !blocking);
            this.blocking = blocking;
        } finally {
            blocker.exit();
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

    /**
     * Waits until this end is ready ({@code poll}) or the deadline passes.
     *
     * @param events {@code POLLIN} or {@code POLLOUT}
     * @param deadline from {@link Deadline#end}, or {@link Deadline#NONE}
     * @return true if ready (or hung up), false once the deadline passed
     */
    final boolean awaitReady(int events, long deadline) throws IOException {
        return blocker.awaitReady(events, deadline);
    }

    /**
     * What a read, write or move returned, as this package reports it: the count, 0 when
     * nothing could be done (non-blocking, or the time ran out), or the error.
     */
    final long result(String call, long count, long r) throws IOException {
        if (r >= 0) {
            return r;
        }
        if (r == -EAGAIN || r == -Blocker.ETIMEDOUT) {
            return 0;
        }
        throw Errors.of(call, what + ", count=" + count, (int) -r);
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
