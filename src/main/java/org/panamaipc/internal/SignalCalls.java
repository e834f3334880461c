package org.panamaipc.internal;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.panamaipc.bindings.LibC;

/**
 * The calls that send and receive signals: {@code kill}, {@code sigqueue},
 * {@code pidfd_send_signal}, {@code signalfd}, {@code pthread_sigmask} and reading a
 * disposition with {@code sigaction}.
 *
 * <p>Each method returns its result, or {@code -errno}.
 */
public final class SignalCalls {
    static {
        NativeAccess.require(); // first: without native access, a clear error instead of a failed initialization
    }

    private static final MethodHandle KILL = Downcalls.nonBlocking(LibC.kill$address(), LibC.kill$descriptor());
    private static final MethodHandle SIGQUEUE =
            Downcalls.nonBlocking(LibC.sigqueue$address(), LibC.sigqueue$descriptor());
    private static final MethodHandle PIDFD_SEND_SIGNAL =
            Downcalls.nonBlocking(LibC.pidfd_send_signal$address(), LibC.pidfd_send_signal$descriptor());
    private static final MethodHandle SIGNALFD = Downcalls.nonBlocking(LibC.signalfd$address(), LibC.signalfd$descriptor());
    private static final MethodHandle PTHREAD_SIGMASK = Downcalls.plain(LibC.pthread_sigmask$address(),
            LibC.pthread_sigmask$descriptor(), true);
    private static final MethodHandle SIGACTION = Downcalls.blocking(LibC.sigaction$address(), LibC.sigaction$descriptor());

    private SignalCalls() {
    }

    /**
     * {@code kill(pid, sig)}.
     *
     * @param pid a process, or a negated process group
     * @param sig the signal, 0 to probe
     * @return 0, or {@code -errno}
     */
    public static int kill(int pid, int sig) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) KILL.invokeExact(st, pid, sig);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code sigqueue(pid, sig, value)}.
     *
     * @param pid the process
     * @param sig the signal
     * @param value a {@code union sigval}, passed by value
     * @return 0, or {@code -errno}
     */
    public static int sigqueue(int pid, int sig, MemorySegment value) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) SIGQUEUE.invokeExact(st, pid, sig, value);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code pidfd_send_signal(pidfd, sig, NULL, 0)}.
     *
     * @param pidfd the process's pidfd
     * @param sig the signal, 0 to probe
     * @return 0, or {@code -errno}
     */
    public static int pidfdSendSignal(int pidfd, int sig) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) PIDFD_SEND_SIGNAL.invokeExact(st, pidfd, sig, MemorySegment.NULL, 0);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code signalfd(-1, mask, flags)}.
     *
     * @param mask a {@code sigset_t}
     * @param flags {@code SFD_CLOEXEC}, {@code SFD_NONBLOCK}
     * @return the descriptor, or {@code -errno}
     */
    public static int signalfd(MemorySegment mask, int flags) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) SIGNALFD.invokeExact(st, -1, mask, flags);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code pthread_sigmask(how, set, old)} for the calling thread.
     *
     * @param how {@code SIG_BLOCK}, {@code SIG_UNBLOCK}, {@code SIG_SETMASK}
     * @param set a {@code sigset_t}, or NULL
     * @param old receives the previous mask, or NULL
     * @return 0, or {@code -errno}
     */
    public static int pthreadSigmask(int how, MemorySegment set, MemorySegment old) {
        try {
            int r = (int) PTHREAD_SIGMASK.invokeExact(how, set, old);
            return r == 0 ? 0 : -r;
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code sigaction(sig, act, old)}.
     *
     * @param sig the signal
     * @param act the new action, or NULL to only read
     * @param old receives the previous action, or NULL
     * @return 0, or {@code -errno}
     */
    public static int sigaction(int sig, MemorySegment act, MemorySegment old) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) SIGACTION.invokeExact(st, sig, act, old);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@link BlockingCall}: reads one {@code struct signalfd_siginfo} from a signalfd.
     *
     * @param fd the signalfd
     * @param info a {@code struct signalfd_siginfo}
     * @param unused ignored
     * @param size its size
     * @param y ignored
     * @param z ignored
     * @param timeout ignored: the call blocks until a signal is pending
     * @return the bytes read, or {@code -errno}
     */
    public static long readSignalfd(int fd, MemorySegment info, MemorySegment unused, long size, long y, long z,
            MemorySegment timeout) {
        return Sys.read(fd, info, size);
    }
}
