package org.panamaipc.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InterruptedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.signal.Signal;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.KernelWaits;
import org.panamaipc.testing.PeerJvm;
import org.panamaipc.testing.PeerProcess;

@IpcTest
class TraceTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static TracedProgram program;

    @BeforeAll
    static void compile() throws Exception {
        program = TracedProgram.compile();
    }

    @AfterAll
    static void remove() throws Exception {
        program.close();
    }

    /** A traced child of the test program, its stdin and stdout pipes kept by the test. */
    private record Traced(ChildProcess child, Pipe in, Pipe out) implements AutoCloseable {
        static Traced start(String... args) throws Exception {
            Pipe in = Pipe.open();
            Pipe out = Pipe.open();
            ChildProcess child = ChildProcess.builder(program.command(args))
                    .mapFd(0, in.source()).mapFd(1, out.sink()).start();
            in.source().close();
            out.sink().close();
            return new Traced(child, in, out);
        }

        void send(String s) throws Exception {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            in.sink().write(b, 0, b.length);
        }

        String line() throws Exception {
            return TraceTest.line(out);
        }

        /** The echo child, running, echoes a line. */
        void echoes(String line) throws Exception {
            send(line + "\n");
            assertThat(line()).isEqualTo(line);
        }

        /** The signal child, traced, gets SIGUSR1 once it is ready: the trace's stop for it. */
        SignalStop usr1(Trace trace) throws Exception {
            send("g");
            assertThat(line()).isEqualTo("ready");
            child.sendSignal(Signal.SIGUSR1);
            TraceEvent e = trace.next(WAIT);
            assertThat(e).isEqualTo(new SignalStop(child.pid(), Signal.SIGUSR1));
            return (SignalStop) e;
        }

        /** The echo child is traced no more: at end of its input it exits 0. */
        void endsUntraced() throws Exception {
            assertThat(Files.readString(Path.of("/proc/" + child.pid() + "/status"))).contains("TracerPid:\t0");
            in.sink().close();
            assertThat(child.waitFor(WAIT)).isEqualTo(ExitStatus.exited(0));
        }

        @Override
        public void close() throws Exception {
            try {
                if (child.isAlive()) {
                    child.kill();
                }
                child.waitFor(WAIT);
            } finally {
                child.close();
                in.close();
                out.close();
            }
        }
    }

    /** One line the child wrote into {@code out}, without its newline. */
    static String line(Pipe out) throws Exception {
        StringBuilder b = new StringBuilder();
        byte[] one = new byte[1];
        while (out.source().read(one, 0, 1) == 1 && one[0] != '\n') {
            b.append((char) one[0]);
        }
        return b.toString();
    }

    /** Runs the trace to its end, resuming every stop as untraced, and returns every event. */
    private static List<TraceEvent> drain(Trace trace) throws Exception {
        List<TraceEvent> events = new ArrayList<>();
        for (TraceEvent e; (e = trace.next(WAIT)) != null; ) {
            events.add(e);
            if (!(e instanceof TraceeExit)) {
                trace.resume(e);
            }
        }
        assertThat(trace.tracees()).isEmpty();
        return events;
    }

    private static List<String> entries(List<TraceEvent> events) {
        List<String> names = new ArrayList<>();
        for (TraceEvent e : events) {
            if (e instanceof SyscallStop s && s.isEntry()) {
                names.add(s.name());
            }
        }
        return names;
    }

    /** The entries from the program's first read of stdin on: the calls it makes itself. */
    private static List<String> fromStdinRead(List<TraceEvent> events) {
        List<String> names = new ArrayList<>();
        for (TraceEvent e : events) {
            if (e instanceof SyscallStop s && s.isEntry()
                    && (!names.isEmpty() || s.name().equals("read") && s.argument(0) == 0)) {
                names.add(s.name());
            }
        }
        return names;
    }

    @Test
    void systemCallsAreTheOnesStraceRecords() throws Exception {
        List<String> expected = program.straceNames("g", "calls");
        try (Traced t = Traced.start("calls"); Trace trace = Trace.attach(t.child(), TraceOption.SYSCALLS)) {
            t.send("g");
            List<TraceEvent> events = drain(trace);
            assertThat(fromStdinRead(events)).isEqualTo(expected);
            assertThat(expected).containsSubsequence("read", "getpid", "openat", "write", "close", "write", "exit_group");
            assertThat(events.getLast()).isEqualTo(new TraceeExit(t.child().pid(), ExitStatus.exited(0)));
            assertThat(t.child().waitFor(WAIT)).isEqualTo(ExitStatus.exited(0));
            assertThat(t.line()).isEqualTo("done");
        }
    }

    @Test
    void exitsCarryTheirResultAndEntriesTheirArguments() throws Exception {
        try (Traced t = Traced.start("calls"); Trace trace = Trace.attach(t.child(), TraceOption.SYSCALLS)) {
            t.send("g");
            List<TraceEvent> events = drain(trace);
            SyscallStop writeEntry = null;
            SyscallStop writeExit = null;
            for (TraceEvent e : events) {
                if (e instanceof SyscallStop s && s.name().equals("write") && s.argument(0) == 1) {
                    if (s.isEntry()) {
                        writeEntry = s;
                    } else {
                        writeExit = s;
                    }
                }
            }
            assertThat(writeEntry).isNotNull();
            assertThat(writeEntry.argument(2)).isEqualTo(5);
            assertThat(writeExit.result()).isEqualTo(5);
            assertThat(writeExit.isError()).isFalse();
            assertThat(SyscallStop.numberOf("write")).isEqualTo(writeEntry.number());
            assertThat(SyscallStop.nameOf(SyscallStop.numberOf("exit_group"))).isEqualTo("exit_group");
        }
    }

    @Test
    void signalIsSeenAndSuppressed() throws Exception {
        try (Traced t = Traced.start("signal"); Trace trace = Trace.attach(t.child())) {
            trace.resume(t.usr1(trace).pid()); // suppressed
            t.send("g");
            assertThat(t.line()).isEqualTo("never got SIGUSR1");
            assertThat(trace.next(WAIT)).isEqualTo(new TraceeExit(t.child().pid(), ExitStatus.exited(0)));
        }
    }

    @Test
    void signalResumedAsIsIsDelivered() throws Exception {
        try (Traced t = Traced.start("signal"); Trace trace = Trace.attach(t.child())) {
            trace.resume(t.usr1(trace));
            t.send("g");
            assertThat(t.line()).isEqualTo("got SIGUSR1");
        }
    }

    @Test
    void signalIsReplaced() throws Exception {
        try (Traced t = Traced.start("signal"); Trace trace = Trace.attach(t.child())) {
            trace.resume(t.usr1(trace).pid(), Signal.SIGUSR2); // not handled: it ends the child
            assertThat(trace.next(WAIT)).isEqualTo(new TraceeExit(t.child().pid(), ExitStatus.killed(Signal.SIGUSR2, false)));
        }
    }

    @Test
    void forkInTheChildIsFollowed() throws Exception {
        try (Traced t = Traced.start("fork");
             Trace trace = Trace.attach(t.child(), TraceOption.SYSCALLS, TraceOption.FOLLOW_FORKS)) {
            t.send("g");
            List<TraceEvent> events = drain(trace);
            ForkStop fork = (ForkStop) events.stream().filter(e -> e instanceof ForkStop).findFirst().orElseThrow();
            assertThat(fork.pid()).isEqualTo(t.child().pid());
            long grandchild = fork.newPid();
            assertThat(events).contains(new TraceeExit(grandchild, ExitStatus.exited(3)));
            List<String> childCalls = new ArrayList<>();
            for (TraceEvent e : events) {
                if (e instanceof SyscallStop s && s.isEntry() && s.pid() == grandchild) {
                    childCalls.add(s.name());
                }
            }
            assertThat(childCalls).contains("write", "exit_group");
            assertThat(t.child().waitFor(WAIT)).isEqualTo(ExitStatus.exited(3));
        }
    }

    @Test
    void aVirtualThreadDrivesATrace() throws Exception {
        List<String> expected = program.straceNames("g", "calls");
        try (Traced t = Traced.start("calls"); Trace trace = Trace.attach(t.child(), TraceOption.SYSCALLS);
             ExecutorService vt = Executors.newVirtualThreadPerTaskExecutor()) {
            t.send("g");
            assertThat(fromStdinRead(vt.submit(() -> drain(trace)).get())).isEqualTo(expected);
        }
    }

    @Test
    void stoppedAndContinuedChildIsSeen() throws Exception {
        try (Traced t = Traced.start("echo"); Trace trace = Trace.attach(t.child())) {
            t.send("g");
            long pid = t.child().pid();
            TracedProgram.run(List.of("kill", "-STOP", Long.toString(pid)), null);
            List<TraceEvent> events = new ArrayList<>();
            TraceEvent e;
            while (!((e = trace.next(WAIT)) instanceof GroupStop)) {
                events.add(e);
                trace.resume(e);
            }
            events.add(e);
            trace.resume(e); // stays stopped, as untraced
            assertThat(Files.readString(Path.of("/proc/" + pid + "/stat"))).contains(") t ");
            TracedProgram.run(List.of("kill", "-CONT", Long.toString(pid)), null);
            while (!((e = trace.next(WAIT)) instanceof SignalStop s && s.signal() == Signal.SIGCONT)) {
                events.add(e);
                trace.resume(e);
            }
            events.add(e);
            trace.resume(e);
            // the wake-up from the group-stop is an interrupt-stop, then SIGCONT comes for delivery
            assertThat(events).containsExactly(new SignalStop(pid, Signal.SIGSTOP), new GroupStop(pid, Signal.SIGSTOP),
                    new InterruptStop(pid), new SignalStop(pid, Signal.SIGCONT));
            t.send("c\n");
            assertThat(t.line()).isEqualTo("c");
        }
    }

    @Test
    void detachedChildRunsOnNormally() throws Exception {
        try (Traced t = Traced.start("echo")) {
            try (Trace trace = Trace.attach(t.child(), TraceOption.SYSCALLS)) {
                t.send("g");
                t.send("a\n");
                TraceEvent e = trace.next(WAIT);
                assertThat(e).isInstanceOf(SyscallStop.class);
                Registers regs = trace.registers(e.pid());
                assertThat(regs.instructionPointer()).isNotZero();
                assertThat(regs.get("orig_rax")).isEqualTo(((SyscallStop) e).number());
                trace.detach(e.pid());
                assertThat(trace.tracees()).isEmpty();
            }
            assertThat(t.line()).isEqualTo("a");
            t.send("b\n");
            assertThat(t.line()).isEqualTo("b");
            t.endsUntraced();
        }
    }

    @Test
    void closeWhileTheTraceeRunsLeavesItRunningUntraced() throws Exception {
        try (Traced t = Traced.start("echo")) {
            Trace trace = Trace.attach(t.child(), TraceOption.SYSCALLS);
            t.send("g");
            TraceEvent e = trace.next(WAIT);
            trace.resume(e); // running again, soon stopped at its next call
            trace.close();
            t.send("x\n");
            assertThat(t.line()).isEqualTo("x");
            t.endsUntraced();
        }
    }

    @Test
    void closeReleasesAWaitingThreadAndInterruptEndsAWait() throws Exception {
        try (Traced t = Traced.start("echo"); Trace trace = Trace.attach(t.child())) {
            endsWhenInterrupted(trace::next);
            try (ExecutorService vt = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<TraceEvent> waiting = vt.submit(() -> trace.next());
                sleepUntilBlocked();
                trace.close();
                assertThatThrownBy(waiting::get).hasCauseInstanceOf(AsynchronousCloseException.class);
            }
            assertThatThrownBy(trace::next).isInstanceOf(IllegalStateException.class);
            t.send("g");
            t.send("z\n");
            assertThat(t.line()).isEqualTo("z");
        }
    }

    @Test
    void traceeDeathEndsTheTrace() throws Exception {
        try (Traced t = Traced.start("echo"); Trace trace = Trace.attach(t.child(), TraceOption.SYSCALLS)) {
            t.child().kill();
            List<TraceEvent> events = drain(trace);
            assertThat(events.getLast()).isEqualTo(new TraceeExit(t.child().pid(), ExitStatus.killed(Signal.SIGKILL, false)));
            assertThat(t.child().waitFor(WAIT)).isEqualTo(ExitStatus.killed(Signal.SIGKILL, false));
        }
    }

    @Test
    void anotherProcessIsTracedByPidAndItsParentStillReapsIt() throws Exception {
        try (Pipe out = Pipe.open();
             ChildProcess shell = ChildProcess.builder("sh", "-c", "sleep 60 & echo $!; wait $!; echo \"reaped $?\"")
                     .mapFd(1, out.sink()).start()) {
            out.sink().close();
            long sleeper = Long.parseLong(line(out));
            try (Trace trace = Trace.attach(sleeper)) {
                assertThat(trace.child()).isNull();
                org.panamaipc.signal.Signals.kill(sleeper, Signal.SIGTERM);
                TraceEvent e = trace.next(WAIT);
                while (e instanceof ExecStop) { // attached before the shell's child finished its exec of sleep
                    trace.resume(e);
                    e = trace.next(WAIT);
                }
                assertThat(e).isEqualTo(new SignalStop(sleeper, Signal.SIGTERM));
                trace.resume(e);
                assertThat(trace.next(WAIT)).isEqualTo(new TraceeExit(sleeper, ExitStatus.killed(Signal.SIGTERM, false)));
                assertThat(trace.next(WAIT)).isNull();
            }
            assertThat(line(out)).isEqualTo("reaped " + (128 + 15));
            assertThat(shell.waitFor(WAIT)).isEqualTo(ExitStatus.exited(0));
        }
    }

    @Test
    void aJavaProcessChildIsRefused() throws Exception {
        Process p = new ProcessBuilder("sleep", "60").start();
        try {
            assertThatThrownBy(() -> Trace.attach(p.pid()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ChildProcess");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void closeAtASignalStopDeliversTheSignal() throws Exception {
        try (Traced t = Traced.start("signal")) {
            try (Trace trace = Trace.attach(t.child())) {
                t.usr1(trace);
            }
            t.send("g");
            assertThat(t.line()).isEqualTo("got SIGUSR1");
        }
    }

    @Test
    void everyThreadOfABusyProcessIsTracedAndLeftRunningOnClose() throws Exception {
        String script = """
                import sys, threading, time
                def spin():
                    while True:
                        time.sleep(0.001)
                for _ in range(3):
                    threading.Thread(target=spin, daemon=True).start()
                print("ready", flush=True)
                for line in sys.stdin:
                    print(line.strip().upper(), flush=True)
                """;
        try (Pipe in = Pipe.open(); Pipe out = Pipe.open();
             ChildProcess python = ChildProcess.builder("python3", "-c", script)
                     .mapFd(0, in.source()).mapFd(1, out.sink()).start()) {
            in.source().close();
            out.sink().close();
            Traced t = new Traced(python, in, out);
            assertThat(t.line()).isEqualTo("ready");
            Set<Long> threads = new HashSet<>();
            try (Trace trace = Trace.attach(python, TraceOption.SYSCALLS, TraceOption.FOLLOW_FORKS)) {
                assertThat(trace.tracees()).hasSize(4);
                for (int i = 0; i < 200; i++) {
                    TraceEvent e = trace.next(WAIT);
                    threads.add(e.pid());
                    trace.resume(e);
                }
                t.send("while traced\n");
                // the reply comes while the trace goes on: drive it from another thread meanwhile
                try (ExecutorService driver = Executors.newVirtualThreadPerTaskExecutor()) {
                    Future<Void> driving = driver.submit(() -> {
                        for (TraceEvent e; !Thread.currentThread().isInterrupted() && (e = trace.next()) != null; ) {
                            trace.resume(e);
                        }
                        return null;
                    });
                    assertThat(t.line()).isEqualTo("WHILE TRACED");
                    driving.cancel(true);
                }
            }
            assertThat(threads).hasSizeGreaterThan(1);
            for (long tid : threads) {
                Path status = Path.of("/proc/" + python.pid() + "/task/" + tid + "/status");
                assertThat(Files.readString(status)).contains("TracerPid:\t0").doesNotContain("(tracing stop)");
            }
            t.send("after\n");
            assertThat(t.line()).isEqualTo("AFTER");
            in.sink().close();
            assertThat(python.waitFor(WAIT)).isEqualTo(ExitStatus.exited(0));
        }
    }

    @Test
    void aProcessTracedAlreadyIsAccessDenied() throws Exception {
        try (Traced t = Traced.start("echo"); Trace trace = Trace.attach(t.child())) {
            assertThatThrownBy(() -> Trace.attach(t.child()))
                    .isInstanceOf(AccessDeniedException.class)
                    .hasMessageContaining("PTRACE_SEIZE")
                    .hasMessageContaining("ptrace_scope")
                    .hasMessageContaining("CAP_SYS_PTRACE");
            assertThat(trace.tracees()).containsExactly(t.child().pid());
        }
    }

    @Test
    void anotherUsersProcessCannotBeTracedAndTheExceptionSaysWhy() throws Exception {
        assumeTrue(Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0)
                && Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs root and setpriv to run a peer as nobody");
        try (Traced t = Traced.start("echo")) {
            List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
            command.addAll(PeerJvm.builder(TracerPeer.class).onClassPath().command(Long.toString(t.child().pid())));
            try (PeerProcess tracer = PeerProcess.start("TracerPeer", new ProcessBuilder(command))) {
                assertThat(tracer.readLine(WAIT))
                        .startsWith(org.panamaipc.IpcAccessDeniedException.class.getSimpleName())
                        .contains("PTRACE_SEIZE, pid=" + t.child().pid())
                        .contains("EPERM")
                        .contains("ptrace_scope")
                        .contains("CAP_SYS_PTRACE (this process lacks it)")
                        .contains("same real uid");
                tracer.expectExit(0, WAIT);
            }
            assertThat(Files.readString(Path.of("/proc/" + t.child().pid() + "/status"))).contains("TracerPid:\t0");
            t.send("g");
            t.echoes("u");
        }
    }

    @Test
    void startedCommandIsTracedFromItsExec() throws Exception {
        try (Trace trace = Trace.start(List.of("true"), TraceOption.SYSCALLS)) {
            List<TraceEvent> events = drain(trace);
            assertThat(events.getFirst()).isInstanceOf(SyscallStop.class);
            assertThat(((SyscallStop) events.getFirst()).name()).isEqualTo("execve");
            assertThat(events).anyMatch(e -> e instanceof ExecStop);
            assertThat(entries(events).getLast()).isEqualTo("exit_group");
            assertThat(trace.child().waitFor(WAIT)).isEqualTo(ExitStatus.exited(0));
        }
    }

    @Test
    void anExitStopComesBeforeTheExitWithTheStatusAndTheRegistersStillThere() throws Exception {
        try (Traced t = Traced.start("calls"); Trace trace = Trace.attach(t.child(), TraceOption.EXITS)) {
            t.send("g");
            long pid = t.child().pid();
            TraceEvent e = trace.next(WAIT);
            assertThat(e).isEqualTo(new ExitStop(pid, ExitStatus.exited(0)));
            assertThat(stateOf(pid)).isEqualTo('t');
            assertThat(trace.registers(pid).instructionPointer()).isNotZero();
            trace.resume(e);
            assertThat(trace.next(WAIT)).isEqualTo(new TraceeExit(pid, ExitStatus.exited(0)));
            assertThat(t.child().waitFor(WAIT)).isEqualTo(ExitStatus.exited(0));
        }
    }

    @Test
    void aTraceeEndedByASignalStopsOnItsWayOutWithThatSignal() throws Exception {
        try (Traced t = Traced.start("signal"); Trace trace = Trace.attach(t.child(), TraceOption.EXITS)) {
            trace.resume(t.usr1(trace).pid(), Signal.SIGUSR2); // not handled: it ends the child
            long pid = t.child().pid();
            TraceEvent e = trace.next(WAIT);
            assertThat(e).isEqualTo(new ExitStop(pid, ExitStatus.killed(Signal.SIGUSR2, false)));
            trace.resume(e);
            assertThat(trace.next(WAIT)).isEqualTo(new TraceeExit(pid, ExitStatus.killed(Signal.SIGUSR2, false)));
        }
    }

    @Test
    void driveHandlesEveryEventOnTheTracerThreadAndSeesWhatStraceSees() throws Exception {
        List<String> expected = program.straceNames("g", "calls");
        try (Traced t = Traced.start("calls"); Trace trace = Trace.attach(t.child(), TraceOption.SYSCALLS)) {
            t.send("g");
            List<TraceEvent> events = new ArrayList<>();
            Set<String> threads = new HashSet<>();
            assertThat(trace.drive(e -> {
                events.add(e);
                threads.add(Thread.currentThread().getName());
                if (!(e instanceof TraceeExit)) {
                    trace.resume(e);
                }
                return true;
            }, WAIT)).isNull();
            assertThat(trace.tracees()).isEmpty();
            assertThat(threads).singleElement().asString().startsWith("panama-ipc-tracer");
            assertThat(fromStdinRead(events)).isEqualTo(expected);
            assertThat(events.getLast()).isEqualTo(new TraceeExit(t.child().pid(), ExitStatus.exited(0)));
            assertThat(t.line()).isEqualTo("done");
        }
    }

    @Test
    void driveEndsWhereTheHandlerSaysAndNextGoesOnFromThere() throws Exception {
        try (Traced t = Traced.start("calls"); Trace trace = Trace.attach(t.child(), TraceOption.SYSCALLS)) {
            t.send("g");
            TraceEvent at = trace.drive(e -> {
                if (e instanceof SyscallStop s && s.isEntry() && s.name().equals("getpid")) {
                    return false;
                }
                trace.resume(e);
                return true;
            }, WAIT);
            assertThat(at).isInstanceOf(SyscallStop.class);
            assertThat(stateOf(t.child().pid())).isEqualTo('t');
            // left stopped, it is not reported a second time
            assertThat(trace.next(Duration.ofMillis(200))).isNull();
            trace.resume(at);
            TraceEvent exit = trace.next(WAIT);
            assertThat(exit).isInstanceOf(SyscallStop.class);
            assertThat(((SyscallStop) exit).isEntry()).isFalse();
            assertThat(((SyscallStop) exit).name()).isEqualTo("getpid");
            assertThat(((SyscallStop) exit).result()).isEqualTo(t.child().pid());
            trace.resume(exit);
            assertThat(fromStdinRead(drain(trace))).isEmpty(); // the read was before the loop's stop
            assertThat(t.line()).isEqualTo("done");
        }
    }

    @Test
    void aStopLeftStoppedIsReportedOnce() throws Exception {
        try (Traced t = Traced.start("signal"); Trace trace = Trace.attach(t.child())) {
            SignalStop stop = t.usr1(trace);
            assertThat(trace.tryNext()).isNull();
            assertThat(trace.next(Duration.ofMillis(100))).isNull();
            assertThat(stateOf(t.child().pid())).isEqualTo('t');
            trace.resume(stop);
            t.send("g");
            assertThat(t.line()).isEqualTo("got SIGUSR1");
            assertThat(trace.next(WAIT)).isEqualTo(new TraceeExit(t.child().pid(), ExitStatus.exited(0)));
        }
    }

    @Test
    void aFollowedChildsEventsComeWhileItsParentStaysStopped() throws Exception {
        try (Traced t = Traced.start("fork");
             Trace trace = Trace.attach(t.child(), TraceOption.SYSCALLS, TraceOption.FOLLOW_FORKS)) {
            long parent = t.child().pid();
            t.send("g");
            // after its fork, the parent's stops stay stopped, unresumed: the child's events still come
            boolean forked = false;
            boolean childExited = false;
            List<TraceEvent> parentStopsAfterFork = new ArrayList<>();
            while (!childExited) {
                TraceEvent e = trace.next(WAIT);
                assertThat(e).as("events after %s", parentStopsAfterFork).isNotNull();
                if (e.pid() != parent) {
                    childExited = e instanceof TraceeExit;
                    if (!childExited) {
                        trace.resume(e);
                    }
                } else if (forked) {
                    parentStopsAfterFork.add(e);
                } else {
                    forked = e instanceof ForkStop;
                    trace.resume(e);
                }
            }
            assertThat(parentStopsAfterFork).hasSizeLessThanOrEqualTo(1);
            for (TraceEvent p : parentStopsAfterFork) {
                trace.resume(p);
            }
            drain(trace);
            assertThat(t.child().waitFor(WAIT)).isEqualTo(ExitStatus.exited(3));
        }
    }

    @Test
    void closeEndsADriveAndInterruptEndsItsWait() throws Exception {
        try (Traced t = Traced.start("echo"); Trace trace = Trace.attach(t.child())) {
            endsWhenInterrupted(() -> trace.drive(e -> true));
            try (ExecutorService vt = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<TraceEvent> driving = vt.submit(() -> trace.drive(e -> {
                    trace.resume(e);
                    return true;
                }));
                sleepUntilBlocked();
                trace.close();
                assertThatThrownBy(driving::get).hasCauseInstanceOf(AsynchronousCloseException.class);
            }
            assertThatThrownBy(() -> trace.drive(e -> true)).isInstanceOf(IllegalStateException.class);
            t.send("g");
            t.echoes("z");
            t.endsUntraced();
        }
    }

    @Test
    void aHandlerThatThrowsEndsTheLoopAndCloseLeavesTheTraceeRunning() throws Exception {
        try (Traced t = Traced.start("echo")) {
            try (Trace trace = Trace.attach(t.child(), TraceOption.SYSCALLS)) {
                t.send("g");
                assertThatThrownBy(() -> trace.drive(e -> {
                    throw new IllegalArgumentException("handler gave up at " + e);
                }, WAIT)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SyscallStop");
                assertThat(stateOf(t.child().pid())).isEqualTo('t');
                assertThatThrownBy(() -> trace.drive(null)).isInstanceOf(NullPointerException.class);
            }
            t.echoes("q");
            t.endsUntraced();
        }
    }

    /** The state letter of {@code /proc/PID/stat} ({@code t}: stopped by a tracer). */
    private static char stateOf(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    /** Runs {@code call}, interrupted once the tracer thread waits: it ends with the interrupt status set. */
    private static void endsWhenInterrupted(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        Thread self = Thread.currentThread();
        CompletableFuture<Void> interrupter = CompletableFuture.runAsync(() -> {
            sleepUntilBlocked();
            self.interrupt();
        });
        assertThatThrownBy(call).isInstanceOf(InterruptedIOException.class);
        assertThat(Thread.interrupted()).isTrue();
        interrupter.join();
    }

    /** Waits until the trace's tracer thread sleeps in its {@code waitid}. */
    private static void sleepUntilBlocked() {
        long end = System.nanoTime() + WAIT.toNanos();
        while (KernelWaits.sleepingInCall("panama-ipc-tracer") == 0) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("the tracer thread never waited");
            }
            Thread.onSpinWait();
        }
    }
}
