package org.panamaipc.internal;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.panamaipc.bindings.LibC;

/**
 * The calls of pipes and FIFOs beyond {@link Sys}: the zero-copy moves {@code splice},
 * {@code tee} and {@code vmsplice}, and {@code mkfifo}. None retries on EINTR, so that a
 * thread woken by {@link Waiters#wakeAll()} sees its object closed.
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

}
