package org.panamaipc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.TestRun;

/**
 * The {@code ./ipc} launcher run as a user runs it: a real process per command line. Few
 * and chosen, for every JVM start costs; {@link CliTest} covers the subcommands in-process.
 */
@IpcTest
class LauncherTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void helpListsEverySubcommand() throws Exception {
        Cli.Result r = Cli.launch(TIMEOUT, "--help");
        assertThat(r.code()).isZero();
        for (Command c : Commands.ALL) {
            assertThat(r.out()).contains("ipc " + c.synopsis());
        }
    }

    @Test
    void scriptedRoundTripAndErrorExits() throws Exception {
        String name = TestRun.uniqueName("ipc-launcher");
        try {
            assertThat(Cli.launch(TIMEOUT, "mq", "send", name, "hi there", "--create").code()).isZero();
            Cli.Result ls = Cli.launch(TIMEOUT, "ls", "--json");
            assertThat(ls.code()).isZero();
            assertThat(ls.out()).startsWith("{\n  \"mqueueMounted\": ").contains("\"objects\": ");
            Cli.Result recv = Cli.launch(TIMEOUT, "mq", "recv", name);
            assertThat(recv).isEqualTo(new Cli.Result(0, "hi there\n", ""));
            Cli.Result missing = Cli.launch(TIMEOUT, "rm", "mq", name + "-missing");
            assertThat(missing.code()).isEqualTo(1);
            assertThat(missing.err()).isEqualTo("ipc rm mq: mq_unlink(\"" + name + "-missing\"): ENOENT (No such file or directory)\n");
            assertThat(Cli.launch(TIMEOUT, "mq", "recv").code()).isEqualTo(2);
        } finally {
            PosixMessageQueue.unlinkIfExists(name);
        }
    }

    @Test
    void sharedMemorySemaphoreMessageAndFifoFormsThroughTheLauncher(@TempDir Path dir) throws Exception {
        String name = TestRun.uniqueName("ipc-launcher");
        String key = String.format("0x%08x", 0x1D000000 | (int) (Math.random() * 0xFFFFFF));
        try {
            assertThat(Cli.launch(TIMEOUT, "shm", "write", name, "3", "abc", "--create", "16").code()).isZero();
            assertThat(Cli.launch(TIMEOUT, "shm", "read", name, "3", "3")).isEqualTo(new Cli.Result(0, "abc", ""));
            assertThat(Cli.launch(TIMEOUT, "sem", "post", name, "--create").code()).isZero();
            assertThat(Cli.launch(TIMEOUT, "sem", "get", name).out()).isEqualTo("1\n");
            assertThat(Cli.launch(TIMEOUT, "msg", "send", key, "2", "typed", "--create").code()).isZero();
            assertThat(Cli.launch(TIMEOUT, "msg", "recv", key, "--type", "2", "--timeout", "5s").out()).isEqualTo("typed\n");
            assertThat(Cli.launch(TIMEOUT, "rm", "sysv-msg", "--key", key).code()).isZero();
            Path fifo = dir.resolve("fifo");
            assertThat(Cli.launch(TIMEOUT, "fifo", "make", fifo.toString()).code()).isZero();
            assertThat(Files.getAttribute(fifo, "unix:mode")).isEqualTo(0010600);
        } finally {
            org.panamaipc.shm.SharedMemory.unlinkIfExists(name);
            org.panamaipc.sync.NamedSemaphore.unlinkIfExists(name);
            try (var q = org.panamaipc.mq.SysVMessageQueue.open(org.panamaipc.SysVKey.of(org.panamaipc.cli.Numbers.parseKey(key)))) {
                q.remove();
            } catch (java.nio.file.NoSuchFileException removed) {
                // the test removed it
            }
        }
    }

    @Test
    void tourPassesAndLeavesNothingBehind() throws Exception {
        Cli.Result r = Cli.launch(Duration.ofSeconds(90), "tour");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("MECHANISM", "mechanisms exchanged and verified data",
                "every object, file and process it made is gone");
        for (String mechanism : new String[] {"pipe", "FIFO", "POSIX message queue", "System V message queue",
            "POSIX shared memory", "System V shared memory", "POSIX named semaphore", "System V semaphore set", "futex", "process mutex", "eventfd",
            "Unix domain socket", "Unix datagram socket", "Unix seqpacket socket", "memory-mapped file",
            "descriptor passing", "signals", "process trace", "channel (shared-memory ring)",
            "file lock"}) {
            assertThat(r.out()).containsPattern("  ok +" + java.util.regex.Pattern.quote(mechanism));
        }
    }

    @Test
    void shellOpensJshellWithTheLibraryImported() throws Exception {
        String name = TestRun.uniqueName("ipc-shell");
        Process shell = Cli.launcher("shell", "-q").start();
        try {
            try (var in = shell.getOutputStream()) {
                in.write(("var q = PosixMessageQueue.openOrCreate(\"" + name + "\", 4, 64);\n"
                        + "q.send(\"from jshell\".getBytes(), 3);\n"
                        + "System.out.println(\"got \" + new String(q.receive().data()));\n"
                        + "q.close(); PosixMessageQueue.unlink(\"" + name + "\");\n"
                        + "/exit\n").getBytes(StandardCharsets.UTF_8));
            }
            String out = Cli.readAll(shell.getInputStream());
            assertThat(shell.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out).contains("the library is on the class path", "got from jshell");
        } finally {
            shell.destroyForcibly().waitFor();
            PosixMessageQueue.unlinkIfExists(name);
        }
    }

    /**
     * Ctrl-C in {@code ipc shell} cancels a snippet blocked in {@code receive()}, and the next
     * message sent is received by the next receive: nothing is lost. A python3 peer drives
     * the shell through a pseudo-terminal, as a user's terminal does, and knows the snippet is
     * blocked when a thread of the shell's JVM sleeps in {@code mq_timedreceive}.
     */
    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void ctrlCInTheShellCancelsABlockedReceiveAndLosesNothing() throws Exception {
        String name = TestRun.uniqueName("ipc-ctrlc");
        String driver = """
                import fcntl, glob, os, pty, select, struct, sys, termios, time
                launcher, name = sys.argv[1], sys.argv[2]
                pid, fd = pty.fork()
                if pid == 0:
                    os.execv(launcher, [launcher, "shell"])
                fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))  # a terminal of some size
                out = b""
                def expect(text, seconds=60):
                    global out
                    end = time.time() + seconds
                    while text.encode() not in out:
                        if time.time() > end:
                            sys.exit("timed out waiting for %r in %r" % (text, out.decode(errors="replace")))
                        r, _, _ = select.select([fd], [], [], 0.5)
                        if r:
                            try:
                                out += os.read(fd, 65536)
                            except OSError:
                                sys.exit("shell ended: %r" % out.decode(errors="replace"))
                    out = out[out.index(text.encode()) + len(text):]
                def blocked_in_receive(seconds=60):
                    end = time.time() + seconds
                    while time.time() < end:
                        for f in glob.glob("/proc/[0-9]*/task/*/syscall"):
                            try:
                                if open(f).read().startswith("243 "):
                                    return
                            except OSError:
                                pass
                        time.sleep(0.05)
                    sys.exit("no thread blocked in mq_timedreceive")
                def send(line):
                    os.write(fd, (line + "\\n").encode())
                expect("jshell>")
                send('var q = PosixMessageQueue.openOrCreate("%s", 4, 64).unlinkOnClose()' % name)
                expect("q ==>")
                send("var m = q.receive()")
                blocked_in_receive()
                os.write(fd, b"\\x03")
                expect("InterruptedIOException")
                send('q.send("after".getBytes(), 1)')
                send('System.out.println("got " + new String(q.receive().data()))')
                expect("got after")
                send("q.close()")
                send("/exit")
                os.waitpid(pid, 0)
                print("ok")
                """;
        ProcessBuilder pb = new ProcessBuilder("python3", "-c", driver, Path.of("ipc").toAbsolutePath().toString(), name)
                .redirectErrorStream(true);
        pb.environment().put("IPC_CLASSES", Path.of("target", "classes").toAbsolutePath().toString());
        Process p = pb.start();
        p.getOutputStream().close();
        try {
            String out = Cli.readAll(p.getInputStream());
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(out).endsWith("ok\n");
            assertThat(p.exitValue()).isZero();
        } finally {
            p.destroyForcibly().waitFor();
            PosixMessageQueue.unlinkIfExists(name);
        }
    }

    @Test
    @ResourceLock("signals")
    void signalWaitPrintsWhatSignalSendSent() throws Exception {
        Process waiter = Cli.launcher("signal", "wait", "SIGUSR1", "SIGTERM", "--timeout", "30s").start();
        try (BufferedReader err = new BufferedReader(new InputStreamReader(waiter.getErrorStream(), StandardCharsets.UTF_8))) {
            String line = err.readLine();
            assertThat(line).startsWith("waiting in pid ");
            String pid = line.substring("waiting in pid ".length());
            assertThat(Cli.launch(TIMEOUT, "signal", "send", pid, "USR1", "--value", "42").code()).isZero();
            assertThat(waiter.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(waiter.exitValue()).isZero();
            assertThat(Cli.readAll(waiter.getInputStream())).startsWith("SIGUSR1");
        } finally {
            waiter.destroyForcibly().waitFor();
        }
        assertThat(Cli.launch(TIMEOUT, "signal", "send", "1", "NOSUCH").code()).isEqualTo(2);
    }

    @Test
    void fdRecvListsWhatFdSendPassed(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.txt"), "alpha\n");
        Path b = Files.writeString(dir.resolve("b.txt"), "be");
        Path socket = dir.resolve("s.sock");
        Process receiver = Cli.launcher("fd", "recv", socket.toString(), "--cat", "--timeout", "30s").start();
        try (BufferedReader err = new BufferedReader(new InputStreamReader(receiver.getErrorStream(), StandardCharsets.UTF_8))) {
            assertThat(err.readLine()).isEqualTo("listening on " + socket);
            assertThat(Cli.launch(TIMEOUT, "fd", "send", socket.toString(), a.toString(), b.toString()).code()).isZero();
            assertThat(receiver.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(receiver.exitValue()).isZero();
            assertThat(Cli.readAll(receiver.getInputStream()))
                    .isEqualTo("0\t" + a + "\t6\nalpha\n1\t" + b + "\t2\nbe");
        } finally {
            receiver.destroyForcibly().waitFor();
        }
        assertThat(socket).doesNotExist();
    }

    @Test
    void lockRunsTheCommandAndExcludesAnother(@TempDir Path dir) throws Exception {
        Path lock = dir.resolve("lock");
        String ipc = Path.of("ipc").toAbsolutePath().toString();
        Cli.Result r = Cli.launch(TIMEOUT, "lock", lock.toString(), "--", "sh", "-c",
                "echo inside; \"$0\" lock " + lock + " --timeout 0 -- echo never; echo inner=$?", ipc);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("inside\ninner=1\n");
        assertThat(r.err()).contains("is locked");
        assertThat(Cli.launch(TIMEOUT, "lock", lock.toString(), "--", "sh", "-c", "exit 3").code()).isEqualTo(3);
    }
}
