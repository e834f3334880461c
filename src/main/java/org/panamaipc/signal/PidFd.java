package org.panamaipc.signal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.pollfd;
import org.panamaipc.bindings.siginfo_t;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.ProcessCalls;
import org.panamaipc.internal.SignalCalls;
import org.panamaipc.internal.Sys;
import org.panamaipc.internal.Waiters;

/**
 * A descriptor that refers to one process ({@code pidfd_open}), immune to pid reuse: once
 * the process has exited, its number may be given to a new process, but this descriptor
 * still refers to the old one, so a signal sent through it can never reach a stranger.
 *
 * <p>The descriptor becomes readable when the process exits, which makes it a dead-peer
 * detector for any mechanism: poll {@link #fd()} with {@code POLLIN} beside the mechanism's
 * own descriptor, or call {@link #awaitExit(Duration)}. For a child of this process,
 * {@link #tryReap()} and {@link #waitFor(Duration)} also collect its {@link ExitStatus}.
 *
 * <p><b>Lifetime.</b> {@link #close()} releases the descriptor (idempotent, from any
 * thread; a thread waiting in {@link #awaitExit} throws
 * {@link AsynchronousCloseException}). It does not affect the process.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/pidfd_open.2.html">pidfd_open(2)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/pidfd_send_signal.2.html">pidfd_send_signal(2)</a>
 */
public final class PidFd implements AutoCloseable {
    private final long pid;
    private final OwnedFd fd;
    private final Waiters waiters = new Waiters();

    private PidFd(long pid, OwnedFd fd) {
        this.pid = pid;
        this.fd = fd;
    }

    /**
     * Opens a pidfd for a process. To be free of pid reuse, open it while the process is
     * known to be alive: for a child, before it is reaped.
     *
     * @param pid the process
     * @return the pidfd, close-on-exec
     * @throws IllegalArgumentException if {@code pid} is not positive
     * @throws IOException ESRCH when no such process exists, or another failure of the call
     */
    public static PidFd open(long pid) throws IOException {
        int p = checkPid(pid);
        int r = ProcessCalls.pidfdOpen(p);
        if (r < 0) {
            throw Errors.of("pidfd_open", "pid=" + pid, -r);
        }
        return new PidFd(pid, OwnedFd.adopt(r));
    }

    /** {@return the process's id, as it was when the pidfd was opened} */
    public long pid() {
        return pid;
    }

    /**
     * The descriptor, still owned by this object: readable ({@code POLLIN}) once the
     * process has exited. Closing it closes this pidfd.
     *
     * @return the owned descriptor
     */
    public OwnedFd fd() {
        return fd;
    }

    /**
     * {@return whether the process still runs (a zombie counts as exited)}
     *
     * @throws IllegalStateException if this pidfd is closed
     * @throws IOException if the call fails
     */
    public boolean isAlive() throws IOException {
        return !poll(Deadline.after(Duration.ZERO));
    }

    /**
     * Waits until the process exits.
     *
     * @throws IllegalStateException if this pidfd is closed
     * @throws AsynchronousCloseException if another thread closed it during the wait
     * @throws IOException if the call fails
     */
    public void awaitExit() throws IOException {
        poll(Deadline.after(Duration.ofSeconds(Long.MAX_VALUE)));
    }

    /**
     * Waits at most {@code timeout} for the process to exit.
     *
     * @param timeout the longest wait; zero polls
     * @return true if it has exited, false on timeout
     * @throws IllegalStateException if this pidfd is closed
     * @throws AsynchronousCloseException if another thread closed it during the wait
     * @throws IOException if the call fails
     */
    public boolean awaitExit(Duration timeout) throws IOException {
        return poll(Deadline.after(timeout));
    }

    /**
     * Sends a signal to the process ({@code pidfd_send_signal}): to this process and no
     * other, even if its pid has been reused.
     *
     * @param signal the signal
     * @throws IllegalStateException if this pidfd is closed
     * @throws IOException ESRCH when the process has exited, EPERM when not permitted, or
     *         another failure of the call
     */
    public void sendSignal(Signal signal) throws IOException {
        org.panamaipc.internal.Check.notNull("signal", signal);
        int n = fd.acquire();
        try {
            int r = SignalCalls.pidfdSendSignal(n, signal.number());
            if (r < 0) {
                throw Errors.of("pidfd_send_signal", "pid=" + pid + ", " + signal.name(), -r);
            }
        } finally {
            fd.release();
        }
    }

    /**
     * Collects the exit status of a child of this process that has exited
     * ({@code waitid(P_PIDFD, WEXITED|WNOHANG)}), without waiting. A child's status can be
     * collected only once.
     *
     * @return the status, or {@code null} if the child still runs
     * @throws IllegalStateException if this pidfd is closed
     * @throws IOException ECHILD when the process is not a child of this one or was already
     *         reaped, or another failure of the call
     */
    public ExitStatus tryReap() throws IOException {
        int n = fd.acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(siginfo_t.layout());
            int r = ProcessCalls.waitid(LibC.P_PIDFD(), n, info, LibC.WEXITED() | LibC.WNOHANG());
            if (r < 0) {
                throw Errors.of("waitid", "P_PIDFD, pid=" + pid + ", WEXITED|WNOHANG", -r);
            }
            MemorySegment chld = siginfo_t._sifields._sigchld(siginfo_t._sifields(info));
            if (siginfo_t._sifields._sigchld.si_pid(chld) == 0) {
                return null;
            }
            int code = siginfo_t.si_code(info);
            int status = siginfo_t._sifields._sigchld.si_status(chld);
            if (code == LibC.CLD_EXITED()) {
                return ExitStatus.exited(status);
            }
            return ExitStatus.killed(Signal.of(status), code == LibC.CLD_DUMPED());
        } finally {
            fd.release();
        }
    }

    /**
     * Waits at most {@code timeout} for a child of this process to exit and collects its
     * status.
     *
     * @param timeout the longest wait
     * @return the status, or {@code null} on timeout
     * @throws IllegalStateException if this pidfd is closed
     * @throws AsynchronousCloseException if another thread closed it during the wait
     * @throws IOException ECHILD when the process is not a child of this one, or another
     *         failure of the call
     */
    public ExitStatus waitFor(Duration timeout) throws IOException {
        if (!awaitExit(timeout)) {
            return null;
        }
        return tryReap();
    }

    /** Closes the descriptor, once; releases a thread waiting on it. */
    @Override
    public void close() {
        if (fd.isOpen()) {
            fd.close();
            waiters.wakeAll();
        }
    }

    private boolean poll(Deadline deadline) throws IOException {
        int n = fd.acquire();
        int slot = waiters.enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pfd = arena.allocate(pollfd.layout());
            pollfd.fd(pfd, n);
            pollfd.events(pfd, (short) LibC.POLLIN());
            while (true) {
                if (!fd.isOpen()) { // checked after registering, so that a racing close() is seen
                    throw new AsynchronousCloseException();
                }
                int r = Sys.poll(pfd, 1, deadline.remainingMillisForPoll());
                if (r > 0) {
                    return true;
                }
                if (r == 0 && deadline.expired()) {
                    return false;
                }
                if (r < 0 && r != -Sys.EINTR) {
                    throw Errors.of("poll", "pidfd=" + n + ", pid=" + pid, -r);
                }
            }
        } finally {
            waiters.exit(slot);
            fd.release();
        }
    }

    static int checkPid(long pid) {
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pid=" + pid + " must be a positive process id");
        }
        return (int) pid;
    }

    @Override
    public String toString() {
        return "PidFd[pid=" + pid + ", " + fd + "]";
    }
}
