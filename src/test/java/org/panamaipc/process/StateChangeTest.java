package org.panamaipc.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.panamaipc.Interest;
import org.panamaipc.IpcException;
import org.panamaipc.WaitSet;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.signal.Signal;
import org.panamaipc.signal.SignalRegistration;
import org.panamaipc.signal.Signals;
import org.panamaipc.testing.Blocked;
import org.panamaipc.testing.BlockingChecks;
import org.panamaipc.testing.Deadline;
import org.panamaipc.testing.IpcTest;

@IpcTest
class StateChangeTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** x86_64 {@code waitid}. */
    private static final int WAITID = 247;

    /** A shell child that exits with 7 once a line comes on its stdin. */
    private static ChildProcess exitsWith7OnALine(Pipe stdin) throws IOException {
        ChildProcess child = ChildProcess.builder("sh", "-c", "read line; exit 7").mapFd(0, stdin.source()).start();
        stdin.source().close();
        return child;
    }

    /**
     * Kills a child when the test ends, however it ends: a child left stopped would never exit
     * (and would hold the test run's output open).
     */
    private static AutoCloseable killer(ChildProcess child) {
        return () -> {
            try {
                child.kill();
            } catch (IOException | IllegalStateException gone) {
                // reaped or closed already
            }
        };
    }

    /** Sends a signal the way a user at a terminal would: from a shell's {@code kill}. */
    private static void shellKill(String signal, long pid) throws IOException {
        Children.Result r = Children.run(ChildProcess.builder("sh", "-c", "kill -" + signal + " " + pid), WAIT);
        assertThat(r.status()).as(r.output()).isEqualTo(ExitStatus.exited(0));
    }

    @Test
    void aChildStoppedFromTheShellIsReportedStoppedThenContinuedThenExited() throws Exception {
        try (Pipe stdin = Pipe.open(); ChildProcess child = exitsWith7OnALine(stdin); AutoCloseable end = killer(child)) {
            assertThat(child.tryNextChange()).isNull();
            assertThat(child.nextChange(Duration.ofMillis(50))).as("nothing happened yet").isNull();

            shellKill("STOP", child.pid());
            StateChange stopped = child.nextChange(WAIT);
            assertThat(stopped.kind()).isEqualTo(StateChange.Kind.STOPPED);
            assertThat(stopped.signal()).isEqualTo(Signal.SIGSTOP);
            assertThat(stopped.pid()).isEqualTo(child.pid());
            assertThat(stopped.exitStatus()).isNull();
            assertThat(child.tryNextChange()).as("a stop is reported once").isNull();

            shellKill("CONT", child.pid());
            StateChange continued = child.nextChange(WAIT);
            assertThat(continued.kind()).isEqualTo(StateChange.Kind.CONTINUED);
            assertThat(continued.signal()).isEqualTo(Signal.SIGCONT);

            stdin.sink().outputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
            StateChange exited = child.nextChange(WAIT);
            assertThat(exited.kind()).isEqualTo(StateChange.Kind.EXITED);
            assertThat(exited.code()).isEqualTo(7);
            assertThat(exited.isTerminal()).isTrue();
            assertThat(child.waitFor(WAIT)).as("the exit taken is the status").isEqualTo(ExitStatus.exited(7));
            assertThat(child.tryNextChange()).as("nothing follows an exit").isNull();
            assertThatThrownBy(() -> child.nextChange(WAIT)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exited(7)");
        }
    }

    @Test
    void stopAndResumeAndAKillAreReported() throws Exception {
        // a group of its own, whose parent (this JVM) is in another group of the session: the
        // kernel discards SIGTSTP sent to a process of an orphaned group instead of stopping it
        try (ChildProcess child = ChildProcess.builder("sleep", "30").newProcessGroup().start(); AutoCloseable end = killer(child)) {
            child.stop();
            assertThat(child.nextChange(WAIT)).isEqualTo(change(child, StateChange.Kind.STOPPED, Signal.SIGSTOP));
            child.resume();
            assertThat(child.nextChange(WAIT)).isEqualTo(change(child, StateChange.Kind.CONTINUED, Signal.SIGCONT));
            child.sendSignal(Signal.SIGTSTP);
            assertThat(child.nextChange(WAIT).signal()).isEqualTo(Signal.SIGTSTP);
            child.kill(); // a stopped process dies of SIGKILL without being continued
            StateChange killed = child.nextChange(WAIT);
            assertThat(killed.kind()).isEqualTo(StateChange.Kind.KILLED);
            assertThat(killed.exitStatus()).isEqualTo(ExitStatus.killed(Signal.SIGKILL, false));
            assertThat(child.waitFor(WAIT)).isEqualTo(ExitStatus.killed(Signal.SIGKILL, false));
        }
    }

    private static StateChange change(ChildProcess child, StateChange.Kind kind, Signal signal) throws IOException {
        return switch (kind) {
            case STOPPED -> StateChange.of(child.pid(), org.panamaipc.bindings.LibC.CLD_STOPPED(), signal.number());
            case CONTINUED -> StateChange.of(child.pid(), org.panamaipc.bindings.LibC.CLD_CONTINUED(), signal.number());
            default -> throw new AssertionError(kind);
        };
    }

    @Test
    void aBlockedWaitSeesTheStopOnAVirtualThreadToo() throws Exception {
        try (ChildProcess child = ChildProcess.builder("sleep", "30").start(); AutoCloseable end = killer(child)) {
            for (boolean virtual : new boolean[] {false, true}) {
                CompletableFuture<StateChange> seen = new CompletableFuture<>();
                (virtual ? Thread.ofVirtual() : Thread.ofPlatform().daemon()).start(() -> {
                    try {
                        seen.complete(child.nextChange());
                    } catch (Throwable t) {
                        seen.completeExceptionally(t);
                    }
                });
                if (virtual) {
                    child.resume();
                    assertThat(seen.get(WAIT.toSeconds(), TimeUnit.SECONDS).kind()).isEqualTo(StateChange.Kind.CONTINUED);
                } else {
                    child.stop();
                    assertThat(seen.get(WAIT.toSeconds(), TimeUnit.SECONDS).kind()).isEqualTo(StateChange.Kind.STOPPED);
                }
            }
            child.kill();
            assertThat(child.waitFor(WAIT)).isEqualTo(ExitStatus.killed(Signal.SIGKILL, false));
        }
    }

    @Test
    void interruptEndsAWaitAndTakesNothing() throws Exception {
        try (ChildProcess child = ChildProcess.builder("sleep", "30").start(); AutoCloseable end = killer(child)) {
            for (boolean timed : new boolean[] {false, true}) {
                BlockingChecks.interruptEndsTheCallPromptly(WAITID, null,
                        () -> timed ? child.nextChange(Duration.ofSeconds(30)) : child.nextChange(), InterruptedIOException.class);
            }
            child.stop();
            // the stop is still there for the next wait
            assertThat(child.nextChange(WAIT).kind()).isEqualTo(StateChange.Kind.STOPPED);
            child.kill();
            assertThat(child.waitFor(WAIT)).isEqualTo(ExitStatus.killed(Signal.SIGKILL, false));
        }
    }

    @Test
    void closeReleasesAThreadWaitingForAChange() throws Exception {
        long pid;
        ChildProcess child = ChildProcess.builder("sleep", "30").start();
        try {
            pid = child.pid();
            Blocked<StateChange> waiting = Blocked.start(WAITID, child::nextChange);
            child.close();
            assertThatThrownBy(() -> waiting.get(Duration.ofSeconds(5))).hasCauseInstanceOf(AsynchronousCloseException.class);
            assertThatThrownBy(child::tryNextChange).isInstanceOf(IllegalStateException.class);
            Signals.kill(pid, Signal.SIGKILL);
        } finally {
            child.close();
        }
        Deadline.after(WAIT).await(() -> ProcessHandle.of(pid).isEmpty(), "child " + pid + " reaped");
    }

    @Test
    void aProcessThatIsNotAChildHasNoChangesToTake() throws Exception {
        try (Pipe out = Pipe.open();
             ChildProcess sh = ChildProcess.builder("sh", "-c", "sleep 30 >/dev/null 2>&1 & echo $!").mapFd(1, out.sink()).start()) {
            out.sink().close();
            long grandchild = Long.parseLong(new String(out.source().inputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
            assertThat(sh.waitFor(WAIT)).isEqualTo(ExitStatus.exited(0));
            try (PidFd pidFd = PidFd.open(grandchild);
                 AutoCloseable end = () -> Signals.kill(grandchild, Signal.SIGKILL)) {
                pidFd.stop();
                assertThatThrownBy(pidFd::tryNextChange).isInstanceOf(IpcException.class).hasMessageContaining("ECHILD");
                assertThatThrownBy(() -> pidFd.nextChange(WAIT)).isInstanceOf(IpcException.class).hasMessageContaining("ECHILD");
                pidFd.sendSignal(Signal.SIGCONT);
                assertThat(pidFd.awaitExit(Duration.ofMillis(10))).isFalse();
            }
        }
    }

    @Test
    void aTracerThatOwnsTheWaitsIsNamedAndItsStopsAreLeftAlone() throws Exception {
        try (ChildProcess child = ChildProcess.builder("sleep", "30").start(); AutoCloseable end = killer(child)) {
            Object tracer = "Tracer[test]";
            PidFd.claimWaits(child.pid(), tracer);
            try {
                child.stop();
                Deadline.after(WAIT).await(() -> state(child.pid()) == 'T', "the child stopped, by the kernel's account");
                assertThatThrownBy(child::tryNextChange).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("Tracer[test]");
                assertThat(child.pidFd().tryReap()).as("exit waits take no stop").isNull();
                assertThat(child.waitFor(Duration.ZERO)).isNull();
                assertThatThrownBy(() -> PidFd.claimWaits(child.pid(), "another")).isInstanceOf(IllegalStateException.class);
            } finally {
                PidFd.releaseWaits(child.pid(), tracer);
            }
            assertThat(child.tryNextChange().kind()).as("the stop was left for whoever owns the waits")
                    .isEqualTo(StateChange.Kind.STOPPED);
            child.kill();
            assertThat(child.waitFor(WAIT)).isEqualTo(ExitStatus.killed(Signal.SIGKILL, false));
        }
    }

    /** {@return the state letter of a process in {@code /proc/PID/stat}, or '?'} */
    private static char state(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException e) {
            return '?';
        }
    }

    @Test
    @ResourceLock("signals")
    void aWaitSetSeesStopContinueAndExitThroughASigchldRegistration() throws Exception {
        try (Pipe stdin = Pipe.open(); ChildProcess child = exitsWith7OnALine(stdin); AutoCloseable end = killer(child);
             SignalRegistration sigchld = Signals.handle(Signal.SIGCHLD, info -> { });
             WaitSet set = WaitSet.create()) {
            set.register(sigchld, Interest.SIGNALED, "changes");
            set.register(child, Interest.EXITED, "exit");
            List<StateChange> seen = new ArrayList<>();
            shellKill("STOP", child.pid());
            takeUntil(set, sigchld, child, seen, StateChange.Kind.STOPPED);
            shellKill("CONT", child.pid());
            takeUntil(set, sigchld, child, seen, StateChange.Kind.CONTINUED);
            stdin.sink().outputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
            takeUntil(set, sigchld, child, seen, StateChange.Kind.EXITED);
            assertThat(seen).extracting(StateChange::kind).containsExactly(
                    StateChange.Kind.STOPPED, StateChange.Kind.CONTINUED, StateChange.Kind.EXITED);
            assertThat(seen.get(0).signal()).isEqualTo(Signal.SIGSTOP);
            assertThat(seen.get(2).code()).isEqualTo(7);
            assertThat(child.waitFor(Duration.ZERO)).isEqualTo(ExitStatus.exited(7));
        }
    }

    /**
     * The loop the package documentation shows: select, take the deliveries, then take changes
     * until there are none; the shell's own exits ring SIGCHLD too, and find no change here.
     */
    private static void takeUntil(WaitSet set, SignalRegistration sigchld, ChildProcess child, List<StateChange> seen,
            StateChange.Kind wanted) throws IOException {
        Deadline deadline = Deadline.after(WAIT);
        while (seen.isEmpty() || seen.get(seen.size() - 1).kind() != wanted) {
            assertThat(deadline.isExpired()).as("waiting for %s, seen %s", wanted, seen).isFalse();
            for (WaitSet.Key key : set.select(deadline.remaining())) {
                if ("changes".equals(key.attachment())) {
                    sigchld.takeDeliveries(); // first, so that a change after the takes below rings again
                }
                for (StateChange c; (c = child.tryNextChange()) != null; ) {
                    seen.add(c);
                }
            }
        }
    }
}
