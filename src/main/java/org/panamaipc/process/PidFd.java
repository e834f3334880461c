package org.panamaipc.process;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.panamaipc.Interest;
import org.panamaipc.OwnedFd;
import org.panamaipc.Waitable;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.pollfd;
import org.panamaipc.bindings.siginfo_t;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.ProcessCalls;
import org.panamaipc.internal.SignalCalls;
import org.panamaipc.internal.Sys;
import org.panamaipc.internal.Waiter;
import org.panamaipc.signal.Signal;

/**
 * A descriptor that refers to one process ({@code pidfd_open}), immune to pid reuse: once
 * the process has exited, its number may be given to a new process, but this descriptor
 * still refers to the old one, so a signal sent through it can never reach a stranger.
 *
 * <p>The descriptor becomes readable when the process exits, which makes it a dead-peer
 * detector for any mechanism: register it with a {@link org.panamaipc.WaitSet}
 * ({@link Interest#EXITED}) beside the mechanism's own objects, or call
 * {@link #awaitExit(Duration)}. For a child of this process,
 * {@link #tryReap()} and {@link #waitFor(Duration)} also collect its {@link ExitStatus}.
 *
 * <p><b>Lifetime.</b> {@link #close()} releases the descriptor (idempotent, from any
 * thread; a thread waiting in {@link #awaitExit} or {@link #waitFor} throws
 * {@link AsynchronousCloseException}; later calls throw {@link IllegalStateException}). It
 * does not affect the process.
 *
 * <p><b>Interrupt.</b> Interrupting a thread that waits for the process ends the wait with
 * {@link InterruptedIOException}; the pidfd stays open, the thread's interrupt status stays
 * set, and a child is not reaped: it can still be waited for.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/pidfd_open.2.html">pidfd_open(2)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/pidfd_send_signal.2.html">pidfd_send_signal(2)</a>
 */
public final class PidFd implements AutoCloseable, Waitable {
    private static final Set<Interest> OFFERS = Collections.unmodifiableSet(EnumSet.of(Interest.EXITED));

    /** The C library's values, read only once native access was checked ({@link NativeAccess}). */
    private static final class Native {
        static final int POLLIN = LibC.POLLIN();
    }


    private final long pid;
    private final OwnedFd fd;
    private final Blocker blocker;

    private PidFd(long pid, OwnedFd fd) {
        this.pid = pid;
        this.fd = fd;
        this.blocker = Blocker.forDescriptor("pidfd of pid " + pid, fd);
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
        NativeAccess.require();
        int p = Check.pid(pid);
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
    @Override
    public OwnedFd fd() {
        return fd;
    }

    /**
     * Opens a second pidfd for the same process ({@code fcntl(F_DUPFD_CLOEXEC)}), closed
     * separately: still immune to pid reuse, unlike a new {@link #open(long)}.
     *
     * @return the copy
     * @throws IllegalStateException if this pidfd is closed
     * @throws IOException if the process is out of descriptors (EMFILE)
     */
    public PidFd dup() throws IOException {
        blocker.enter();
        try {
            return new PidFd(pid, fd.dup());
        } finally {
            blocker.exit();
        }
    }

    /**
     * {@return whether the process still runs (a zombie counts as exited)}
     *
     * @throws IllegalStateException if this pidfd is closed
     * @throws IOException if the call fails
     */
    public boolean isAlive() throws IOException {
        int n = blocker.enter(); // a poll that does not wait: no engine loop, no interrupt check
        try {
            MemorySegment p = Waiter.current().scratch(pollfd.layout().byteSize());
            pollfd.fd(p, n);
            pollfd.events(p, (short) Native.POLLIN);
            pollfd.revents(p, (short) 0);
            int r = Sys.poll(p, 1, 0);
            if (r < 0) {
                throw Errors.of("poll", "pidfd=" + n + ", pid=" + pid, -r);
            }
            return r == 0;
        } finally {
            blocker.exit();
        }
    }

    /**
     * Waits until the process exits ({@code poll} for {@code POLLIN}).
     *
     * @throws IllegalStateException if this pidfd is closed
     * @throws AsynchronousCloseException if another thread closed it during the wait
     * @throws InterruptedIOException if the thread was interrupted during the wait (this
     *         pidfd stays open, the interrupt status stays set)
     * @throws IOException if the call fails
     */
    public void awaitExit() throws IOException {
        blocker.awaitReady(Native.POLLIN, Deadline.NONE);
    }

    /**
     * Waits at most {@code timeout} for the process to exit.
     *
     * @param timeout the longest wait; zero polls
     * @return true if it has exited, false on timeout
     * @throws IllegalStateException if this pidfd is closed
     * @throws AsynchronousCloseException if another thread closed it during the wait
     * @throws InterruptedIOException if the thread was interrupted during the wait (this
     *         pidfd stays open, the interrupt status stays set)
     * @throws IOException if the call fails
     */
    public boolean awaitExit(Duration timeout) throws IOException {
        return blocker.awaitReady(Native.POLLIN, Deadline.end(timeout));
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
        int n = blocker.enter();
        try {
            int r = SignalCalls.pidfdSendSignal(n, signal.number());
            if (r < 0) {
                throw Errors.of("pidfd_send_signal", "pid=" + pid + ", " + signal.name(), -r);
            }
        } finally {
            blocker.exit();
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
        int n = blocker.enter();
        try {
            MemorySegment info = Waiter.current().scratch(siginfo_t.layout().byteSize());
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
            blocker.exit();
        }
    }

    /**
     * Waits for a child of this process to exit and collects its status.
     *
     * @return the status
     * @throws IllegalStateException if this pidfd is closed
     * @throws AsynchronousCloseException if another thread closed it during the wait
     * @throws InterruptedIOException if the thread was interrupted during the wait (the
     *         child is not reaped: it can still be waited for)
     * @throws IOException ECHILD when the process is not a child of this one, or another
     *         failure of the call
     */
    public ExitStatus waitFor() throws IOException {
        awaitExit();
        return tryReap();
    }

    /**
     * Waits at most {@code timeout} for a child of this process to exit and collects its
     * status.
     *
     * @param timeout the longest wait
     * @return the status, or {@code null} on timeout
     * @throws IllegalStateException if this pidfd is closed
     * @throws AsynchronousCloseException if another thread closed it during the wait
     * @throws InterruptedIOException if the thread was interrupted during the wait (the
     *         child is not reaped: it can still be waited for)
     * @throws IOException ECHILD when the process is not a child of this one, or another
     *         failure of the call
     */
    public ExitStatus waitFor(Duration timeout) throws IOException {
        if (!awaitExit(timeout)) {
            return null;
        }
        return tryReap();
    }

    /** Closes the descriptor, once; releases every thread waiting on it. */
    @Override
    public void close() {
        blocker.close();
    }


    /**
     * {@return what a {@link org.panamaipc.WaitSet} can wait for on this pidfd:
     *     {@link Interest#EXITED}}
     */
    @Override
    public Set<Interest> interests() {
        return OFFERS;
    }

    @Override
    public String toString() {
        return "PidFd[pid=" + pid + ", " + fd + "]";
    }
}
