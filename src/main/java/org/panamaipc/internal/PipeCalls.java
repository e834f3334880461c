package org.panamaipc.internal;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.panamaipc.bindings.LibC;

/**
 * The calls of pipes and FIFOs beyond {@link Sys}: the zero-copy moves {@code splice},
 * {@code tee} and {@code vmsplice}, and {@code mkfifo}; and each blocking call of the
 * package in the shape {@link Blocker#call} runs ({@link BlockingCall}). None retries on
 * EINTR: the engine does, after looking at close, interrupt and the deadline.
 *
 * <p>Each method returns its result, or {@code -errno}.
 */
public final class PipeCalls {
    static {
        NativeAccess.require(); // first: without native access, a clear error instead of a failed initialization
    }


    private static final MethodHandle SPLICE = Downcalls.blocking(LibC.splice$address(), LibC.splice$descriptor());
    private static final MethodHandle TEE = Downcalls.blocking(LibC.tee$address(), LibC.tee$descriptor());
    private static final MethodHandle VMSPLICE =
            Downcalls.blocking(LibC.vmsplice$address(), LibC.vmsplice$descriptor());
    private static final MethodHandle MKFIFO = Downcalls.blocking(LibC.mkfifo$address(), LibC.mkfifo$descriptor());
    private static final MethodHandle PREADV2 = Downcalls.blocking(LibC.preadv2$address(), LibC.preadv2$descriptor());
    private static final MethodHandle PWRITEV2 =
            Downcalls.blocking(LibC.pwritev2$address(), LibC.pwritev2$descriptor());
    private static final int RWF_NOWAIT = LibC.RWF_NOWAIT();
    private static final int EOPNOTSUPP = LibC.EOPNOTSUPP();
    private static final long PIPE_BUF = 4096;

    /**
     * The {@code y} argument of {@link #read} and {@link #write} for a descriptor whose
     * {@code RWF_NOWAIT} answered EOPNOTSUPP (a FIFO opened by path, on kernels that do not
     * mark those {@code FMODE_NOWAIT}): the call that must not block looks with {@code poll}
     * first instead.
     */
    public static final long NO_RWF_NOWAIT = 1;
    /**
     * The {@code y} bit of {@link #read} and {@link #write} for a descriptor in non-blocking
     * mode: the plain call never blocks then, and reports exactly what the mode promises
     * (end of file on a FIFO no writer has opened yet, which {@code poll} does not show).
     */
    public static final long NON_BLOCKING = 2;
    private static final int SPLICE_F_NONBLOCK = LibC.SPLICE_F_NONBLOCK();

    private PipeCalls() {
    }

    /**
     * {@code splice(in, NULL, out, NULL, count, flags)}, once: moves bytes between a pipe and
     * another descriptor at their current offsets.
     *
     * @param in the source
     * @param out the target
     * @param count at most this many bytes
     * @param flags {@code SPLICE_F_*}
     * @return the bytes moved (0 at end of input), or {@code -errno}
     */
    public static long splice(int in, int out, long count, int flags) {
        MemorySegment st = CallState.get();
        try {
            long r = (long) SPLICE.invokeExact(st, in, MemorySegment.NULL, out, MemorySegment.NULL, count, flags);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code tee(in, out, count, flags)}, once: copies bytes from one pipe to another without
     * consuming them.
     *
     * @param in the source pipe
     * @param out the target pipe
     * @param count at most this many bytes
     * @param flags {@code SPLICE_F_*}
     * @return the bytes copied, or {@code -errno}
     */
    public static long tee(int in, int out, long count, int flags) {
        MemorySegment st = CallState.get();
        try {
            long r = (long) TEE.invokeExact(st, in, out, count, flags);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code vmsplice(fd, iov, count, flags)}, once.
     *
     * @param fd the pipe's write end
     * @param iov an array of {@code struct iovec}
     * @param count its length
     * @param flags {@code SPLICE_F_*}
     * @return the bytes spliced, or {@code -errno}
     */
    public static long vmsplice(int fd, MemorySegment iov, long count, int flags) {
        MemorySegment st = CallState.get();
        try {
            long r = (long) VMSPLICE.invokeExact(st, fd, iov, count, flags);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code mkfifo(path, mode)}.
     *
     * @param path a NUL-terminated path
     * @param mode permission bits (before the umask)
     * @return 0, or {@code -errno}
     */
    public static int mkfifo(MemorySegment path, int mode) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) MKFIFO.invokeExact(st, path, mode);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    // ---------------------------------------------------------------- in the engine's shape

    /**
     * {@link BlockingCall}: {@code read(fd, buf, count)}, or, when it must not block,
     * {@code preadv2(..., RWF_NOWAIT)}: a pipe's read that answers EAGAIN instead of waiting
     * whatever the descriptor's mode (which other processes sharing the description may rely on).
     *
     * @param fd the read end
     * @param buf native memory
     * @param unused ignored
     * @param count at most this many bytes
     * @param y {@link #NO_RWF_NOWAIT} and {@link #NON_BLOCKING} bits
     * @param z ignored
     * @param timeout {@code NULL}: as the descriptor's mode says; otherwise never block
     * @return the bytes read (0 at end of file), or {@code -errno} (EOPNOTSUPP: try again with
     *         {@link #NO_RWF_NOWAIT})
     */
    public static long read(int fd, MemorySegment buf, MemorySegment unused, long count, long y, long z,
            MemorySegment timeout) {
        if (timeout.address() == 0 || (y & NON_BLOCKING) != 0) {
            return Sys.read(fd, buf, count);
        }
        if ((y & NO_RWF_NOWAIT) == 0) {
            return vectored(false, fd, buf, count);
        }
        // data or end of file now means the read returns at once (unless another reader
        // of the same pipe takes the data in between, when it waits for more)
        long ready = ready(fd, Sys.POLLIN);
        return ready > 0 ? Sys.read(fd, buf, count) : ready == 0 ? -Sys.EAGAIN : ready;
    }

    /**
     * {@link BlockingCall}: {@code write(fd, buf, count)}, or, when it must not block,
     * {@code pwritev2(..., RWF_NOWAIT)} (which may write part of a large buffer, as a
     * non-blocking write does).
     *
     * @param fd the write end
     * @param buf native memory
     * @param unused ignored
     * @param count the bytes to write
     * @param y {@link #NO_RWF_NOWAIT} and {@link #NON_BLOCKING} bits
     * @param z ignored
     * @param timeout {@code NULL}: as the descriptor's mode says; otherwise never block
     * @return the bytes written, or {@code -errno} (EOPNOTSUPP: try again with
     *         {@link #NO_RWF_NOWAIT})
     */
    public static long write(int fd, MemorySegment buf, MemorySegment unused, long count, long y, long z,
            MemorySegment timeout) {
        if (timeout.address() == 0 || (y & NON_BLOCKING) != 0) {
            return Sys.write(fd, buf, count);
        }
        if ((y & NO_RWF_NOWAIT) == 0) {
            return vectored(true, fd, buf, count);
        }
        // a writable pipe has room for PIPE_BUF bytes at least: so much is written at once
        long ready = ready(fd, Sys.POLLOUT);
        return ready > 0 ? Sys.write(fd, buf, Math.min(count, PIPE_BUF)) : ready == 0 ? -Sys.EAGAIN : ready;
    }

    /** {@code poll} of one descriptor without waiting: >0 ready (or hung up), 0 not, or {@code -errno}. */
    private static long ready(int fd, short events) {
        MemorySegment p = Waiter.current().pollfd;
        org.panamaipc.bindings.pollfd.fd(p, fd);
        org.panamaipc.bindings.pollfd.events(p, events);
        org.panamaipc.bindings.pollfd.revents(p, (short) 0);
        return Sys.poll(p, 1, 0);
    }

    /**
     * One {@code preadv2}/{@code pwritev2} of one buffer at the current offset with {@code RWF_NOWAIT}.
     * Each handle is invoked at a call site of its own: a handle passed in would be constant
     * only where the compiler inlines this method, and elsewhere the downcall's errno-capture
     * slice would be allocated on every call.
     */
    private static long vectored(boolean write, int fd, MemorySegment buf, long count) {
        Waiter w = Waiter.current();
        MemorySegment iov = w.iovec;
        org.panamaipc.bindings.iovec.iov_base(iov, buf);
        org.panamaipc.bindings.iovec.iov_len(iov, count);
        MemorySegment st = w.callState;
        try {
            long r = write ? (long) PWRITEV2.invokeExact(st, fd, iov, 1, -1L, RWF_NOWAIT)
                    : (long) PREADV2.invokeExact(st, fd, iov, 1, -1L, RWF_NOWAIT);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@link BlockingCall}: {@code splice} from the engine's descriptor to {@code target}.
     *
     * @param fd the pipe's read end
     * @param a ignored
     * @param b ignored
     * @param target the descriptor the bytes go to
     * @param count at most this many bytes
     * @param z ignored
     * @param timeout ignored
     * @return the bytes moved (0 at end of input), or {@code -errno}
     */
    public static long spliceOut(int fd, MemorySegment a, MemorySegment b, long target, long count, long z,
            MemorySegment timeout) {
        return splice(fd, (int) target, count, 0);
    }

    /**
     * {@link BlockingCall}: {@code splice} from {@code source} to the engine's descriptor.
     *
     * @param fd the pipe's write end
     * @param a ignored
     * @param b ignored
     * @param source the descriptor the bytes come from
     * @param count at most this many bytes
     * @param z ignored
     * @param timeout ignored
     * @return the bytes moved (0 at end of input), or {@code -errno}
     */
    public static long spliceIn(int fd, MemorySegment a, MemorySegment b, long source, long count, long z,
            MemorySegment timeout) {
        return splice((int) source, fd, count, 0);
    }

    /**
     * {@link BlockingCall}: {@code tee} from the engine's descriptor to {@code target}.
     *
     * @param fd the source pipe's read end
     * @param a ignored
     * @param b ignored
     * @param target the other pipe's write end
     * @param count at most this many bytes
     * @param z ignored
     * @param timeout ignored
     * @return the bytes copied, or {@code -errno}
     */
    public static long teeOut(int fd, MemorySegment a, MemorySegment b, long target, long count, long z,
            MemorySegment timeout) {
        return tee(fd, (int) target, count, 0);
    }

    /**
     * {@link BlockingCall}: {@code vmsplice(fd, iov, count, 0)}.
     *
     * @param fd the pipe's write end
     * @param iov an array of {@code struct iovec}
     * @param unused ignored
     * @param count its length
     * @param y ignored
     * @param z ignored
     * @param timeout {@code NULL}: as the descriptor's mode says; otherwise never block
     *        ({@code SPLICE_F_NONBLOCK})
     * @return the bytes spliced, or {@code -errno}
     */
    public static long vmsplice(int fd, MemorySegment iov, MemorySegment unused, long count, long y, long z,
            MemorySegment timeout) {
        return vmsplice(fd, iov, count, timeout.address() == 0 ? 0 : SPLICE_F_NONBLOCK);
    }

    /**
     * {@link BlockingCall}: {@code open(path, flags)} of a FIFO, which waits for the other
     * side unless {@code O_NONBLOCK} is among the flags.
     *
     * @param unused ignored (the engine has no descriptor yet)
     * @param path a NUL-terminated path
     * @param b ignored
     * @param flags the open flags
     * @param y ignored
     * @param z ignored
     * @param timeout ignored: the engine's timer ends the wait
     * @return the new descriptor, or {@code -errno}
     */
    public static long openFifo(int unused, MemorySegment path, MemorySegment b, long flags, long y, long z,
            MemorySegment timeout) {
        return Sys.open(path, (int) flags, 0);
    }
}
