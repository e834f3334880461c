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

    private static final MethodHandle SPLICE = Downcalls.blocking(LibC.splice$address(), LibC.splice$descriptor());
    private static final MethodHandle TEE = Downcalls.blocking(LibC.tee$address(), LibC.tee$descriptor());
    private static final MethodHandle VMSPLICE =
            Downcalls.blocking(LibC.vmsplice$address(), LibC.vmsplice$descriptor());
    private static final MethodHandle MKFIFO = Downcalls.blocking(LibC.mkfifo$address(), LibC.mkfifo$descriptor());

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
     * {@link BlockingCall}: {@code read(fd, buf, count)}.
     *
     * @param fd the read end
     * @param buf native memory
     * @param unused ignored
     * @param count at most this many bytes
     * @param y ignored
     * @param z ignored
     * @param timeout ignored: the call blocks as the descriptor's mode says
     * @return the bytes read (0 at end of file), or {@code -errno}
     */
    public static long read(int fd, MemorySegment buf, MemorySegment unused, long count, long y, long z,
            MemorySegment timeout) {
        return Sys.read(fd, buf, count);
    }

    /**
     * {@link BlockingCall}: {@code write(fd, buf, count)}.
     *
     * @param fd the write end
     * @param buf native memory
     * @param unused ignored
     * @param count the bytes to write
     * @param y ignored
     * @param z ignored
     * @param timeout ignored: the call blocks as the descriptor's mode says
     * @return the bytes written, or {@code -errno}
     */
    public static long write(int fd, MemorySegment buf, MemorySegment unused, long count, long y, long z,
            MemorySegment timeout) {
        return Sys.write(fd, buf, count);
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
     * @param timeout ignored
     * @return the bytes spliced, or {@code -errno}
     */
    public static long vmsplice(int fd, MemorySegment iov, MemorySegment unused, long count, long y, long z,
            MemorySegment timeout) {
        return vmsplice(fd, iov, count, 0);
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
