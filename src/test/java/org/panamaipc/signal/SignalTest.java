package org.panamaipc.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.panamaipc.testing.IpcTest;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.panamaipc.Errno;
import org.panamaipc.Interest;
import org.panamaipc.IpcException;
import org.panamaipc.WaitSet;
import org.panamaipc.process.ChildProcess;
import org.panamaipc.process.Children;
import org.panamaipc.process.ExitStatus;
import org.panamaipc.process.PidFd;
import org.panamaipc.pipe.Pipe;

@IpcTest
@ResourceLock("signals")
class SignalTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void namesAndNumbersAgreeWithTheCLibrary() throws IOException {
        assertThat(Signal.named("TERM")).isSameAs(Signal.SIGTERM);
        assertThat(Signal.named("sigusr1")).isSameAs(Signal.SIGUSR1);
        assertThat(Signal.named("9")).isSameAs(Signal.SIGKILL);
        assertThat(Signal.of(15)).isSameAs(Signal.SIGTERM);
        String python = Children.run(ChildProcess.builder("python3", "-c",
                "import signal; print(signal.SIGRTMIN, signal.SIGRTMAX)"), WAIT).output().trim();
        String[] rt = python.split(" ");
        assertThat(Signal.realtime(0).number()).isEqualTo(Integer.parseInt(rt[0]));
        assertThat(Signal.named("SIGRTMIN+3").number()).isEqualTo(Integer.parseInt(rt[0]) + 3);
        assertThat(Signal.named("RTMAX").number()).isEqualTo(Integer.parseInt(rt[1]));
        assertThat(Signal.named("RTMAX-2").number()).isEqualTo(Integer.parseInt(rt[1]) - 2);
        assertThat(Signal.realtime(3).name()).isEqualTo("SIGRTMIN+3");
        assertThat(Signal.realtime(3).isRealtime()).isTrue();
        assertThat(Signal.SIGTERM.toString()).isEqualTo("SIGTERM(15)");
        assertThat(Signal.values()).hasSize(64);
    }

    @Test
    void invalidSignalsAreRefused() {
        assertThatThrownBy(() -> Signal.of(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("signal=0");
        assertThatThrownBy(() -> Signal.of(65)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Signal.realtime(40)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SIGRTMIN+40 out of range");
        assertThatThrownBy(() -> Signal.named("SIGNOPE")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Signal.named("RTMIN-1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void signalsTheJvmKeepsAreRefusedWithTheReason() {
        for (Signal s : new Signal[] {Signal.SIGSEGV, Signal.SIGBUS, Signal.SIGFPE, Signal.SIGILL, Signal.SIGQUIT,
                Signal.SIGUSR2, Signal.SIGPIPE, Signal.SIGXFSZ, Signal.SIGKILL, Signal.SIGSTOP, Signal.of(62), Signal.of(32)}) {
            assertThat(Signals.isReserved(s)).as(s.toString()).isTrue();
            assertThatThrownBy(() -> Signals.handle(s, info -> { }))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(s + " is reserved: ")
                    .hasMessageContaining(Signals.reservation(s).orElseThrow());
        }
        assertThat(Signals.reservation(Signal.SIGUSR2).orElseThrow()).contains("suspend/resume");
        assertThat(Signals.isReserved(Signal.SIGUSR1)).isFalse();
        assertThat(Signals.reservation(Signal.SIGTERM)).isEmpty();
    }

    @Test
    void aRealtimeSignalNotBlockedEverywhereIsRefused() {
        assertThat(Signals.isBlockedInEveryThread(Signal.realtime(1))).isFalse();
        assertThatThrownBy(() -> Signals.handle(Signal.realtime(1), info -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blocked in every thread");
    }

    @Test
    void killFromTheShellReachesAJavaHandler() throws Exception {
        LinkedBlockingQueue<SignalInfo> received = new LinkedBlockingQueue<>();
        try (SignalRegistration r = Signals.handle(Signal.SIGUSR1, received::add)) {
            assertThat(r.delivery()).isEqualTo(SignalRegistration.Delivery.JVM);
            Children.Result kill = Children.run(ChildProcess.builder("kill", "-USR1",
                    Long.toString(ProcessHandle.current().pid())), WAIT);
            assertThat(kill.status().code()).as(kill.output()).isZero();
            SignalInfo info = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(info).isNotNull();
            assertThat(info.signal()).isSameAs(Signal.SIGUSR1);
            assertThat(info.detailed()).isFalse();
            assertThat(info.senderPid()).isEqualTo(-1);
        }
    }

    @Test
    void aWaitSetSeesJvmDeliveriesAndTheCountIsTakenOnce() throws Exception {
        try (SignalRegistration r = Signals.handle(Signal.SIGUSR1, info -> { });
             WaitSet set = WaitSet.create()) {
            assertThat(r.delivery()).isEqualTo(SignalRegistration.Delivery.JVM);
            assertThat(r.interests()).containsExactly(Interest.SIGNALED);
            WaitSet.Key key = set.register(r, Interest.SIGNALED);
            assertThat(set.selectNow()).isEmpty();
            Signals.kill(ProcessHandle.current().pid(), Signal.SIGUSR1);
            assertThat(set.select(WAIT)).containsExactly(key);
            assertThat(r.takeDeliveries()).isEqualTo(1);
            assertThat(r.takeDeliveries()).isZero();
            assertThat(set.selectNow()).isEmpty();
        }
    }

    @Test
    void aJvmStartedWithASignalBlockedWaitsForItInAWaitSet() throws Exception {
        Signal rt = Signal.realtime(3);
        try (Pipe out = Pipe.open();
             ChildProcess peer = ChildProcess.builder(Children.java(SignalWaitPeer.class, "3", rt.name()))
                     .blockSignals(rt).mapFd(1, out.sink()).mapFd(2, out.sink()).start()) {
            out.sink().close();
            Lines lines = new Lines(out.source().inputStream());
            assertThat(lines.next(WAIT)).isEqualTo("ready SIGNALFD");
            for (int i = 0; i < 3; i++) {
                Signals.queue(peer.pid(), rt, i);
            }
            assertThat(lines.next(WAIT)).isEqualTo("took 3");
            assertThat(peer.waitFor(WAIT)).isEqualTo(ExitStatus.exited(0));
        }
    }

    @Test
    void osKillFromPythonReachesAJavaHandler() throws Exception {
        LinkedBlockingQueue<SignalInfo> received = new LinkedBlockingQueue<>();
        try (SignalRegistration r = Signals.handle(Signal.SIGWINCH, received::add)) {
            Children.run(ChildProcess.builder("python3", "-c",
                    "import os, signal; os.kill(" + ProcessHandle.current().pid() + ", signal.SIGWINCH)"), WAIT);
            assertThat(received.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isNotNull()
                    .extracting(SignalInfo::signal).isSameAs(Signal.SIGWINCH);
            assertThat(r.signal()).isSameAs(Signal.SIGWINCH);
        }
    }

    @Test
    void removingTheLastHandlerRestoresThePreviousDisposition() throws Exception {
        assertThat(caught(Signal.SIGUSR1)).as("SIGUSR1 at default before").isFalse();
        SignalRegistration first = Signals.handle(Signal.SIGUSR1, info -> { });
        SignalRegistration second = Signals.handle(Signal.SIGUSR1, info -> { });
        assertThat(caught(Signal.SIGUSR1)).isTrue();
        first.close();
        first.close();
        assertThat(caught(Signal.SIGUSR1)).as("one handler left").isTrue();
        second.close();
        assertThat(caught(Signal.SIGUSR1)).as("SIGUSR1 at default again").isFalse();

        assertThat(caught(Signal.SIGHUP)).as("the JVM's shutdown handler").isTrue();
        Signals.handle(Signal.SIGHUP, info -> { }).close();
        assertThat(caught(Signal.SIGHUP)).as("the JVM's shutdown handler is back").isTrue();
    }

    private static boolean caught(Signal s) throws IOException {
        String line = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("SigCgt:")).findFirst().orElseThrow();
        return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (s.number() - 1))) != 0;
    }

    @Test
    void killProcessGroupReachesEveryMember() throws Exception {
        try (Pipe out = Pipe.open();
             ChildProcess sh = ChildProcess.builder("sh", "-c", "sleep 30 & echo $!; wait")
                     .newProcessGroup().mapFd(1, out.sink()).start()) {
            out.sink().close();
            Lines lines = new Lines(out.source().inputStream());
            long sleeper = Long.parseLong(lines.next(WAIT));
            assertThat(Files.readString(Path.of("/proc/" + sleeper + "/stat")).split(" ")[4])
                    .as("process group of the background sleep").isEqualTo(Long.toString(sh.pid()));
            try (PidFd sleep = PidFd.open(sleeper)) {
                Signals.killProcessGroup(sh.pid(), Signal.SIGTERM);
                assertThat(sh.waitFor(WAIT)).isEqualTo(ExitStatus.killed(Signal.SIGTERM, false));
                assertThat(sleep.awaitExit(WAIT)).isTrue();
            }
        }
    }

    @Test
    void sendingToAMissingProcessNamesEsrch() throws IOException {
        long gone;
        try (ChildProcess child = ChildProcess.builder("true").start()) {
            gone = child.pid();
            child.waitFor(WAIT);
        }
        assertThatThrownBy(() -> Signals.queue(gone, Signal.SIGUSR1, 7))
                .isInstanceOf(IpcException.class)
                .hasMessage("sigqueue(pid=" + gone + ", SIGUSR1, value=7): ESRCH (No such process)")
                .satisfies(e -> assertThat(((IpcException) e).errno()).isEqualTo(Errno.ESRCH));
        assertThatThrownBy(() -> Signals.kill(gone, Signal.SIGTERM))
                .isInstanceOf(IpcException.class).hasMessageContaining("kill(pid=" + gone + ", SIGTERM): ESRCH");
        assertThatThrownBy(() -> Signals.kill(0, Signal.SIGTERM)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Signals.killProcessGroup(-3, Signal.SIGTERM)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aJvmStartedWithSignalsBlockedReceivesSenderAndValueThroughSignalfd() throws Exception {
        Signal rt = Signal.realtime(1);
        try (Pipe out = Pipe.open();
             ChildProcess peer = ChildProcess.builder(Children.java(SignalPeer.class, "3", rt.name(), "SIGUSR1"))
                     .blockSignals(rt, Signal.SIGUSR1)
                     .mapFd(1, out.sink()).mapFd(2, out.sink()).start()) {
            out.sink().close();
            Lines lines = new Lines(out.source().inputStream());
            assertThat(lines.next(WAIT)).isEqualTo("ready SIGNALFD SIGNALFD");

            String sigqueue = """
                    import ctypes, signal, sys
                    class sigval(ctypes.Union):
                        _fields_ = [("sival_int", ctypes.c_int), ("sival_ptr", ctypes.c_void_p)]
                    libc = ctypes.CDLL(None, use_errno=True)
                    libc.sigqueue.argtypes = [ctypes.c_int, ctypes.c_int, sigval]
                    if libc.sigqueue(int(sys.argv[1]), signal.SIGRTMIN + 1, sigval(int(sys.argv[2]))) != 0:
                        sys.exit(ctypes.get_errno())
                    """;
            for (int value : new int[] {42, -7}) {
                try (ChildProcess python = ChildProcess.builder("python3", "-c", sigqueue,
                        Long.toString(peer.pid()), Integer.toString(value)).start()) {
                    long pythonPid = python.pid();
                    assertThat(python.waitFor(WAIT)).isEqualTo(ExitStatus.exited(0));
                    assertThat(lines.next(WAIT)).isEqualTo("got " + rt.name() + " code=" + SignalInfo.SI_QUEUE
                            + " pid=" + pythonPid + " uid=" + uid() + " value=" + value + " detailed=true");
                }
            }
            try (ChildProcess kill = ChildProcess.builder("kill", "-USR1", Long.toString(peer.pid())).start()) {
                long killPid = kill.pid();
                assertThat(kill.waitFor(WAIT)).isEqualTo(ExitStatus.exited(0));
                assertThat(lines.next(WAIT)).isEqualTo("got SIGUSR1 code=" + SignalInfo.SI_USER + " pid=" + killPid
                        + " uid=" + uid() + " value=0 detailed=true");
            }
            assertThat(peer.waitFor(WAIT)).isEqualTo(ExitStatus.exited(0));
        }
    }

    @Test
    void queuedRealtimeSignalsAllArriveInOrderThroughSignalfd() throws Exception {
        Signal rt = Signal.realtime(2);
        int count = 50;
        try (Pipe out = Pipe.open();
             ChildProcess peer = ChildProcess.builder(Children.java(SignalPeer.class, Integer.toString(count), rt.name()))
                     .blockSignals(rt).mapFd(1, out.sink()).mapFd(2, out.sink()).start()) {
            out.sink().close();
            Lines lines = new Lines(out.source().inputStream());
            assertThat(lines.next(WAIT)).isEqualTo("ready SIGNALFD");
            // Sent faster than the peer reads them: real-time signals queue, none is merged.
            for (int i = 0; i < count; i++) {
                Signals.queue(peer.pid(), rt, i);
            }
            long self = ProcessHandle.current().pid();
            for (int i = 0; i < count; i++) {
                assertThat(lines.next(WAIT)).isEqualTo("got " + rt.name() + " code=" + SignalInfo.SI_QUEUE
                        + " pid=" + self + " uid=" + uid() + " value=" + i + " detailed=true");
            }
            assertThat(peer.waitFor(WAIT)).isEqualTo(ExitStatus.exited(0));
        }
    }

    private static long uid() throws IOException {
        return Long.parseLong(Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow().split("\\s+")[1]);
    }
}
