package org.panamaipc.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.panamaipc.bindings.LibC;

/**
 * The system calls every mechanism shares: descriptors, files, pipes, poll, processes.
 *
 * <p>Each method makes one call and returns its result, or {@code -errno} when it failed,
 * so that expected outcomes (EAGAIN, EINTR, a timeout) cost no exception and no
 * allocation; callers turn the errors they do not expect into exceptions through
 * {@link Errors}. Mechanism-specific calls live in their own classes beside this one.
 */
public final class Sys {
    static {
        NativeAccess.require(); // first: without native access, a clear error instead of a failed initialization
    }

    /** EINTR: the call was interrupted by a signal handler. */
    public static final int EINTR = LibC.EINTR();
    /** EAGAIN: the call would block. */
    public static final int EAGAIN = LibC.EAGAIN();
    /** POLLIN: readable. */
    public static final short POLLIN = (short) LibC.POLLIN();
    /** POLLOUT: writable. */
    public static final short POLLOUT = (short) LibC.POLLOUT();

    private Sys() {
    }

    private static final MethodHandle CLOSE = Downcalls.blocking(LibC.close$address(), LibC.close$descriptor());
    private static final MethodHandle READ = Downcalls.blocking(LibC.read$address(), LibC.read$descriptor());
    private static final MethodHandle WRITE = Downcalls.blocking(LibC.write$address(), LibC.write$descriptor());
    private static final MethodHandle WRITE_CRITICAL =
            Downcalls.nonBlocking(LibC.write$address(), LibC.write$descriptor());
    private static final MethodHandle PIPE2 = Downcalls.nonBlocking(LibC.pipe2$address(), LibC.pipe2$descriptor());
    private static final MethodHandle OPEN = Downcalls.variadic(LibC.open.address(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 2);
    private static final MethodHandle FCNTL_INT = Downcalls.variadic(LibC.fcntl.address(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), 2);
    private static final MethodHandle FCNTL_POINTER = Downcalls.variadic(LibC.fcntl.address(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), 2);
    private static final MethodHandle UNLINK = Downcalls.blocking(LibC.unlink$address(), LibC.unlink$descriptor());
    private static final MethodHandle FSTAT = Downcalls.nonBlocking(LibC.fstat$address(), LibC.fstat$descriptor());
    private static final MethodHandle FTRUNCATE =
            Downcalls.blocking(LibC.ftruncate$address(), LibC.ftruncate$descriptor());
    private static final MethodHandle POLL = Downcalls.blocking(LibC.poll$address(), LibC.poll$descriptor());
    private static final MethodHandle SYSCALL0 = Downcalls.variadic(LibC.syscall.address(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), 1);
    private static final MethodHandle SYSCALL0_CRITICAL = Downcalls.variadicNonBlocking(LibC.syscall.address(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), 1);
    private static final MethodHandle STRERROR =
            Downcalls.plain(LibC.strerror$address(), LibC.strerror$descriptor(), true);

    /**
     * {@code close(fd)}. Linux releases the descriptor even when close reports an error,
     * so a failed close is never retried.
     *
     * @param fd the descriptor
     * @return 0, or {@code -errno}
     */
    public static int close(int fd) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) CLOSE.invokeExact(st, fd);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code read(fd, buf, count)}. Not retried on EINTR: a blocked read interrupted by
     * {@link Blocker#close()} returns {@code -EINTR} so that its caller can see it was
     * closed; callers retry while their object is open.
     *
     * @param fd the descriptor
     * @param buf native memory to read into
     * @param count at most this many bytes
     * @return the bytes read (0 at end of file), or {@code -errno}
     */
    public static long read(int fd, MemorySegment buf, long count) {
        MemorySegment st = CallState.get();
        try {
            long r = (long) READ.invokeExact(st, fd, buf, count);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code write(fd, buf, count)}. Not retried on EINTR, like {@link #read}.
     *
     * @param fd the descriptor
     * @param buf native memory to write from
     * @param count at most this many bytes
     * @return the bytes written, or {@code -errno}
     */
    public static long write(int fd, MemorySegment buf, long count) {
        MemorySegment st = CallState.get();
        try {
            long r = (long) WRITE.invokeExact(st, fd, buf, count);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code write} linked critical: only for descriptors that never block (a regular file,
     * {@code /dev/null}, a non-blocking descriptor).
     *
     * @param fd a descriptor whose writes never block
     * @param buf native memory to write from
     * @param count at most this many bytes
     * @return the bytes written, or {@code -errno}
     */
    public static long writeNonBlocking(int fd, MemorySegment buf, long count) {
        MemorySegment st = CallState.get();
        try {
            long r = (long) WRITE_CRITICAL.invokeExact(st, fd, buf, count);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code pipe2(fds, flags)}.
     *
     * @param fds two ints: the read end, then the write end
     * @param flags {@code O_CLOEXEC}, {@code O_NONBLOCK}, {@code O_DIRECT}
     * @return 0, or {@code -errno}
     */
    public static int pipe2(MemorySegment fds, int flags) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) PIPE2.invokeExact(st, fds, flags);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code open(path, flags, mode)}. Not retried on EINTR, like {@link #read}: opening a
     * FIFO blocks until the other end is opened.
     *
     * @param path a NUL-terminated path
     * @param flags {@code O_*} flags
     * @param mode permission bits when {@code O_CREAT} is given
     * @return the descriptor, or {@code -errno}
     */
    public static int open(MemorySegment path, int flags, int mode) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) OPEN.invokeExact(st, path, flags, mode);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code fcntl(fd, cmd, arg)} for commands taking an int.
     *
     * @param fd the descriptor
     * @param cmd the command, e.g. {@code F_GETFL}, {@code F_DUPFD_CLOEXEC}, {@code F_ADD_SEALS}
     * @param arg its argument (ignored by commands that take none)
     * @return the command's result, or {@code -errno}
     */
    public static int fcntl(int fd, int cmd, int arg) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) FCNTL_INT.invokeExact(st, fd, cmd, arg);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code fcntl(fd, cmd, pointer)} for commands taking a structure ({@code F_SETLK},
     * {@code F_OFD_GETLK}, ...). Not retried on EINTR: a blocking lock request interrupted
     * is the caller's to retry with its remaining time.
     *
     * @param fd the descriptor
     * @param cmd the command
     * @param arg the structure
     * @return the command's result, or {@code -errno}
     */
    public static int fcntl(int fd, int cmd, MemorySegment arg) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) FCNTL_POINTER.invokeExact(st, fd, cmd, arg);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code unlink(path)}.
     *
     * @param path a NUL-terminated path
     * @return 0, or {@code -errno}
     */
    public static int unlink(MemorySegment path) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) UNLINK.invokeExact(st, path);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code fstat(fd, buf)}.
     *
     * @param fd the descriptor
     * @param stat a {@code struct stat} in native memory
     * @return 0, or {@code -errno}
     */
    public static int fstat(int fd, MemorySegment stat) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) FSTAT.invokeExact(st, fd, stat);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code ftruncate(fd, length)}, retried on EINTR.
     *
     * @param fd the descriptor
     * @param length the new size in bytes
     * @return 0, or {@code -errno}
     */
    public static int ftruncate(int fd, long length) {
        MemorySegment st = CallState.get();
        try {
            int r;
            do {
                r = (int) FTRUNCATE.invokeExact(st, fd, length);
            } while (r < 0 && CallState.errno(st) == EINTR);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code poll(fds, nfds, timeout)}, once: an EINTR is returned so that the caller can
     * retry with its remaining time ({@link Deadline}).
     *
     * @param fds an array of {@code struct pollfd}
     * @param nfds its length
     * @param timeoutMillis the longest wait, -1 for no limit
     * @return the number of ready descriptors (0 on timeout), or {@code -errno}
     */
    public static int poll(MemorySegment fds, long nfds, int timeoutMillis) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) POLL.invokeExact(st, fds, nfds, timeoutMillis);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code syscall(number)} for system calls without arguments (e.g. {@code SYS_getpid}).
     *
     * @param number the system call number
     * @return the result, or {@code -errno}
     */
    public static long syscall(long number) {
        MemorySegment st = CallState.get();
        try {
            long r = (long) SYSCALL0.invokeExact(st, number);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@link #syscall(long)} linked critical, for system calls that never block.
     *
     * @param number the system call number
     * @return the result, or {@code -errno}
     */
    public static long syscallNonBlocking(long number) {
        MemorySegment st = CallState.get();
        try {
            long r = (long) SYSCALL0_CRITICAL.invokeExact(st, number);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code strerror(errnum)}: the C library's own message, which {@link org.panamaipc.Errno}
     * carries as a constant.
     *
     * @param errnum an error number
     * @return the message
     */
    public static String strerror(int errnum) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errnum);
            return s.reinterpret(Integer.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }
}
