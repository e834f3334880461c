package org.panamaipc.internal;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.panamaipc.bindings.LibC;

/**
 * The small function-like macros of the C headers that jextract skips, other than the
 * {@code CMSG_*} family ({@link Cmsg}). Each is tested against the C value.
 */
public final class Macros {
    static {
        NativeAccess.require(); // first: without native access, a clear error instead of a failed initialization
    }

    /** {@code MAP_FAILED}, the {@code (void *) -1} that {@code mmap} and {@code shmat} return on failure. */
    public static final MemorySegment MAP_FAILED = MemorySegment.ofAddress(-1L);
    /** {@code SEM_FAILED}, the null pointer {@code sem_open} returns on failure. */
    public static final MemorySegment SEM_FAILED = MemorySegment.NULL;

    private static final int S_IFMT = 0170000;
    private static final MethodHandle SIGRTMIN = Downcalls.plain(
            LibC.__libc_current_sigrtmin$address(), LibC.__libc_current_sigrtmin$descriptor(), true);
    private static final MethodHandle SIGRTMAX = Downcalls.plain(
            LibC.__libc_current_sigrtmax$address(), LibC.__libc_current_sigrtmax$descriptor(), true);

    private Macros() {
    }

    /**
     * {@code SIGRTMIN}: the first real-time signal the C library leaves to applications.
     * Computed at run time, as in C: the C library reserves some for itself.
     *
     * @return the signal number
     */
    public static int sigrtmin() {
        try {
            return (int) SIGRTMIN.invokeExact();
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code SIGRTMAX}: the last real-time signal.
     *
     * @return the signal number
     */
    public static int sigrtmax() {
        try {
            return (int) SIGRTMAX.invokeExact();
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code S_ISREG(mode)}.
     *
     * @param mode {@code st_mode}
     * @return {@code S_ISREG(mode)}
     */
    public static boolean isRegular(int mode) {
        return (mode & S_IFMT) == 0100000;
    }

    /**
     * {@code S_ISDIR(mode)}.
     *
     * @param mode {@code st_mode}
     * @return {@code S_ISDIR(mode)}
     */
    public static boolean isDirectory(int mode) {
        return (mode & S_IFMT) == 0040000;
    }

    /**
     * {@code S_ISCHR(mode)}.
     *
     * @param mode {@code st_mode}
     * @return {@code S_ISCHR(mode)}
     */
    public static boolean isCharacterDevice(int mode) {
        return (mode & S_IFMT) == 0020000;
    }

    /**
     * {@code S_ISBLK(mode)}.
     *
     * @param mode {@code st_mode}
     * @return {@code S_ISBLK(mode)}
     */
    public static boolean isBlockDevice(int mode) {
        return (mode & S_IFMT) == 0060000;
    }

    /**
     * {@code S_ISFIFO(mode)}.
     *
     * @param mode {@code st_mode}
     * @return {@code S_ISFIFO(mode)}
     */
    public static boolean isFifo(int mode) {
        return (mode & S_IFMT) == 0010000;
    }

    /**
     * {@code S_ISLNK(mode)}.
     *
     * @param mode {@code st_mode}
     * @return {@code S_ISLNK(mode)}
     */
    public static boolean isSymbolicLink(int mode) {
        return (mode & S_IFMT) == 0120000;
    }

    /**
     * {@code S_ISSOCK(mode)}.
     *
     * @param mode {@code st_mode}
     * @return {@code S_ISSOCK(mode)}
     */
    public static boolean isSocket(int mode) {
        return (mode & S_IFMT) == 0140000;
    }

    /**
     * {@code WIFEXITED(status)}.
     *
     * @param status a wait status
     * @return {@code WIFEXITED(status)}
     */
    public static boolean exited(int status) {
        return (status & 0x7f) == 0;
    }

    /**
     * {@code WEXITSTATUS(status)}.
     *
     * @param status a wait status
     * @return {@code WEXITSTATUS(status)}
     */
    public static int exitStatus(int status) {
        return (status & 0xff00) >> 8;
    }

    /**
     * {@code WIFSIGNALED(status)}.
     *
     * @param status a wait status
     * @return {@code WIFSIGNALED(status)}
     */
    public static boolean signaled(int status) {
        return ((byte) ((status & 0x7f) + 1) >> 1) > 0;
    }

    /**
     * {@code WTERMSIG(status)}.
     *
     * @param status a wait status
     * @return {@code WTERMSIG(status)}
     */
    public static int terminationSignal(int status) {
        return status & 0x7f;
    }

    /**
     * {@code WCOREDUMP(status)}.
     *
     * @param status a wait status
     * @return {@code WCOREDUMP(status)}
     */
    public static boolean coreDumped(int status) {
        return (status & 0x80) != 0;
    }

    /**
     * {@code WIFSTOPPED(status)}.
     *
     * @param status a wait status
     * @return {@code WIFSTOPPED(status)}
     */
    public static boolean stopped(int status) {
        return (status & 0xff) == 0x7f;
    }

    /**
     * {@code WSTOPSIG(status)}.
     *
     * @param status a wait status
     * @return {@code WSTOPSIG(status)}
     */
    public static int stopSignal(int status) {
        return exitStatus(status);
    }

    /**
     * {@code WIFCONTINUED(status)}.
     *
     * @param status a wait status
     * @return {@code WIFCONTINUED(status)}
     */
    public static boolean continued(int status) {
        return status == 0xffff;
    }
}
