package org.panamaipc.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panamaipc.BrokenPipeException;
import org.panamaipc.IpcException;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.pipe.PipeSink;
import org.panamaipc.pipe.PipeSource;
import org.panamaipc.pipe.PipeFlag;
import org.panamaipc.pipe.Fifo;
import org.panamaipc.pipe.PipePeer;
import org.panamaipc.signal.Signal;
import org.panamaipc.testing.Blocked;
import org.panamaipc.testing.BlockingChecks;
import org.panamaipc.testing.IpcTest;

@IpcTest
class ChildProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void pythonChildReadsRequestsFromFd3AndAnswersOnFd4() throws Exception {
        String worker = """
                import os, sys
                requests = os.fdopen(3, 'r')
                answers = os.fdopen(4, 'w')
                for line in requests:
                    answers.write(line.strip().upper() + '\\n')
                    answers.flush()
                # stdin and stdout are still the parent's
                sys.stdout.write('')
                os.write(2, b'')
                assert os.isatty(0) == os.isatty(0)
                """;
        try (Pipe requests = Pipe.open(); Pipe answers = Pipe.open();
             ChildProcess child = ChildProcess.builder("python3", "-c", worker)
                     .mapFd(3, requests.source())
                     .mapFd(4, answers.sink())
                     .start()) {
            requests.source().close();
            answers.sink().close();
            PrintStream out = new PrintStream(requests.sink().outputStream(), true, StandardCharsets.UTF_8);
            BufferedReader in = new BufferedReader(new InputStreamReader(answers.source().inputStream(), StandardCharsets.UTF_8));
            for (String word : List.of("alpha", "beta", "gamma")) {
                out.println(word);
                assertThat(in.readLine()).isEqualTo(word.toUpperCase());
            }
            out.close();
            assertThat(in.readLine()).isNull();
            assertThat(child.waitFor(WAIT)).isEqualTo(ExitStatus.exited(0));
        }
    }

    @Test
    void childKeepsTheParentsStdinAndStdoutBesideMappedDescriptors() throws Exception {
        String probe = "import os; os.write(3, (os.readlink('/proc/self/fd/0') + ' ' + os.readlink('/proc/self/fd/1')).encode())";
        try (Pipe answer = Pipe.open();
             ChildProcess child = ChildProcess.builder("python3", "-c", probe).mapFd(3, answer.sink()).start()) {
            answer.sink().close();
            String text = new String(answer.source().inputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(text).isEqualTo(java.nio.file.Files.readSymbolicLink(Path.of("/proc/self/fd/0")) + " "
                    + java.nio.file.Files.readSymbolicLink(Path.of("/proc/self/fd/1")));
            assertThat(child.waitFor(WAIT)).isEqualTo(ExitStatus.exited(0));
        }
    }

    @Test
    void onlyMappedDescriptorsReachTheChild() throws IOException {
        try (Pipe spare = Pipe.open(); Pipe mapped = Pipe.open()) {
            Children.Result r = Children.run(ChildProcess.builder("python3", "-c",
                    "import os; print(sorted(int(f) for f in os.listdir('/proc/self/fd')))")
                    .mapFd(7, mapped.source()), WAIT);
            // 0 is inherited, 1 and 2 the output pipe, 7 mapped; 3 is listdir's own directory.
            assertThat(r.output().trim()).isEqualTo("[0, 1, 2, 3, 7]");
            assertThat(spare.source().isOpen()).as("open here, yet not inherited").isTrue();
            assertThat(r.status()).isEqualTo(ExitStatus.exited(0));
        }
    }

    @Test
    void crossedMappingsDoNotOverwriteEachOther() throws IOException {
        try (Pipe a = Pipe.open(); Pipe b = Pipe.open()) {
            int fdA = a.sink().fd().get();
            int fdB = b.sink().fd().get();
            // a's write end goes to b's number and the other way round
            Children.Result r = Children.run(ChildProcess.builder("python3", "-c",
                    "import os; os.write(" + fdB + ", b'A\\n'); os.write(" + fdA + ", b'B\\n')")
                    .mapFd(fdB, a.sink()).mapFd(fdA, b.sink()), WAIT);
            assertThat(r.status()).as(r.output()).isEqualTo(ExitStatus.exited(0));
            a.sink().close();
            b.sink().close();
            assertThat(new String(a.source().inputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("A\n");
            assertThat(new String(b.source().inputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("B\n");
        }
    }

    @Test
    void workingDirectoryEnvironmentAndOpenedFilesApply(@TempDir Path dir) throws IOException {
        Children.Result r = Children.run(ChildProcess.builder("sh", "-c", "pwd; echo \"$GREETING\"; cat <&5; echo \"$HOME\"")
                .directory(dir)
                .environment(Map.of("GREETING", "hi", "PATH", System.getenv("PATH")))
                .environment("EXTRA", "x")
                .openFd(5, writeFile(dir.resolve("input"), "from a file\n"))
                .openFd(0, Path.of("/dev/null")), WAIT);
        assertThat(r.output()).isEqualTo(dir.toRealPath() + "\nhi\nfrom a file\n\n");
    }

    private static Path writeFile(Path path, String text) throws IOException {
        return java.nio.file.Files.writeString(path, text);
    }

    @Test
    void exitCodeIsReported() throws IOException {
        assertThat(Children.run(ChildProcess.builder("sh", "-c", "exit 42"), WAIT).status())
                .isEqualTo(ExitStatus.exited(42))
                .satisfies(s -> assertThat(s.shellCode()).isEqualTo(42));
    }

    @Test
    void pidfdWaitSeesAChildKilledBySigkill() throws IOException {
        try (ChildProcess child = ChildProcess.builder("sleep", "60").start()) {
            assertThat(child.isAlive()).isTrue();
            assertThat(child.waitFor(Duration.ofMillis(50))).isNull();
            child.kill();
            ExitStatus status = child.waitFor(WAIT);
            assertThat(status.killed()).isTrue();
            assertThat(status.signal()).isSameAs(Signal.SIGKILL);
            assertThat(status.shellCode()).isEqualTo(137);
            assertThat(child.isAlive()).isFalse();
        }
    }

    @Test
    void aMissingProgramFailsNamingItsPath() {
        assertThatThrownBy(() -> ChildProcess.builder("/no/such/program", "x").start())
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("posix_spawn(\"/no/such/program\"")
                .hasMessageContaining("ENOENT")
                .satisfies(e -> assertThat(((NoSuchFileException) e).getFile()).isEqualTo("/no/such/program"));
        assertThatThrownBy(() -> ChildProcess.builder("no-such-program-anywhere").start())
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("posix_spawnp(\"no-such-program-anywhere\"");
    }

    @Test
    void mappingOneNumberTwiceIsRefused() throws IOException {
        try (Pipe pipe = Pipe.open()) {
            ChildProcess.Builder b = ChildProcess.builder("true").mapFd(3, pipe.source());
            assertThatThrownBy(() -> b.mapFd(3, pipe.sink()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("childFd=3 is already mapped");
            assertThatThrownBy(() -> b.closeFd(3)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> b.mapFd(-1, pipe.sink())).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> ChildProcess.builder()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFailingOpenActionIsReported(@TempDir Path dir) {
        assertThatThrownBy(() -> ChildProcess.builder("true").openFd(3, dir.resolve("missing")).start())
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("open(3, \"" + dir.resolve("missing") + "\", O_RDONLY)");
    }

    @Test
    void tenMegabytesThroughCatArriveIntact() throws Exception {
        byte[] data = new byte[10 << 20];
        new Random(7).nextBytes(data);
        try (Pipe in = Pipe.open(); Pipe out = Pipe.open();
             ChildProcess cat = ChildProcess.builder("cat").mapFd(0, in.source()).mapFd(1, out.sink()).start()) {
            in.source().close();
            out.sink().close();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (PipeSink sink = in.sink()) {
                    sink.write(data, 0, data.length);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long total = 0;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(65536);
                long n;
                while ((n = out.source().read(buf)) > 0) {
                    sha.update(buf.asSlice(0, n).asByteBuffer());
                    total += n;
                }
            }
            writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(total).isEqualTo(data.length);
            assertThat(sha.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
            assertThat(cat.waitFor(WAIT)).isEqualTo(ExitStatus.exited(0));
        }
    }

    @Test
    void headClosingEarlyGivesTheWriterABrokenPipe() throws Exception {
        try (Pipe in = Pipe.open(); Pipe out = Pipe.open();
             ChildProcess head = ChildProcess.builder("head", "-c", "1000").mapFd(0, in.source())
                     .mapFd(1, out.sink()).start()) {
            in.source().close();
            out.sink().close();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment chunk = arena.allocate(65536);
                assertThatThrownBy(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        in.sink().write(chunk);
                    }
                }).isInstanceOf(BrokenPipeException.class);
            }
            assertThat(out.source().inputStream().readAllBytes()).hasSize(1000);
            assertThat(head.waitFor(WAIT)).isEqualTo(ExitStatus.exited(0));
        }
    }

    @Test
    void echoFromTheShellIsRead() throws IOException {
        Children.Result r = Children.run(ChildProcess.builder("echo", "hello", "world"), WAIT);
        assertThat(r.output()).isEqualTo("hello world\n");
    }

    @Test
    void tenMegabytesThroughAPeerJvmOnFd3AndFd4ArriveIntact() throws Exception {
        byte[] data = new byte[10 << 20];
        new Random(11).nextBytes(data);
        try (Pipe requests = Pipe.open(); Pipe answers = Pipe.open(); Pipe log = Pipe.open();
             ChildProcess peer = ChildProcess.builder(Children.java(PipePeer.class, "fd-echo"))
                     .mapFd(3, requests.source()).mapFd(4, answers.sink()).mapFd(1, log.sink()).start()) {
            requests.source().close();
            answers.sink().close();
            log.sink().close();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (PipeSink sink = requests.sink()) {
                    sink.write(data, 0, data.length);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] back = answers.source().inputStream().readAllBytes();
            writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(Arrays.equals(back, data)).isTrue();
            String expected = "sha256=" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
            assertThat(new String(log.source().inputStream().readAllBytes(), StandardCharsets.UTF_8)).contains(expected);
            assertThat(peer.waitFor(WAIT)).isEqualTo(ExitStatus.exited(0));
        }
    }

    @Test
    void closingARunningChildLeavesNoZombie() throws Exception {
        long pid;
        try (ChildProcess child = ChildProcess.builder("sleep", "0.2").start()) {
            pid = child.pid();
        }
        org.panamaipc.testing.Deadline.after(WAIT).await(() -> ProcessHandle.of(pid).isEmpty(), "child " + pid + " reaped");
        assertThatThrownBy(() -> org.panamaipc.signal.Signals.kill(pid, Signal.SIGTERM))
                .isInstanceOf(IpcException.class).hasMessageContaining("ESRCH");
    }

    @Test
    void interruptingWaitForLeavesTheChildWaitable() throws Exception {
        try (ChildProcess child = ChildProcess.builder("sleep", "30").start()) {
            for (boolean timed : new boolean[] {false, true}) {
                BlockingChecks.interruptEndsTheCallPromptly(Blocked.POLL, null,
                        () -> timed ? child.waitFor(Duration.ofSeconds(30)) : child.waitFor(), InterruptedIOException.class);
            }
            assertThat(child.isAlive()).isTrue();
            assertThat(child.fd().isOpen()).isTrue();
            child.kill();
            assertThat(child.waitFor(WAIT)).isEqualTo(ExitStatus.killed(Signal.SIGKILL, false));
        }
    }

    @Test
    void closeReleasesAThreadBlockedInWaitForAndStillReapsTheChild() throws Exception {
        long pid;
        ChildProcess child = ChildProcess.builder("sleep", "30").start();
        try {
            pid = child.pid();
            Blocked<ExitStatus> waiting = Blocked.start(Blocked.POLL, child::waitFor);
            child.close();
            assertThatThrownBy(() -> waiting.get(Duration.ofSeconds(5)))
                    .hasCauseInstanceOf(AsynchronousCloseException.class);
            assertThatThrownBy(child::waitFor).isInstanceOf(IllegalStateException.class);
            org.panamaipc.signal.Signals.kill(pid, Signal.SIGKILL);
        } finally {
            child.close();
        }
        org.panamaipc.testing.Deadline.after(WAIT).await(() -> ProcessHandle.of(pid).isEmpty(), "child " + pid + " reaped");
    }

    @Test
    void closeReleasesTimedAndUntimedWaitersOnPlatformAndVirtualThreads() throws Exception {
        for (boolean virtual : new boolean[] {false, true}) {
            for (boolean timed : new boolean[] {false, true}) {
                ChildProcess child = ChildProcess.builder("sleep", "30").start();
                long pid = child.pid();
                try {
                    CompletableFuture<ExitStatus> result = new CompletableFuture<>();
                    Thread waiter = (virtual ? Thread.ofVirtual() : Thread.ofPlatform().daemon()).start(() -> {
                        try {
                            result.complete(timed ? child.waitFor(Duration.ofSeconds(30)) : child.waitFor());
                        } catch (Throwable t) {
                            result.completeExceptionally(t);
                        }
                    });
                    org.panamaipc.testing.Deadline.after(WAIT).await(
                            () -> waiter.getState() == Thread.State.WAITING || waiter.getState() == Thread.State.TIMED_WAITING
                                    || waiter.getState() == Thread.State.RUNNABLE && !virtual && inPoll(waiter),
                            "the waiter blocks");
                    child.close();
                    assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS))
                            .as("virtual=%s timed=%s", virtual, timed)
                            .hasCauseInstanceOf(AsynchronousCloseException.class);
                } finally {
                    child.close();
                    org.panamaipc.signal.Signals.kill(pid, Signal.SIGKILL);
                }
                org.panamaipc.testing.Deadline.after(WAIT).await(() -> ProcessHandle.of(pid).isEmpty(), "child " + pid + " reaped");
            }
        }
    }

    /** Whether a platform thread sleeps in poll, by the kernel's account (its stack shows the call). */
    private static boolean inPoll(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getMethodName().contains("awaitReady")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aNullArgumentIsNamed() {
        assertThatThrownBy(() -> ChildProcess.builder("true", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("command[1]");
        assertThatThrownBy(() -> ChildProcess.builder((String[]) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("command");
        assertThatThrownBy(() -> ChildProcess.builder(Arrays.asList("true", null)))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("command[1]");
    }

    @Test
    void aChildWhosePidfdCannotBeOpenedIsKilledAndReaped() throws Exception {
        // A peer JVM limited to 64 descriptors fills them all, then starts a child: the spawn
        // needs no descriptor, pidfd_open fails with EMFILE, and the child must not outlive that.
        List<String> java = Children.java(NoDescriptorsLeftPeer.class);
        String command = "ulimit -n 64 && exec " + String.join(" ", java.stream().map(a -> "'" + a + "'").toList());
        Children.Result r = Children.run(ChildProcess.builder("sh", "-c", command), WAIT);
        assertThat(r.output()).contains("EMFILE").contains("children=[]");
        assertThat(r.status()).as(r.output()).isEqualTo(ExitStatus.exited(0));
    }
}
