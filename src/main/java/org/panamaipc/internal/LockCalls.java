package org.panamaipc.internal;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.panamaipc.bindings.LibC;

/**
 * The file-lock calls beyond {@link Sys#fcntl(int, int, MemorySegment)}: {@code flock}, and
 * the waiting lock calls in the shape {@link Blocker#call} runs ({@link BlockingCall}).
 * Like {@link Sys}, each returns its result or {@code -errno}, and none retries on EINTR:
 * a blocking lock interrupted may mean its file was closed or its time is up, which the
 * engine looks at.
 */
public final class LockCalls {
    static {
        NativeAccess.require(); // first: without native access, a clear error instead of a failed initialization
    }

    private static final MethodHandle FLOCK = Downcalls.blocking(LibC.flock$address(), LibC.flock$descriptor());

    private LockCalls() {
    }

    /**
     * {@code flock(fd, operation)}, once.
     *
     * @param fd the descriptor
     * @param operation {@code LOCK_SH}, {@code LOCK_EX} or {@code LOCK_UN}, with {@code LOCK_NB}
     * @return 0, or {@code -errno}
     */
    public static int flock(int fd, int operation) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) FLOCK.invokeExact(st, fd, operation);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@link BlockingCall}: {@code fcntl(fd, cmd, fl)} with a waiting lock command
     * ({@code F_SETLKW}, {@code F_OFD_SETLKW}).
     *
     * @param fd the file
     * @param fl a {@code struct flock}
     * @param unused ignored
     * @param cmd the command
     * @param y ignored
     * @param z ignored
     * @param timeout ignored: the kernel has no timed form, the engine's timer ends the wait
     * @return 0, or {@code -errno}
     */
    public static long fcntlWait(int fd, MemorySegment fl, MemorySegment unused, long cmd, long y, long z,
            MemorySegment timeout) {
        return Sys.fcntl(fd, (int) cmd, fl);
    }

    /**
     * {@link BlockingCall}: {@code flock(fd, operation)} without {@code LOCK_NB}.
     *
     * @param fd the file
     * @param a ignored
     * @param b ignored
     * @param operation {@code LOCK_SH} or {@code LOCK_EX}
     * @param y ignored
     * @param z ignored
     * @param timeout ignored: the kernel has no timed form, the engine's timer ends the wait
     * @return 0, or {@code -errno}
     */
    public static long flockWait(int fd, MemorySegment a, MemorySegment b, long operation, long y, long z,
            MemorySegment timeout) {
        return flock(fd, (int) operation);
    }
}
