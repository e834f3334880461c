package org.panamaipc.process;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.panamaipc.IpcAccessDeniedException;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.__ptrace_syscall_info;
import org.panamaipc.bindings.iovec;
import org.panamaipc.bindings.siginfo_t;
import org.panamaipc.bindings.user_regs_struct;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.ProcFiles;
import org.panamaipc.internal.OwnerThread;
import org.panamaipc.internal.ProcessCalls;
import org.panamaipc.internal.TraceCalls;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.signal.Signal;

/**
 * Traces processes with {@code ptrace}: sees each signal before it is delivered (and
 * delivers, suppresses or replaces it), each system call at entry and exit, each
 * {@code exec}, fork and exit; reads a stopped tracee's registers and memory.
 *
 * <pre>{@code
 * try (Trace trace = Trace.start(List.of("/bin/echo", "hi"), TraceOption.SYSCALLS)) {
 *     for (TraceEvent e; (e = trace.next()) != null; ) {
 *         if (e instanceof SyscallStop call && !call.isEntry()) {
 *             System.out.println(call.name() + " = " + call.result());
 *         }
 *         if (!(e instanceof TraceeExit)) {
 *             trace.resume(e);                       // as if untraced: a signal is delivered
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p><b>The tracer thread.</b> The kernel takes {@code ptrace} requests for a tracee only
 * from the thread that attached it. So each trace owns one platform thread that attaches,
 * makes every request and collects every stop; the methods of this class hand their work to
 * it and wait, so any thread, virtual or platform, can drive a trace. A trace is driven like
 * an iterator: {@link #next()} reports a stopped tracee, which stays stopped until
 * {@link #resume} or {@link #detach}. Requests are served in the order they are made: one
 * made while another thread waits in {@code next()} runs when that wait ends.
 *
 * <p><b>Handling events on the tracer thread.</b> Each request from another thread is a
 * hand-over to the tracer thread and a wake-up back, which costs more than the request itself
 * (two per system call stop with {@code next()} and {@code resume}). {@link #drive} runs a
 * {@link TraceHandler} on the tracer thread for each event instead, where the trace's requests
 * run at once: one hand-over for the whole loop, as a tracer written in C pays none.
 *
 * <p><b>Who collects what.</b> The tracer thread collects its tracees' stops and exits with
 * {@code waitid(__WALL|__WNOTHREAD)}, which sees its tracees and nothing else of this process.
 * A traced child of this process is never reaped by the trace: its exit is reported as a
 * {@link TraceeExit} and its status stays with its {@link ChildProcess}
 * ({@link ChildProcess#waitFor()} works as untraced). Do not wait for a traced child's
 * <em>stops</em> elsewhere (a {@code waitid(WSTOPPED)} on its pidfd): the kernel reports a
 * tracee's stops to any thread of its tracer's process when that process is also its parent,
 * and a stop taken there is lost to the trace.
 *
 * <p><b>Lifetime.</b> {@link #close()} ends the trace and leaves every tracee running as it
 * would untraced: a tracee stopped at a signal gets the signal, a running one is interrupted
 * and detached, a dead one is reaped (or left to its {@link ChildProcess}). A thread blocked in
 * {@link #next()} meanwhile throws {@link AsynchronousCloseException}; later calls throw
 * {@link IllegalStateException}. If the tracer thread ended without that, the kernel would
 * detach the tracees itself.
 *
 * <p><b>Interrupt.</b> Interrupting a thread blocked in {@link #next()} ends the wait with
 * {@link InterruptedIOException}, the interrupt status still set; the trace stays open and no
 * event is lost.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/ptrace.2.html">ptrace(2)</a>
 */
public final class Trace implements AutoCloseable {
    private static final int SIGTRAP = LibC.SIGTRAP();
    private static final int SYSCALL_TRAP = SIGTRAP | 0x80;
    private static final int WALL = LibC.__WALL() | LibC.__WNOTHREAD();
    private static final int ECHILD = LibC.ECHILD();
    private static final int ESRCH = LibC.ESRCH();
    private static final long SETTLE_NANOS = Duration.ofSeconds(10).toNanos();
    private static final long[] NO_ARGUMENTS = {};
    private static final Set<Integer> STOP_SIGNALS = Set.of(LibC.SIGSTOP(), LibC.SIGTSTP(), LibC.SIGTTIN(), LibC.SIGTTOU());

    private final Set<TraceOption> options;
    private final int resumeRequest;
    private final OwnerThread tracer;
    private final Blocker blocker;
    private final ChildProcess child;
    private final boolean ownsChild;
    private volatile boolean closed;

    // touched only on the tracer thread
    private final Map<Long, Tracee> tracees = new LinkedHashMap<>();
    /** The process whose state-change waits this trace owns, or 0. */
    private volatile long claimed;
    private final ArrayDeque<TraceEvent> pending = new ArrayDeque<>();
    /** Tracees whose stop may still be unconsumed (see {@link #consumeReportedStops()}). */
    private final List<Tracee> reported = new ArrayList<>();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment info = arena.allocate(siginfo_t.layout());
    private final MemorySegment syscallInfo = arena.allocate(__ptrace_syscall_info.layout());
    private final MemorySegment regs = arena.allocate(user_regs_struct.layout());
    private final MemorySegment vec = arena.allocate(iovec.layout());
    private final MemorySegment word = arena.allocate(8, 8);
    private long skipUntilExec; // the launched command's pid until it reaches its exec, else 0

    /** One traced thread. */
    private static final class Tracee {
        final long pid;
        TraceEvent stop; // the stop it waits in, or null while it runs
        boolean unconsumed; // its stop was reported (peeked with WNOWAIT) and is still the kernel's to report
        int syscall = -1; // the call it is in between entry and exit
        long[] arguments = NO_ARGUMENTS; // never written: shared with the events, which hand out copies
        boolean started; // a new tracee's first stop, the attach, has been seen

        Tracee(long pid, boolean started) {
            this.pid = pid;
            this.started = started;
        }
    }

    private Trace(Set<TraceOption> options, ChildProcess child, boolean ownsChild, String what) {
        this.options = options;
        this.resumeRequest = options.contains(TraceOption.SYSCALLS) ? LibC.PTRACE_SYSCALL() : LibC.PTRACE_CONT();
        this.child = child;
        this.ownsChild = ownsChild;
        this.tracer = OwnerThread.start("panama-ipc-tracer-" + what);
        this.blocker = Blocker.forHandle("trace of " + what, null);
    }

    private static Set<TraceOption> optionSet(TraceOption... options) {
        Check.notNull("options", options);
        Set<TraceOption> set = EnumSet.noneOf(TraceOption.class);
        for (TraceOption o : options) {
            set.add(Check.notNull("option", o));
        }
        return set;
    }

    /**
     * Starts a command traced from its {@code execve}: the first event is the
     * {@code execve} system call's entry ({@link TraceOption#SYSCALLS}) or its
     * {@link ExecStop}. The command gets this process's standard input, output and error.
     * The trace owns the child ({@link #child()}) and closes it on {@link #close()}.
     *
     * <p>How: a shell started for it waits on a pipe until the trace has attached, then
     * {@code exec}s the command (resolved in {@code PATH} first); what the shell does before
     * is not reported.
     *
     * @param command the program and its arguments
     * @param options what to stop for
     * @return the trace
     * @throws IllegalArgumentException if the command is empty
     * @throws java.nio.file.NoSuchFileException if the program is not found in {@code PATH}
     * @throws IOException if the child cannot be started or traced
     * @see <a href="https://man7.org/linux/man-pages/man2/ptrace.2.html">ptrace(2)</a>
     */
    public static Trace start(List<String> command, TraceOption... options) throws IOException {
        Check.notNull("command", command);
        Check.notNull("options", options);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command must name a program");
        }
        List<String> argv = new ArrayList<>();
        argv.addAll(List.of("/bin/sh", "-c", "read _ <&3; exec 3<&- \"$0\" \"$@\"", resolve(command.get(0))));
        argv.addAll(command.subList(1, command.size()));
        Trace trace = null;
        try (Pipe go = Pipe.open()) {
            ChildProcess child = ChildProcess.builder(argv).mapFd(3, go.source()).start();
            go.source().close();
            try {
                trace = new Trace(optionSet(options), child, true, "pid " + child.pid());
                Trace t = trace;
                t.tracer.run(() -> {
                    t.skipUntilExec = child.pid();
                    t.attachHere(child.pid(), false);
                    return null;
                });
                PidFd.claimWaits(child.pid(), t);
                t.claimed = child.pid();
                go.sink().write(new byte[] {'\n'}, 0, 1);
                return trace;
            } catch (IOException | RuntimeException | Error e) {
                try {
                    child.kill();
                } catch (IOException | RuntimeException ignored) {
                    // it may have exited already
                }
                if (trace != null) {
                    trace.close();
                } else {
                    child.close();
                }
                throw e;
            }
        }
    }

    private static String resolve(String program) throws IOException {
        if (program.indexOf('/') >= 0) {
            return program;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw Errors.named("execvp", program, Errors.quote(program), LibC.ENOENT());
    }

    /**
     * Traces a running child of this process ({@code PTRACE_SEIZE} of each of its threads).
     * The child stays the caller's: closing the trace does not close it.
     *
     * @param child the child
     * @param options what to stop for
     * @return the trace, attached: with {@link TraceOption#SYSCALLS} the next system call of
     *         each thread is reported
     * @throws IllegalStateException if the child is closed
     * @throws IOException as {@link #attach(long, TraceOption...)}
     */
    public static Trace attach(ChildProcess child, TraceOption... options) throws IOException {
        Check.notNull("child", child);
        if (!child.fd().isOpen()) {
            throw new IllegalStateException("child pid=" + child.pid() + " is closed");
        }
        return attach(child.pid(), child, options);
    }

    /**
     * Traces another process, where the kernel allows it ({@code PTRACE_SEIZE} of each of its
     * threads): a process of the same user when {@code kernel.yama.ptrace_scope} permits,
     * any process with {@code CAP_SYS_PTRACE}, and never one another tracer traces already.
     *
     * @param pid the process
     * @param options what to stop for
     * @return the trace, attached
     * @throws IllegalArgumentException if {@code pid} is not positive, or is a child of this
     *         process: trace a child through {@link #attach(ChildProcess, TraceOption...)};
     *         a {@link java.lang.Process} child cannot be traced, since the JDK's reaper thread
     *         waits for it in a way that takes ptrace stops too
     * @throws java.nio.file.AccessDeniedException if the kernel does not permit it (EPERM:
     *         the message names {@code ptrace_scope} and the capability)
     * @throws IOException ESRCH when there is no such process, or another failure
     * @see <a href="https://man7.org/linux/man-pages/man2/ptrace.2.html">ptrace(2)</a>
     */
    public static Trace attach(long pid, TraceOption... options) throws IOException {
        Check.pid(pid);
        Check.notNull("options", options);
        if (parentOf(pid) == ProcessHandle.current().pid()) {
            throw new IllegalArgumentException("pid=" + pid + " is a child of this process: trace it through its "
                    + "ChildProcess (the reaper thread of a java.lang.Process would take the trace's stops)");
        }
        return attach(pid, null, options);
    }

    /** The parent's pid from {@code /proc/PID/stat}, or 0 if the process is gone. */
    private static long parentOf(long pid) {
        return Math.max(0, ProcFiles.statField(pid, 4));
    }

    private static Trace attach(long pid, ChildProcess child, TraceOption... options) throws IOException {
        Check.pid(pid);
        Trace trace = new Trace(optionSet(options), child, false, "pid " + pid);
        try {
            trace.tracer.run(() -> {
                trace.attachHere(pid, true);
                return null;
            });
            PidFd.claimWaits(pid, trace); // its stops are the trace's: state-change waits refuse meanwhile
            trace.claimed = pid;
            return trace;
        } catch (IOException | RuntimeException | Error e) {
            trace.close();
            throw e;
        }
    }

    /** Seizes every thread of the process; with system calls, interrupts each to start them. */
    private void attachHere(long pid, boolean allThreads) throws IOException {
        List<Long> threads = allThreads ? threadsOf(pid) : List.of(pid);
        for (long tid : threads) {
            long r = TraceCalls.ptrace(LibC.PTRACE_SEIZE(), (int) tid, 0, ptraceOptions());
            if (r < 0) {
                if (tid != pid && r == -ESRCH) {
                    continue; // the thread ended meanwhile
                }
                throw seizeFailure(pid, tid, (int) -r);
            }
            tracees.put(tid, new Tracee(tid, true));
        }
        if (options.contains(TraceOption.SYSCALLS)) {
            for (Tracee t : List.copyOf(tracees.values())) {
                TraceCalls.ptrace(LibC.PTRACE_INTERRUPT(), (int) t.pid, 0, 0);
            }
            long deadline = Deadline.end(Duration.ofNanos(SETTLE_NANOS));
            for (Tracee t : List.copyOf(tracees.values())) {
                TraceEvent first = awaitStopHere(t, deadline, blocker);
                if (first instanceof InterruptStop) {
                    t.stop = null;
                    t.unconsumed = false;
                    TraceCalls.ptrace(resumeRequest, (int) t.pid, 0, 0); // from now on, every call stops
                } else if (first != null) {
                    pending.add(first);
                }
            }
        }
    }

    private long ptraceOptions() {
        long o = LibC.PTRACE_O_TRACESYSGOOD() | LibC.PTRACE_O_TRACEEXEC();
        if (options.contains(TraceOption.FOLLOW_FORKS)) {
            o |= LibC.PTRACE_O_TRACEFORK() | LibC.PTRACE_O_TRACEVFORK() | LibC.PTRACE_O_TRACECLONE();
        }
        if (options.contains(TraceOption.EXITS)) {
            o |= LibC.PTRACE_O_TRACEEXIT();
        }
        return o;
    }

    private static List<Long> threadsOf(long pid) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            List<Long> tids = new ArrayList<>(tasks.map(p -> Long.parseLong(p.getFileName().toString())).sorted().toList());
            tids.remove(pid);
            tids.addFirst(pid);
            return tids;
        } catch (java.nio.file.NoSuchFileException e) {
            throw Errors.of("ptrace", "PTRACE_SEIZE, pid=" + pid, ESRCH);
        }
    }

    private static IOException seizeFailure(long pid, long tid, int errno) {
        String args = "PTRACE_SEIZE, pid=" + tid;
        if (errno == LibC.EPERM()) {
            return new IpcAccessDeniedException("ptrace", "pid " + pid, args, errno,
                    "pid " + pid + " is traced already, or " + ProcessMemory.permissionNeeded());
        }
        return Errors.of("ptrace", args, errno);
    }

    /** {@return the child the trace started or was given, or {@code null} for a process attached by pid} */
    public ChildProcess child() {
        return child;
    }

    /** {@return the options the trace was made with} */
    public Set<TraceOption> options() {
        return Collections.unmodifiableSet(options);
    }

    /**
     * {@return the ids of the tracees now (the threads and processes still traced)}
     *
     * @throws IllegalStateException if the trace is closed
     * @throws IOException if the hand-over fails
     */
    public Set<Long> tracees() throws IOException {
        return onTracer(() -> Set.copyOf(tracees.keySet()));
    }

    /**
     * Waits for the next event of any tracee.
     *
     * @return the event, or {@code null} once nothing is traced any more (every tracee has
     *         exited or been detached)
     * @throws AsynchronousCloseException if another thread closed the trace during the wait
     * @throws InterruptedIOException if the thread was interrupted during the wait (nothing
     *         is lost; the interrupt status stays set)
     * @throws IllegalStateException if the trace is closed
     * @throws IOException if the call fails
     * @see <a href="https://man7.org/linux/man-pages/man2/waitid.2.html">waitid(2)</a>
     */
    public TraceEvent next() throws IOException {
        return onTracer(() -> nextHere(Deadline.NONE));
    }

    /**
     * Waits at most {@code timeout} for the next event of any tracee.
     *
     * @param timeout the longest wait; zero looks without waiting
     * @return the event, or {@code null} on timeout or once nothing is traced any more
     *         ({@link #tracees()} tells which)
     * @throws AsynchronousCloseException if another thread closed the trace during the wait
     * @throws InterruptedIOException if the thread was interrupted during the wait
     * @throws IllegalStateException if the trace is closed
     * @throws IOException if the call fails
     */
    public TraceEvent next(Duration timeout) throws IOException {
        long deadline = Deadline.end(Check.timeout(timeout));
        return onTracer(() -> nextHere(deadline));
    }

    /**
     * {@return the next event if one is ready, else {@code null}, without waiting}
     *
     * @throws IllegalStateException if the trace is closed
     * @throws IOException if the call fails
     */
    public TraceEvent tryNext() throws IOException {
        return next(Duration.ZERO);
    }

    /**
     * Runs {@code handler} on the tracer thread for each event, until it returns {@code false}
     * or nothing is traced any more: the loop of {@link #next()} and {@link #resume} without a
     * hand-over to the tracer thread and back per request. The handler's own requests to this
     * trace run at once; requests from other threads wait until the loop ends (as they wait
     * for a {@link #next()}).
     *
     * @param handler what to do with each event
     * @return the event the handler ended the loop at (its tracee still stopped there, unless
     *         the handler resumed it), or {@code null} once nothing is traced any more
     * @throws AsynchronousCloseException if another thread closed the trace meanwhile
     * @throws InterruptedIOException if the thread was interrupted during a wait (nothing is
     *         lost; the interrupt status stays set)
     * @throws IllegalStateException if the trace is closed
     * @throws IOException if a call fails, or as the handler throws
     */
    public TraceEvent drive(TraceHandler handler) throws IOException {
        Check.notNull("handler", handler);
        return onTracer(() -> driveHere(handler, Deadline.NONE));
    }

    /**
     * Runs {@code handler} on the tracer thread for each event, as {@link #drive(TraceHandler)},
     * until it returns {@code false}, nothing is traced any more, or no event came in
     * {@code timeout}.
     *
     * @param handler what to do with each event
     * @param timeout the longest the whole loop waits for events; zero takes only the events
     *        ready now
     * @return the event the handler ended the loop at, or {@code null} on timeout or once
     *         nothing is traced any more ({@link #tracees()} tells which)
     * @throws AsynchronousCloseException if another thread closed the trace meanwhile
     * @throws InterruptedIOException if the thread was interrupted during a wait
     * @throws IllegalStateException if the trace is closed
     * @throws IOException if a call fails, or as the handler throws
     */
    public TraceEvent drive(TraceHandler handler, Duration timeout) throws IOException {
        Check.notNull("handler", handler);
        long deadline = Deadline.end(Check.timeout(timeout));
        return onTracer(() -> driveHere(handler, deadline));
    }

    private TraceEvent driveHere(TraceHandler handler, long deadline) throws IOException {
        try {
            while (true) {
                TraceEvent e = nextHere(deadline);
                if (e == null || !handler.handle(e)) {
                    return e;
                }
            }
        } catch (IllegalStateException e) {
            if (closed) { // a request of the handler's after another thread's close()
                AsynchronousCloseException c = new AsynchronousCloseException();
                c.addSuppressed(e);
                throw c;
            }
            throw e;
        }
    }

    private TraceEvent nextHere(long deadline) throws IOException {
        while (true) {
            TraceEvent e = pending.poll();
            if (e == null) {
                if (tracees.isEmpty()) {
                    return null;
                }
                consumeReportedStops();
                int options = LibC.WEXITED() | LibC.WSTOPPED() | WALL | LibC.WNOWAIT();
                long r = Deadline.expired(deadline)
                        ? ProcessCalls.waitid(LibC.P_ALL(), 0, info, options | LibC.WNOHANG())
                        : blocker.call(TraceCalls::waitid, 0, info, MemorySegment.NULL, LibC.P_ALL(), 0, options,
                                deadline, Blocker.Timing.TIMER);
                if (r == -Blocker.ETIMEDOUT) {
                    return null;
                }
                if (r == -ECHILD) {
                    vanished();
                    continue;
                }
                if (r < 0) {
                    throw Errors.of("waitid", "P_ALL, WEXITED|WSTOPPED|__WALL|__WNOTHREAD|WNOWAIT", (int) -r);
                }
                long pid = siginfo_t._sifields._sigchld.si_pid(siginfo_t._sifields._sigchld(siginfo_t._sifields(info)));
                if (pid == 0) {
                    return null; // WNOHANG: nothing yet
                }
                e = collect(pid);
            }
            if (e != null && !skipped(e)) {
                return e;
            }
        }
    }

    /**
     * Consumes the stops that were reported and are still there, before the next wait. A stop
     * is only peeked at when it is reported ({@code WNOWAIT}), and a resume, listen or detach
     * takes it back from wait's reports in the kernel (the tracee's {@code exit_code} is
     * replaced under the same lock that clears its traced state), so the usual step, report
     * then resume, costs one {@code waitid} per stop as C's {@code waitpid} loop does. A
     * tracee left stopped at a reported stop would be reported again by the next wait, and would
     * hide the others' stops behind it: here its stop is consumed.
     */
    private void consumeReportedStops() {
        for (int i = 0; i < reported.size(); i++) {
            Tracee t = reported.get(i);
            if (t.unconsumed && tracees.get(t.pid) == t) {
                ProcessCalls.waitid(LibC.P_PID(), (int) t.pid, info, LibC.WSTOPPED() | WALL | LibC.WNOHANG());
            }
            t.unconsumed = false;
        }
        reported.clear();
    }

    /** The kernel knows no tracee of this thread any more: the ones left were reaped elsewhere. */
    private void vanished() throws IOException {
        for (Tracee t : List.copyOf(tracees.values())) {
            if (child != null && t.pid == child.pid()) {
                ExitStatus s = childStatus();
                if (s != null) {
                    pending.add(new TraceeExit(t.pid, s));
                }
            }
        }
        tracees.clear();
    }

    private ExitStatus childStatus() throws IOException {
        try {
            return child.waitFor(Duration.ZERO);
        } catch (IllegalStateException closed) {
            return null; // its reaper collects it
        }
    }

    /**
     * Turns the state change {@link #info} holds (peeked with WNOWAIT) into an event and
     * consumes it; {@code null} for a stop the trace handles itself.
     */
    private TraceEvent collect(long pid) throws IOException {
        MemorySegment chld = siginfo_t._sifields._sigchld(siginfo_t._sifields(info));
        int code = siginfo_t.si_code(info);
        int status = siginfo_t._sifields._sigchld.si_status(chld);
        if (code == LibC.CLD_EXITED() || code == LibC.CLD_KILLED() || code == LibC.CLD_DUMPED()) {
            ExitStatus s = code == LibC.CLD_EXITED() ? ExitStatus.exited(status)
                    : ExitStatus.killed(Signal.of(status), code == LibC.CLD_DUMPED());
            if (child != null && pid == child.pid() && childStatus() != null) {
                // reaped by its ChildProcess, which keeps the status
            } else {
                ProcessCalls.waitid(LibC.P_PID(), (int) pid, info, LibC.WEXITED() | WALL | LibC.WNOHANG());
            }
            tracees.remove(pid);
            return new TraceeExit(pid, s);
        }
        Tracee t = tracees.computeIfAbsent(pid, p -> new Tracee(p, false)); // a new one, before its parent's event
        t.unconsumed = true; // consumed only if it is still stopped when the trace next waits
        reported.add(t);
        int sig = status & 0xff;
        int event = (status >> 8) & 0xff;
        TraceEvent e;
        if (sig == SYSCALL_TRAP) {
            e = syscallStop(t);
        } else if (event == LibC.PTRACE_EVENT_STOP()) {
            if (!t.started) {
                t.started = true; // a followed child's first stop: it runs under the trace now
                t.unconsumed = false;
                TraceCalls.ptrace(resumeRequest, (int) pid, 0, 0);
                return null;
            }
            e = STOP_SIGNALS.contains(sig) ? new GroupStop(pid, Signal.of(sig)) : new InterruptStop(pid);
        } else if (event == LibC.PTRACE_EVENT_FORK() || event == LibC.PTRACE_EVENT_VFORK()
                || event == LibC.PTRACE_EVENT_CLONE()) {
            long newPid = eventMessage(pid);
            tracees.computeIfAbsent(newPid, p -> new Tracee(p, false));
            e = new ForkStop(pid, newPid, event == LibC.PTRACE_EVENT_FORK() ? ForkStop.Kind.FORK
                    : event == LibC.PTRACE_EVENT_VFORK() ? ForkStop.Kind.VFORK : ForkStop.Kind.CLONE);
        } else if (event == LibC.PTRACE_EVENT_EXEC()) {
            long former = eventMessage(pid);
            if (former != pid) {
                tracees.remove(former); // it took the main thread's id
            }
            t.syscall = -1;
            e = new ExecStop(pid, former);
        } else if (event == LibC.PTRACE_EVENT_EXIT()) {
            e = new ExitStop(pid, waitStatus((int) eventMessage(pid)));
        } else if (event != 0) {
            e = new InterruptStop(pid); // an event not asked for: report it as a plain stop
        } else {
            e = new SignalStop(pid, Signal.of(sig));
        }
        t.started = true;
        t.stop = e;
        return e;
    }

    /** A {@code waitpid} status word as an {@link ExitStatus}. */
    private static ExitStatus waitStatus(int status) {
        int signal = status & 0x7f;
        return signal == 0 ? ExitStatus.exited((status >> 8) & 0xff) : ExitStatus.killed(Signal.of(signal), (status & 0x80) != 0);
    }

    private long eventMessage(long pid) {
        word.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 0);
        TraceCalls.ptrace(LibC.PTRACE_GETEVENTMSG(), (int) pid, 0, word.address());
        return word.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0);
    }

    private SyscallStop syscallStop(Tracee t) throws IOException {
        long r = TraceCalls.ptrace(LibC.PTRACE_GET_SYSCALL_INFO(), (int) t.pid, syscallInfo.byteSize(),
                syscallInfo.address());
        if (r < 0) {
            throw Errors.of("ptrace", "PTRACE_GET_SYSCALL_INFO, pid=" + t.pid, (int) -r);
        }
        int op = __ptrace_syscall_info.op(syscallInfo) & 0xff;
        if (op == LibC.PTRACE_SYSCALL_INFO_ENTRY()) {
            MemorySegment entry = __ptrace_syscall_info.entry(syscallInfo);
            long[] args = new long[6];
            for (int i = 0; i < 6; i++) {
                args[i] = __ptrace_syscall_info.entry.args(entry, i);
            }
            t.syscall = (int) __ptrace_syscall_info.entry.nr(entry);
            t.arguments = args;
            return new SyscallStop(t.pid, true, t.syscall, args, 0, false);
        }
        MemorySegment exit = __ptrace_syscall_info.exit(syscallInfo);
        long value = __ptrace_syscall_info.exit.rval(exit);
        boolean error = __ptrace_syscall_info.exit.is_error(exit) != 0;
        SyscallStop s = new SyscallStop(t.pid, false, t.syscall, t.arguments, value, error);
        t.syscall = -1;
        t.arguments = NO_ARGUMENTS;
        return s;
    }

    /** Before a launched command's exec: what its shell does is resumed unreported. */
    private boolean skipped(TraceEvent e) throws IOException {
        if (skipUntilExec == 0 || e.pid() != skipUntilExec) {
            return false;
        }
        boolean execEntry = e instanceof SyscallStop s && s.isEntry() && "execve".equals(s.name());
        if (execEntry || e instanceof ExecStop || e instanceof TraceeExit) {
            skipUntilExec = 0;
            return false;
        }
        resumeHere(e.pid(), e instanceof SignalStop s ? s.signal().number() : 0, false);
        return true;
    }

    /**
     * Lets a stopped tracee go on as it would untraced: a {@link SignalStop}'s signal is
     * delivered; a {@link GroupStop} stays stopped until a {@code SIGCONT} (which the trace
     * reports); any other stop runs on ({@code PTRACE_SYSCALL} or {@code PTRACE_CONT}).
     *
     * @param stop the event the tracee stopped with
     * @throws IllegalArgumentException if {@code stop} is a {@link TraceeExit}
     * @throws IllegalStateException if the tracee is not stopped at that event, or the trace is closed
     * @throws IOException if the request fails
     * @see <a href="https://man7.org/linux/man-pages/man2/ptrace.2.html">ptrace(2)</a>
     */
    public void resume(TraceEvent stop) throws IOException {
        Check.notNull("stop", stop);
        if (stop instanceof TraceeExit) {
            throw new IllegalArgumentException("pid=" + stop.pid() + " has exited: there is nothing to resume");
        }
        onTracer(() -> {
            Tracee t = stopped(stop.pid());
            if (t.stop != stop) {
                throw new IllegalStateException("pid=" + stop.pid() + " is stopped at " + t.stop + ", not " + stop);
            }
            if (stop instanceof GroupStop) {
                t.stop = null;
                t.unconsumed = false; // a listening tracee is not reported as stopped
                check(TraceCalls.ptrace(LibC.PTRACE_LISTEN(), (int) t.pid, 0, 0), "PTRACE_LISTEN", t.pid);
            } else {
                resumeHere(t.pid, stop instanceof SignalStop s ? s.signal().number() : 0, true);
            }
            return null;
        });
    }

    /**
     * Lets a stopped tracee run on, suppressing the signal it stopped for, if any.
     *
     * @param pid the tracee
     * @throws IllegalArgumentException if {@code pid} is not positive
     * @throws IllegalStateException if it is not a stopped tracee, or the trace is closed
     * @throws IOException if the request fails
     */
    public void resume(long pid) throws IOException {
        Check.pid(pid);
        onTracer(() -> {
            resumeHere(stopped(pid).pid, 0, true);
            return null;
        });
    }

    /**
     * Lets a stopped tracee run on with {@code signal} delivered: at a {@link SignalStop},
     * instead of the signal it stopped for.
     *
     * @param pid the tracee
     * @param signal the signal to deliver
     * @throws IllegalArgumentException if {@code pid} is not positive
     * @throws IllegalStateException if it is not a stopped tracee, or the trace is closed
     * @throws IOException if the request fails
     */
    public void resume(long pid, Signal signal) throws IOException {
        Check.pid(pid);
        Check.notNull("signal", signal);
        onTracer(() -> {
            resumeHere(stopped(pid).pid, signal.number(), true);
            return null;
        });
    }

    private void resumeHere(long pid, int signal, boolean report) throws IOException {
        Tracee t = tracees.get(pid);
        t.stop = null;
        t.unconsumed = false; // resuming takes the stop back from wait's reports
        long r = TraceCalls.ptrace(resumeRequest, (int) pid, 0, signal);
        if (report) {
            check(r, resumeRequest == LibC.PTRACE_SYSCALL() ? "PTRACE_SYSCALL" : "PTRACE_CONT", pid);
        }
    }

    /** ESRCH: the tracee was killed while stopped; its exit comes as an event. */
    private static void check(long r, String request, long pid) throws IOException {
        if (r < 0 && r != -ESRCH) {
            throw Errors.of("ptrace", request + ", pid=" + pid, (int) -r);
        }
    }

    private Tracee traced(long pid) {
        Tracee t = tracees.get(pid);
        if (t == null) {
            throw new IllegalStateException("pid=" + pid + " is not traced");
        }
        return t;
    }

    private Tracee stopped(long pid) {
        Tracee t = traced(pid);
        if (t.stop == null) {
            throw new IllegalStateException("pid=" + pid + " is running: it is not stopped at an event");
        }
        return t;
    }

    /**
     * Asks a running tracee to stop ({@code PTRACE_INTERRUPT}): {@link #next()} then reports
     * an {@link InterruptStop} (or another stop it reached first).
     *
     * @param pid the tracee
     * @throws IllegalArgumentException if {@code pid} is not positive
     * @throws IllegalStateException if it is not traced, or the trace is closed
     * @throws IOException if the request fails
     */
    public void interrupt(long pid) throws IOException {
        Check.pid(pid);
        onTracer(() -> {
            traced(pid);
            check(TraceCalls.ptrace(LibC.PTRACE_INTERRUPT(), (int) pid, 0, 0), "PTRACE_INTERRUPT", pid);
            return null;
        });
    }

    /**
     * Stops tracing a stopped tracee ({@code PTRACE_DETACH}): it runs on as untraced, with
     * the signal of a {@link SignalStop} delivered.
     *
     * @param pid the tracee
     * @throws IllegalArgumentException if {@code pid} is not positive
     * @throws IllegalStateException if it is not a stopped tracee, or the trace is closed
     * @throws IOException if the request fails
     */
    public void detach(long pid) throws IOException {
        Check.pid(pid);
        onTracer(() -> {
            detachHere(stopped(pid));
            return null;
        });
    }

    private void detachHere(Tracee t) throws IOException {
        int signal = t.stop instanceof SignalStop s ? s.signal().number() : 0;
        tracees.remove(t.pid);
        t.unconsumed = false;
        check(TraceCalls.ptrace(LibC.PTRACE_DETACH(), (int) t.pid, 0, signal), "PTRACE_DETACH", t.pid);
    }

    /**
     * Reads a stopped tracee's general-purpose registers ({@code PTRACE_GETREGSET},
     * {@code NT_PRSTATUS}).
     *
     * @param pid the tracee
     * @return a copy
     * @throws IllegalArgumentException if {@code pid} is not positive
     * @throws IllegalStateException if it is not a stopped tracee, or the trace is closed
     * @throws IOException if the request fails
     */
    public Registers registers(long pid) throws IOException {
        Check.pid(pid);
        return onTracer(() -> {
            stopped(pid);
            iovec.iov_base(vec, regs);
            iovec.iov_len(vec, regs.byteSize());
            long r = TraceCalls.ptrace(LibC.PTRACE_GETREGSET(), (int) pid, LibC.NT_PRSTATUS(), vec.address());
            if (r < 0) {
                throw Errors.of("ptrace", "PTRACE_GETREGSET, pid=" + pid + ", NT_PRSTATUS", (int) -r);
            }
            MemorySegment copy = Arena.ofAuto().allocate(user_regs_struct.layout());
            copy.copyFrom(regs);
            return new Registers(pid, copy);
        });
    }

    /**
     * Reads up to {@code length} bytes of a tracee's memory at {@code address}, through
     * {@code /proc/PID/mem} (which the tracer may read): fewer where the range runs into
     * memory the tracee has not mapped.
     *
     * @param pid the tracee
     * @param address where in its address space
     * @param length how many bytes at most
     * @return the bytes read; empty if {@code address} is not mapped (an address in the upper
     *         half, negative as a {@code long}, never is)
     * @throws IllegalArgumentException if {@code length} is negative or {@code pid} not positive
     * @throws IllegalStateException if {@code pid} is not traced, or the trace is closed
     * @throws IOException if the file cannot be read
     * @see <a href="https://man7.org/linux/man-pages/man5/proc_pid_mem.5.html">proc_pid_mem(5)</a>
     */
    public byte[] readMemory(long pid, long address, int length) throws IOException {
        Check.notNegative("length", length);
        Check.pid(pid);
        onTracer(() -> traced(pid));
        if (address < 0) {
            return new byte[0];
        }
        ByteBuffer buf = ByteBuffer.allocate(length);
        try (FileChannel mem = FileChannel.open(Path.of("/proc", Long.toString(pid), "mem"), StandardOpenOption.READ)) {
            while (buf.hasRemaining()) {
                int n;
                try {
                    n = mem.read(buf, address + buf.position());
                } catch (IOException unmapped) { // EIO past the end of a mapping
                    break;
                }
                if (n <= 0) {
                    break;
                }
            }
        }
        return Arrays.copyOf(buf.array(), buf.position());
    }

    private <T> T onTracer(org.panamaipc.internal.BoundThread.Action<T> action) throws IOException {
        if (closed) {
            throw new IllegalStateException("trace is closed");
        }
        return tracer.run(action);
    }

    /**
     * Ends the trace, once; every tracee runs on as untraced (see the class comment), and a
     * thread blocked in {@link #next()} throws {@link AsynchronousCloseException}. Closes the
     * child the trace started ({@link #start}), which then is reaped when it exits.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        blocker.close();
        try {
            tracer.run(() -> {
                detachAllHere();
                return null;
            });
        } catch (IOException | RuntimeException e) {
            // the tracer thread's end below detaches whatever is left
        } finally {
            tracer.end();
            if (claimed != 0) {
                PidFd.releaseWaits(claimed, this);
            }
            if (ownsChild) {
                child.close();
            }
        }
    }

    /** Detaches every tracee: a stopped one at once, a running one once an interrupt has stopped it. */
    private void detachAllHere() throws IOException {
        Blocker settling = Blocker.forHandle("detaching tracees", null);
        long deadline = Deadline.end(Duration.ofNanos(SETTLE_NANOS));
        try {
            while (!tracees.isEmpty() && !Deadline.expired(deadline)) {
                Tracee t = tracees.values().iterator().next();
                if (t.stop == null) {
                    TraceCalls.ptrace(LibC.PTRACE_INTERRUPT(), (int) t.pid, 0, 0);
                    awaitStopHere(t, deadline, settling);
                } else {
                    detachHere(t);
                }
            }
        } finally {
            settling.close();
            arena.close();
        }
    }

    /** Waits for one tracee's next stop or exit and collects it; the exit removes it. */
    private TraceEvent awaitStopHere(Tracee t, long deadline, Blocker engine) throws IOException {
        while (tracees.get(t.pid) == t) {
            long r = engine.call(TraceCalls::waitid, 0, info, MemorySegment.NULL, LibC.P_PID(), t.pid,
                    LibC.WEXITED() | LibC.WSTOPPED() | WALL | LibC.WNOWAIT(), deadline, Blocker.Timing.TIMER);
            if (r == -Blocker.ETIMEDOUT) {
                tracees.remove(t.pid); // the tracer thread's end detaches it
                return null;
            }
            if (r < 0) {
                tracees.remove(t.pid);
                return null;
            }
            TraceEvent e = collect(t.pid);
            if (e != null) {
                return e;
            }
            if (engine != blocker) { // closing: a followed child's first stop was resumed; stop it again
                TraceCalls.ptrace(LibC.PTRACE_INTERRUPT(), (int) t.pid, 0, 0);
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "Trace[" + options + (closed ? ", closed" : "") + "]";
    }
}
