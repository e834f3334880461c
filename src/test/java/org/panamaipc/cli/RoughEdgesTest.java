package org.panamaipc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.panamaipc.SysVKey;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.shm.SharedMemory;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixSocket;
import org.panamaipc.sync.NamedSemaphore;
import org.panamaipc.sync.SysVSemaphoreSet;
import org.panamaipc.testing.IpcTest;

/**
 * The command's rough edges a new user met, each through the real {@code ./ipc} launcher:
 * names, durations, binary output, modes, semaphore values, the existence probe, a message
 * without descriptors, commands that cannot run, a group without a subcommand, and
 * {@code ipc lock} against util-linux {@code flock(1)} both ways.
 */
@IpcTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RoughEdgesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final String name = "/ipc-edge-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void posixNamesWithoutTheirSlashOrEmptyAreRefusedAndNothingIsMade() throws Exception {
        Cli.Result noSlash = Cli.launch(TIMEOUT, "mq", "send", name.substring(1), "hi", "--create");
        assertThat(noSlash.code()).isEqualTo(2);
        assertThat(noSlash.err()).startsWith("ipc mq send: NAME=\"" + name.substring(1) + "\" does not start with a slash")
                .contains("did you mean " + name + "?");
        Cli.Result empty = Cli.launch(TIMEOUT, "mq", "send", "", "hi");
        assertThat(empty.code()).isEqualTo(2);
        assertThat(empty.err()).startsWith("ipc mq send: NAME is empty").doesNotContain("name=\"/\"");
        assertThat(Cli.launch(TIMEOUT, "shm", "stat", "/a/b").err()).contains("NAME=\"/a/b\" may contain no slash after the first");
        assertThat(Path.of("/dev/mqueue", name.substring(1))).doesNotExist();
    }

    @Test
    void aDurationWithoutAUnitIsRefusedNamingTheUnitsAndDecimalsAreTaken() throws Exception {
        try (PosixMessageQueue q = PosixMessageQueue.create(name, 4, 64).unlinkOnClose()) {
            Cli.Result bare = Cli.launch(TIMEOUT, "mq", "recv", name, "--timeout", "5");
            assertThat(bare.code()).isEqualTo(2);
            assertThat(bare.err()).contains("--timeout=\"5\" has no unit", "5s", "units: ms, s, m, h");
            Cli.Result decimal = Cli.launch(TIMEOUT, "mq", "recv", name, "--timeout", "1.5s");
            assertThat(decimal.code()).isEqualTo(1);
            assertThat(decimal.err()).contains("no message in " + name + " within 1.5s");
        }
    }

    @Test
    void shmReadPrintsTextUpToTheFirstNulRawAllOrAHexDump() throws Exception {
        try {
            assertThat(Cli.launch(TIMEOUT, "shm", "write", name, "0", "abc", "--create", "20").code()).isZero();
            assertThat(Cli.launch(TIMEOUT, "shm", "read", name, "0", "20")).isEqualTo(new Cli.Result(0, "abc", ""));
            assertThat(Cli.launch(TIMEOUT, "shm", "read", name, "0", "20", "--raw").out()).isEqualTo("abc" + "\0".repeat(17));
            assertThat(Cli.launch(TIMEOUT, "shm", "read", name, "0", "20", "--hex").out()).isEqualTo(
                    "00000000  61 62 63 00 00 00 00 00 00 00 00 00 00 00 00 00  abc.............\n"
                    + "00000010  00 00 00 00                                      ....\n");
        } finally {
            SharedMemory.unlinkIfExists(name);
        }
    }

    @Test
    void shmStatPrintsTheModeAsLsDoes() throws Exception {
        try {
            assertThat(Cli.launch(TIMEOUT, "shm", "write", name, "0", "x", "--create", "8").code()).isZero();
            assertThat(Cli.launch(TIMEOUT, "shm", "stat", name).out()).contains("mode=0600\n");
            assertThat(Cli.launch(TIMEOUT, "ls", "--json").out())
                    .containsPattern("\"name\": \"" + name + "\",[^}]*\"mode\": \"0600\"");
        } finally {
            SharedMemory.unlinkIfExists(name);
        }
    }

    @Test
    void lsShowsSemaphoreValues() throws Exception {
        SysVKey key = SysVKey.of(0x1E000000 | (int) (Math.random() * 0xFFFFFF));
        try (NamedSemaphore posix = NamedSemaphore.create(name, 2).unlinkOnClose();
             SysVSemaphoreSet set = SysVSemaphoreSet.create(key, 3)) {
            try {
                set.setValues(1, 0, 7);
                Cli.Result json = Cli.launch(TIMEOUT, "ls", "--json");
                assertThat(json.out()).containsPattern("\"kind\": \"sem\",\\s+\"name\": \"" + name + "\",[^}]*\"value\": 2");
                assertThat(json.out()).containsPattern("\"id\": " + set.id() + ",[^}]*\"nsems\": 3,\\s+\"values\": \\[\\s+1,\\s+0,\\s+7\\s+\\]");
                Cli.Result table = Cli.launch(TIMEOUT, "ls");
                assertThat(table.out()).containsPattern("sem +" + name + " .* value 2")
                        .containsPattern("sysv-sem .* " + set.id() + " .* 3 sems +values=1,0,7");
            } finally {
                set.remove();
            }
        }
    }

    @Test
    void signalZeroProbesWhetherAProcessExists() throws Exception {
        assertThat(Cli.launch(TIMEOUT, "signal", "send", Long.toString(ProcessHandle.current().pid()), "0"))
                .isEqualTo(new Cli.Result(0, "", ""));
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Cli.Result r = Cli.launch(TIMEOUT, "signal", "send", Long.toString(gone.pid()), "0");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("ipc signal send: kill(pid=" + gone.pid() + ", 0): ESRCH (No such process)\n");
    }

    @Test
    void fdRecvFailsOnAMessageWithoutDescriptors(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("s.sock");
        Process receiver = Cli.launcher("fd", "recv", socket.toString(), "--timeout", "30s").start();
        try (BufferedReader err = new BufferedReader(new InputStreamReader(receiver.getErrorStream(), StandardCharsets.UTF_8))) {
            assertThat(err.readLine()).isEqualTo("listening on " + socket);
            try (UnixSocket s = UnixSocket.connect(SocketType.STREAM, UnixDomainSocketAddress.of(socket))) {
                s.send("just data".getBytes(StandardCharsets.UTF_8));
                assertThat(receiver.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(receiver.exitValue()).isEqualTo(1);
            assertThat(err.readLine()).isEqualTo("ipc fd recv: the message (9 bytes of data) carried no descriptor");
            assertThat(Cli.readAll(receiver.getInputStream())).isEmpty();
        } finally {
            receiver.destroyForcibly().waitFor();
        }
    }

    @Test
    void lockExitsLikeAShellWhenTheCommandIsMissingOrCannotRun(@TempDir Path dir) throws Exception {
        Path lock = dir.resolve("lock");
        Path plain = Files.writeString(dir.resolve("not-executable"), "echo no\n");
        Cli.Result missing = Cli.launch(TIMEOUT, "lock", lock.toString(), "--", "/nonexistent/cmd");
        assertThat(missing).isEqualTo(new Cli.Result(127, "", "ipc lock: /nonexistent/cmd: No such file or directory\n"));
        Cli.Result notOnPath = Cli.launch(TIMEOUT, "lock", lock.toString(), "--", "no-such-command-" + UUID.randomUUID());
        assertThat(notOnPath.code()).isEqualTo(127);
        assertThat(notOnPath.err()).endsWith(": command not found\n");
        Cli.Result cannotRun = Cli.launch(TIMEOUT, "lock", lock.toString(), "--", plain.toString());
        assertThat(cannotRun).isEqualTo(new Cli.Result(126, "", "ipc lock: " + plain + ": Permission denied\n"));
    }

    @Test
    void aGroupWithoutSubcommandSaysSoFirst() throws Exception {
        Cli.Result r = Cli.launch(TIMEOUT, "mq");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("ipc mq: missing subcommand\nusage:\n  ipc mq send");
    }

    /** util-linux flock(1) holds the file: ipc lock waits, then gets it when flock lets go. */
    @Test
    void ipcLockIsExcludedByFlockAndTakesTheLockWhenItIsFree(@TempDir Path dir) throws Exception {
        Path lock = dir.resolve("build.lock");
        Process holder = new ProcessBuilder("flock", lock.toString(), "sh", "-c", "echo held; cat >/dev/null").start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("held");
            Cli.Result excluded = Cli.launch(TIMEOUT, "lock", lock.toString(), "--timeout", "500ms", "--", "echo", "got");
            assertThat(excluded.code()).isEqualTo(1);
            assertThat(excluded.out()).isEmpty();
            assertThat(excluded.err()).contains("is locked; gave up after 500ms");
            Cli.Result record = Cli.launch(TIMEOUT, "lock", lock.toString(), "--kind", "ofd", "--timeout", "0", "--", "echo", "ofd");
            assertThat(record).as("record locks do not see flock locks").isEqualTo(new Cli.Result(0, "ofd\n", ""));
            holder.getOutputStream().close(); // flock's command ends, and flock lets go
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Cli.launch(TIMEOUT, "lock", lock.toString(), "--timeout", "30s", "--", "echo", "got"))
                    .isEqualTo(new Cli.Result(0, "got\n", ""));
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    /** ipc lock holds the file: flock(1) cannot take it until the command ends; an ofd holder excludes posix. */
    @Test
    void flockIsExcludedByIpcLock(@TempDir Path dir) throws Exception {
        Path lock = dir.resolve("build.lock");
        for (String kind : new String[] {"flock", "ofd"}) {
            Process holder = Cli.launcher("lock", lock.toString(), "--kind", kind, "--", "sh", "-c", "echo held; cat >/dev/null").start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
                assertThat(out.readLine()).isEqualTo("held");
                if (kind.equals("flock")) {
                    assertThat(new ProcessBuilder("flock", "--nonblock", lock.toString(), "true").start().waitFor()).isEqualTo(1);
                    assertThat(new ProcessBuilder("flock", "--shared", "--nonblock", lock.toString(), "true").start().waitFor())
                            .isEqualTo(1);
                } else {
                    Cli.Result posix = Cli.launch(TIMEOUT, "lock", lock.toString(), "--kind", "posix", "--timeout", "0", "--", "true");
                    assertThat(posix.code()).isEqualTo(1);
                    assertThat(posix.err()).contains("is locked");
                }
                holder.getOutputStream().close();
                assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(holder.exitValue()).isZero();
            } finally {
                holder.destroyForcibly().waitFor();
            }
        }
        assertThat(new ProcessBuilder("flock", "--nonblock", lock.toString(), "true").start().waitFor()).isZero();
    }

    /**
     * A snippet that sends SIGUSR1 to the shell's own process (the snippets run in it) no
     * longer ends the shell, and Signals.handle works in the shell; the help says which
     * signals still end it.
     */
    @Test
    void theShellSurvivesASignalWhoseDefaultWouldEndIt() throws Exception {
        Process shell = Cli.launcher("shell", "-q").start();
        try {
            try (var in = shell.getOutputStream()) {
                in.write(("""
                        var seen = new java.util.concurrent.LinkedBlockingQueue<SignalInfo>();
                        var reg = Signals.handle(Signal.SIGUSR1, seen::add);
                        Signals.kill(ProcessHandle.current().pid(), Signal.SIGUSR1);
                        System.out.println("mine saw " + seen.poll(30, java.util.concurrent.TimeUnit.SECONDS).signal());
                        reg.close();
                        Signals.kill(ProcessHandle.current().pid(), Signal.SIGALRM);
                        System.out.println("still here");
                        /exit
                        """).getBytes(StandardCharsets.UTF_8));
            }
            var err = new java.util.concurrent.CompletableFuture<String>();
            Thread.ofVirtual().start(() -> err.complete(Cli.readAll(shell.getErrorStream())));
            String out = Cli.readAll(shell.getInputStream());
            assertThat(shell.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out).contains("mine saw SIGUSR1", "still here");
            assertThat(shell.exitValue()).isZero();
            assertThat(err.join()).contains("ipc shell: received SIGUSR1, which would have ended the shell",
                    "ipc shell: received SIGALRM");
        } finally {
            shell.destroyForcibly().waitFor();
        }
        Cli.Result help = Cli.launch(TIMEOUT, "shell", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).startsWith("usage: ipc shell").contains("SIGUSR1, SIGALRM", "real-time signal");
    }
}
