package org.panamaipc.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.IpcException;
import org.panamaipc.testing.Blocked;
import org.panamaipc.signal.Signal;

@IpcTest
class PidFdTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void waitTimesOutWhileTheProcessRunsAndSeesItsExit() throws IOException {
        try (ChildProcess child = ChildProcess.builder("sleep", "30").start()) {
            PidFd pidFd = child.pidFd();
            assertThat(pidFd.pid()).isEqualTo(child.pid());
            assertThat(pidFd.awaitExit(Duration.ofMillis(50))).isFalse();
            assertThat(pidFd.isAlive()).isTrue();
            assertThat(pidFd.tryReap()).isNull();
            pidFd.sendSignal(Signal.SIGTERM);
            assertThat(pidFd.awaitExit(WAIT)).isTrue();
            assertThat(pidFd.isAlive()).isFalse();
            assertThat(pidFd.tryReap()).isEqualTo(ExitStatus.killed(Signal.SIGTERM, false));
        }
    }

    @Test
    void aPidfdForAProcessThatIsNotAChildDetectsItsDeath() throws Exception {
        // sh starts sleep in the background and prints its pid: sleep is our grandchild.
        try (org.panamaipc.pipe.Pipe out = org.panamaipc.pipe.Pipe.open();
             ChildProcess sh = ChildProcess.builder("sh", "-c", "sleep 30 >/dev/null 2>&1 & echo $!").mapFd(1, out.sink()).start()) {
            out.sink().close();
            long grandchild = Long.parseLong(new String(out.source().inputStream().readAllBytes()).trim());
            assertThat(sh.waitFor(WAIT)).isEqualTo(ExitStatus.exited(0));
            try (PidFd pidFd = PidFd.open(grandchild)) {
                assertThat(pidFd.isAlive()).isTrue();
                assertThatThrownBy(pidFd::tryReap).isInstanceOf(IpcException.class).hasMessageContaining("ECHILD");
                pidFd.sendSignal(Signal.SIGKILL);
                assertThat(pidFd.awaitExit(WAIT)).isTrue();
            }
        }
    }

    @Test
    void openingAMissingProcessNamesEsrch() throws IOException {
        long gone;
        try (ChildProcess child = ChildProcess.builder("true").start()) {
            gone = child.pid();
            child.waitFor(WAIT);
        }
        assertThatThrownBy(() -> PidFd.open(gone))
                .isInstanceOf(IpcException.class)
                .hasMessage("pidfd_open(pid=" + gone + "): ESRCH (No such process)");
        assertThatThrownBy(() -> PidFd.open(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closeReleasesAThreadWaitingForExit() throws Exception {
        try (ChildProcess child = ChildProcess.builder("sleep", "30").start()) {
            PidFd pidFd = PidFd.open(child.pid());
            Blocked<Void> waiter = Blocked.start(Blocked.POLL, () -> {
                pidFd.awaitExit();
                return null;
            });
            pidFd.close();
            assertThatThrownBy(() -> waiter.result().get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(AsynchronousCloseException.class);
            assertThatThrownBy(pidFd::isAlive).isInstanceOf(IllegalStateException.class);
            child.kill();
            assertThat(child.waitFor(WAIT).signal()).isSameAs(Signal.SIGKILL);
        }
    }

    @Test
    void interruptEndsAWaitAndTheChildCanStillBeReaped() throws Exception {
        try (ChildProcess child = ChildProcess.builder("sleep", "30").start();
             PidFd pidFd = child.pidFd().dup()) {
            assertThat(pidFd.fd().get()).isNotEqualTo(child.fd().get());
            Blocked<ExitStatus> waiting = Blocked.start(Blocked.POLL, () -> pidFd.waitFor(Duration.ofSeconds(30)));
            long start = System.nanoTime();
            waiting.thread().interrupt();
            assertThatThrownBy(() -> waiting.get(Duration.ofSeconds(5)))
                    .hasCauseInstanceOf(InterruptedIOException.class)
                    .cause().hasMessageContaining("pid " + child.pid());
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(100);
            assertThat(pidFd.isAlive()).isTrue();
            assertThat(pidFd.tryReap()).isNull();
            pidFd.sendSignal(Signal.SIGTERM);
            assertThat(pidFd.waitFor()).isEqualTo(ExitStatus.killed(Signal.SIGTERM, false));
        }
    }
}
