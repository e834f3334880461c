package org.panamaipc.process;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.panamaipc.DescriptorKind;
import org.panamaipc.Interest;
import org.panamaipc.OwnedFd;
import org.panamaipc.Waitable;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.pollfd;
import org.panamaipc.bindings.siginfo_t;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Blocker.Timing;
import org.panamaipc.internal.BlockingCall;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.FdKinds;
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
 * <p><b>State changes.</b> For a child of this process, {@link #tryNextChange()},
 * {@link #nextChange(Duration)} and {@link #nextChange()} take its {@link StateChange}s one
 * at a time: stopped (by which signal), continued, exited, killed; {@link #stop()} and
 * {@link #resume()} cause the first two. The descriptor polls readable only at exit, so a
 * {@link org.panamaipc.WaitSet} sees stops and continues through a {@code SIGCHLD}
 * registration instead (see the {@linkplain org.panamaipc.process package documentation}).
 *
 * <p><b>A traced child.</b> When this process traces the child (ptrace), {@code waitid}
 * reports its ptrace stops too, and they belong to the tracer. While a tracer of this library
 * holds the process, the state-change waits throw {@link IllegalStateException} instead of
 * taking a stop the tracer needs; a stop reported between a wait's look and its take is
 * never taken, as the look does not consume ({@code WNOWAIT}). A trace made by other means (a
 * native call, another library) is not known here: its ptrace stops would be taken and
 * reported as {@link StateChange.Kind#TRAPPED}. The exit waits ({@link #awaitExit},
 * {@link #tryReap}, {@link #waitFor}) never take a stop: they collect only an exit.
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

    private static final int POLLIN = LibC.POLLIN();
    private static final int CHANGES = LibC.WEXITED() | LibC.WSTOPPED() | LibC.WCONTINUED();
    private static final int WNOHANG = LibC.WNOHANG();
    private static final int WNOWAIT = LibC.WNOWAIT();
    private static final long SIGINFO_BYTES = siginfo_t.layout().byteSize();
    /** A look at the next change that waits for it and does not take it. */
    private static final BlockingCall LOOK = PidFd::look;
    /**
     * The processes whose waits a tracer of this library owns, by pid, to the tracer; also the
     * lock under which a change is taken, so that no take slips between a claim and its tracer.
     */
    private static final Map<Long, Object> WAIT_OWNERS = new HashMap<>();
    /** The C library's values, read only once native access was checked ({@link NativeAccess}). */
    private static final class Native {
        static final int POLLIN = LibC.POLLIN();
    }


    private final long pid;
    private final OwnedFd fd;
    private final Blocker blocker;
    /** The exit this pidfd took from the kernel (reaping the child), guarded by {@link #WAIT_OWNERS}. */
    private volatile ExitStatus reaped;

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

    /**
     * Takes ownership of a pidfd made elsewhere: received over a Unix socket, inherited, or
     * opened by other code. Its process id is read from {@code /proc/self/fdinfo}
     * ({@code Pid:}); it is -1 when the process has exited and been reaped already.
     *
     * <p><b>Lifetime.</b> The number is detached from {@code fd} (so that closing {@code fd},
     * or the received message that held it, no longer closes it): close the returned pidfd.
     *
     * @param fd the descriptor
     * @return the pidfd
     * @throws IllegalArgumentException if the descriptor is not a pidfd (the message says what
     *         it is and what it can become, see {@link org.panamaipc.DescriptorKind}); {@code fd}
     *         then stays open
     * @throws IllegalStateException if {@code fd} is closed or in use
     * @throws IOException if {@code fstat} fails on it or its fdinfo cannot be read
     * @see <a href="https://man7.org/linux/man-pages/man5/proc_pid_fdinfo.5.html">proc_pid_fdinfo(5)</a>
     */
    public static PidFd adopt(OwnedFd fd) throws IOException {
        FdKinds.require(fd, "PidFd.adopt", "a pidfd", DescriptorKind.PIDFD);
        int n = fd.acquire();
        long pid;
        try {
            String value = FdKinds.fdinfo(n, "Pid:");
            pid = value == null ? -1 : Long.parseLong(value);
        } finally {
            fd.release();
        }
        return new PidFd(pid, OwnedFd.adopt(fd.detach()));
    }

    /** {@return the process's id, as it was when the pidfd was opened; -1 for an adopted pidfd of a reaped process} */
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
     * ({@code waitid(P_PIDFD, WEXITED|WNOHANG)}), without waiting. A child's status is taken from
     * the kernel once; this pidfd remembers it and returns it again. A ptrace stop is never
     * taken here (the call looks first with {@code WNOWAIT}).
     *
     * @return the status, or {@code null} if the child still runs
     * @throws IllegalStateException if this pidfd is closed
     * @throws IOException ECHILD when the process is not a child of this one or was reaped
     *         through another object, or another failure of the call
     * @see <a href="https://man7.org/linux/man-pages/man2/waitid.2.html">waitid(2)</a>
     */
    public ExitStatus tryReap() throws IOException {
        int n = blocker.enter();
        try {
            synchronized (WAIT_OWNERS) {
                if (reaped != null) {
                    return reaped;
                }
                MemorySegment info = Waiter.current().scratch(SIGINFO_BYTES);
                // a tracer's waitid reports ptrace stops even without WSTOPPED: look, and take only an exit
                waitid(n, info, LibC.WEXITED() | WNOHANG | WNOWAIT, "WEXITED|WNOHANG|WNOWAIT");
                StateChange look = changeIn(info);
                if (look == null || !look.isTerminal()) {
                    return null;
                }
                waitid(n, info, LibC.WEXITED() | WNOHANG, "WEXITED|WNOHANG");
                StateChange c = changeIn(info);
                if (c == null || !c.isTerminal()) {
                    throw new IllegalStateException("waitid reported " + c + " after an exit of pid=" + pid);
                }
                reaped = c.exitStatus();
                return reaped;
            }
        } finally {
            blocker.exit();
        }
    }

    /** {@return the exit this pidfd took from the kernel, or {@code null}; also after close} */
    ExitStatus reaped() {
        return reaped;
    }

    private void waitid(int n, MemorySegment info, int options, String names) throws IOException {
        int r = ProcessCalls.waitid(LibC.P_PIDFD(), n, info, options);
        if (r < 0) {
            throw Errors.of("waitid", "P_PIDFD, pid=" + pid + ", " + names, -r);
        }
    }

    /** {@return the change a {@code waitid} wrote, or {@code null} if it found none} */
    private StateChange changeIn(MemorySegment info) {
        MemorySegment chld = siginfo_t._sifields._sigchld(siginfo_t._sifields(info));
        if (siginfo_t._sifields._sigchld.si_pid(chld) == 0) {
            return null;
        }
        return StateChange.of(pid, siginfo_t.si_code(info), siginfo_t._sifields._sigchld.si_status(chld));
    }

    // ---------------------------------------------------------------- state changes

    /**
     * Takes the child's next state change without waiting
     * ({@code waitid(P_PIDFD, WEXITED|WSTOPPED|WCONTINUED|WNOHANG)}). Taking an exit or a kill
     * reaps the child (then {@link #tryReap()} returns its status).
     *
     * @return the change, or {@code null} if none is waiting or the child's end was taken already
     * @throws IllegalStateException if this pidfd is closed, or a tracer of this library owns the
     *         child's waits (see <i>A traced child</i> above)
     * @throws IOException ECHILD when the process is not a child of this one, or another failure
     *         of the call
     * @see <a href="https://man7.org/linux/man-pages/man2/waitid.2.html">waitid(2)</a>
     */
    public StateChange tryNextChange() throws IOException {
        int n = blocker.enter();
        try {
            return take(n);
        } finally {
            blocker.exit();
        }
    }

    /**
     * Waits at most {@code timeout} for the child's next state change and takes it.
     *
     * @param timeout the longest wait; zero looks without waiting
     * @return the change, or {@code null} on timeout
     * @throws IllegalStateException if this pidfd is closed, the child's end was taken already,
     *         or a tracer of this library owns the child's waits
     * @throws AsynchronousCloseException if another thread closed this pidfd during the wait
     * @throws InterruptedIOException if the thread was interrupted during the wait (nothing is
     *         taken; this pidfd stays open, the interrupt status stays set)
     * @throws IOException ECHILD when the process is not a child of this one, or another failure
     *         of the call
     * @see <a href="https://man7.org/linux/man-pages/man2/waitid.2.html">waitid(2)</a>
     */
    public StateChange nextChange(Duration timeout) throws IOException {
        return nextChange(Deadline.end(timeout));
    }

    /**
     * Waits for the child's next state change and takes it.
     *
     * @return the change
     * @throws IllegalStateException if this pidfd is closed, the child's end was taken already,
     *         or a tracer of this library owns the child's waits
     * @throws AsynchronousCloseException if another thread closed this pidfd during the wait
     * @throws InterruptedIOException if the thread was interrupted during the wait (nothing is
     *         taken; this pidfd stays open, the interrupt status stays set)
     * @throws IOException ECHILD when the process is not a child of this one, or another failure
     *         of the call
     * @see <a href="https://man7.org/linux/man-pages/man2/waitid.2.html">waitid(2)</a>
     */
    public StateChange nextChange() throws IOException {
        return nextChange(Deadline.NONE);
    }

    private StateChange nextChange(long deadline) throws IOException {
        while (true) {
            int n = blocker.enter();
            try {
                if (reaped != null) {
                    throw new IllegalStateException("pid=" + pid + " has ended, " + reaped + ": no change follows");
                }
                StateChange c = take(n);
                if (c != null) {
                    return c;
                }
            } finally {
                blocker.exit();
            }
            if (Deadline.expired(deadline)) {
                return null;
            }
            // Wait with a look that takes nothing (WNOWAIT), then take under the lock: a change
            // seen here is taken by whoever comes first, and a ptrace stop by no one but the tracer.
            MemorySegment info = Waiter.current().scratch(SIGINFO_BYTES);
            long r = blocker.call(LOOK, 0, info, MemorySegment.NULL, CHANGES | WNOWAIT, 0, 0, deadline, Timing.TIMER);
            if (r == -Blocker.ETIMEDOUT) {
                return null;
            }
            if (r < 0 && reaped != null) {
                continue; // another thread took the end meanwhile: said above
            }
            if (r < 0) {
                throw Errors.of("waitid", "P_PIDFD, pid=" + pid + ", WEXITED|WSTOPPED|WCONTINUED|WNOWAIT", (int) -r);
            }
        }
    }

    private static long look(int fd, MemorySegment info, MemorySegment unused, long options, long y, long z,
            MemorySegment timeout) {
        return ProcessCalls.waitid(LibC.P_PIDFD(), fd, info, (int) options);
    }

    /** Takes the next change, if any, unless a tracer owns the process's waits. */
    private StateChange take(int n) throws IOException {
        synchronized (WAIT_OWNERS) {
            Object owner = WAIT_OWNERS.get(pid);
            if (owner != null) {
                throw new IllegalStateException("pid=" + pid + " is traced by " + owner
                        + ": its state changes are the tracer's to take");
            }
            if (reaped != null) {
                return null;
            }
            MemorySegment info = Waiter.current().scratch(SIGINFO_BYTES);
            waitid(n, info, CHANGES | WNOHANG, "WEXITED|WSTOPPED|WCONTINUED|WNOHANG");
            StateChange c = changeIn(info);
            if (c != null && c.isTerminal()) {
                reaped = c.exitStatus();
            }
            return c;
        }
    }

    /**
     * Hands the waits of a process to a tracer of this library: until
     * {@link #releaseWaits(long, Object)}, the state-change waits of every pidfd of the process
     * throw {@link IllegalStateException} naming the tracer. For the tracing classes of this
     * package, which must take the process's stops themselves. A tracer that sees the process
     * exit should look with {@code WNOWAIT} and leave the reaping to the exit waits.
     *
     * @param pid the process
     * @param tracer what the messages name
     * @throws IllegalStateException if another tracer owns the waits
     */
    static void claimWaits(long pid, Object tracer) {
        synchronized (WAIT_OWNERS) {
            Object owner = WAIT_OWNERS.putIfAbsent(pid, Objects.requireNonNull(tracer, "tracer"));
            if (owner != null && owner != tracer) {
                throw new IllegalStateException("pid=" + pid + " is traced by " + owner + " already");
            }
        }
    }

    /**
     * Gives the waits of a process back, if {@code tracer} owns them.
     *
     * @param pid the process
     * @param tracer the tracer that claimed them
     */
    static void releaseWaits(long pid, Object tracer) {
        synchronized (WAIT_OWNERS) {
            WAIT_OWNERS.remove(pid, tracer);
        }
    }

    /**
     * Stops the process ({@code SIGSTOP}, which it cannot catch or ignore). For a child,
     * {@link #nextChange()} then reports it {@linkplain StateChange.Kind#STOPPED stopped}.
     *
     * @throws IllegalStateException if this pidfd is closed
     * @throws IOException ESRCH when the process has exited, EPERM when not permitted
     * @see <a href="https://man7.org/linux/man-pages/man2/pidfd_send_signal.2.html">pidfd_send_signal(2)</a>
     */
    public void stop() throws IOException {
        sendSignal(Signal.SIGSTOP);
    }

    /**
     * Continues the process after a stop ({@code SIGCONT}). For a child that was stopped,
     * {@link #nextChange()} then reports it {@linkplain StateChange.Kind#CONTINUED continued}.
     *
     * @throws IllegalStateException if this pidfd is closed
     * @throws IOException ESRCH when the process has exited, EPERM when not permitted
     * @see <a href="https://man7.org/linux/man-pages/man2/pidfd_send_signal.2.html">pidfd_send_signal(2)</a>
     */
    public void resume() throws IOException {
        sendSignal(Signal.SIGCONT);
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
