package org.panamaipc.internal;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.panamaipc.bindings.LibC;

/**
 * The file-lock calls beyond {@link Sys#fcntl(int, int, MemorySegment)}: {@code flock}.
 * Like {@link Sys}, each returns its result or {@code -errno}, and none retries on EINTR:
 * a blocking lock interrupted may mean its file was closed or its time is up.
 */
public final class LockCalls {
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
}
