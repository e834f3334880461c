package org.panamaipc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.mq.SysVMessageQueue;
import org.panamaipc.shm.SharedMemory;
import org.panamaipc.sync.NamedSemaphore;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.TestRun;

/** The subcommands run in this JVM against real kernel objects; the launcher is tested in {@link LauncherTest}. */
@IpcTest
class CliTest {
    private final String name = TestRun.uniqueName("ipc-cli-test");
    private final int key = 0x1C000000 | (int) (Math.random() * 0xFFFFFF);

    @AfterEach
    void removeObjects() throws Exception {
        PosixMessageQueue.unlinkIfExists(name);
        SharedMemory.unlinkIfExists(name);
        try (SysVMessageQueue q = SysVMessageQueue.open(org.panamaipc.SysVKey.of(key))) {
            q.remove();
        } catch (java.nio.file.NoSuchFileException gone) {
            // never made, or removed by the test
        }
    }

    @Test
    void mqSendThenReceivePrintsTheTextAndItsPriority() {
        assertThat(Cli.run("mq", "send", name, "grüße", "--priority", "7", "--create").code()).isZero();
        assertThat(Cli.run("mq", "stat", name).out()).contains("messages=1", "name=" + name);
        Cli.Result r = Cli.run("mq", "recv", name, "--priority", "--timeout", "2s");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("7\tgrüße\n");
    }

    @Test
    void mqReceiveTimesOutWithExitCodeOne() {
        assertThat(Cli.run("mq", "send", name, "x", "--create").code()).isZero();
        assertThat(Cli.run("mq", "recv", name, "--timeout", "1s").out()).isEqualTo("x\n");
        Cli.Result r = Cli.run("mq", "recv", name, "--timeout", "100ms");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("no message");
    }

    @Test
    void errorsAreOneLineNamingCallObjectAndErrno() {
        Cli.Result r = Cli.run("mq", "recv", name);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("ipc mq recv: mq_open(\"" + name + "\", O_RDONLY): ENOENT (No such file or directory)\n");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(Cli.run("mq", "send", name).code()).isEqualTo(2);
        assertThat(Cli.run("mq", "send", name, "x", "--bogus").err()).contains("unknown option --bogus");
        assertThat(Cli.run("mq", "recv", name, "--timeout", "soon").err()).contains("not a duration");
        assertThat(Cli.run("nonsense").code()).isEqualTo(2);
        assertThat(Cli.run().code()).isEqualTo(2);
    }

    @Test
    void everySubcommandHasHelp() {
        for (Command c : Commands.ALL) {
            Cli.Result r = Cli.run((c.name() + " --help").split(" "));
            assertThat(r.code()).as(c.name()).isZero();
            assertThat(r.out()).as(c.name()).startsWith("usage: ipc " + c.synopsis());
        }
        assertThat(Cli.run("mq", "--help").out()).contains("ipc mq send", "ipc mq recv", "ipc mq stat");
    }

    @Test
    void msgSendThenReceiveByType() {
        String k = String.format("0x%08x", key);
        assertThat(Cli.run("msg", "send", k, "3", "three", "--create").code()).isZero();
        assertThat(Cli.run("msg", "send", Integer.toString(key), "5", "five").code()).isZero();
        assertThat(Cli.run("msg", "recv", k, "--type", "5", "--timeout", "1s").out()).isEqualTo("five\n");
        assertThat(Cli.run("msg", "recv", k).out()).isEqualTo("three\n");
        assertThat(Cli.run("msg", "recv", k, "--timeout", "100ms").code()).isEqualTo(1);
        assertThat(Cli.run("rm", "sysv-msg", "--key", k).code()).isZero();
        assertThat(Cli.run("msg", "recv", k).err()).contains("ENOENT");
    }

    @Test
    void shmWriteReadAndStat() {
        assertThat(Cli.run("shm", "write", name, "100", "hello", "--create", "4096").code()).isZero();
        assertThat(Cli.run("shm", "read", name, "100", "5").out()).isEqualTo("hello");
        assertThat(Cli.run("shm", "stat", name).out()).contains("size=4096", "mode=0600");
        Cli.Result past = Cli.run("shm", "write", name, "4094", "hello");
        assertThat(past.code()).isEqualTo(2);
        assertThat(past.err()).contains("offset=4094 length=5 size=4096");
        assertThat(Cli.run("rm", "shm", name).code()).isZero();
        assertThat(Cli.run("shm", "read", name, "0", "1").err()).contains("shm_open", "ENOENT");
    }

    @Test
    void semPostWaitAndGet() throws Exception {
        try {
            assertThat(Cli.run("sem", "post", name, "--create").code()).isZero();
            assertThat(Cli.run("sem", "post", name).code()).isZero();
            assertThat(Cli.run("sem", "get", name).out()).isEqualTo("2\n");
            assertThat(Cli.run("sem", "wait", name).code()).isZero();
            assertThat(Cli.run("sem", "wait", name, "--timeout", "1s").code()).isZero();
            Cli.Result timedOut = Cli.run("sem", "wait", name, "--timeout", "100ms");
            assertThat(timedOut.code()).isEqualTo(1);
            assertThat(timedOut.err()).contains("stayed 0");
            assertThat(Cli.run("rm", "sem", name).code()).isZero();
            assertThat(Cli.run("sem", "get", name).err()).contains("ENOENT");
        } finally {
            NamedSemaphore.unlinkIfExists(name);
        }
    }

    @Test
    void fifoMakeUsesTheMode(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("f");
        assertThat(Cli.run("fifo", "make", fifo.toString(), "--mode", "0640").code()).isZero();
        assertThat(Files.getAttribute(fifo, "unix:mode")).isEqualTo(0010640);
        assertThat(Cli.run("fifo", "make", fifo.toString()).err()).contains("EEXIST");
    }

    @Test
    void durationsKeysAndModesParse() throws Exception {
        assertThat(Numbers.parseDuration("t", "500ms")).hasMillis(500);
        assertThat(Numbers.parseDuration("t", "5s")).hasSeconds(5);
        assertThat(Numbers.parseDuration("t", "2m")).hasMinutes(2);
        assertThat(Numbers.parseDuration("t", "1.5s")).hasMillis(1500);
        assertThat(Numbers.parseDuration("t", "0.25m")).hasSeconds(15);
        assertThat(Numbers.parseDuration("t", "1.0000001ms")).hasNanos(1_000_001);
        assertThat(Numbers.parseKey("0xdeadbeef")).isEqualTo(0xdeadbeef);
        assertThat(Numbers.parseKey("1234")).isEqualTo(1234);
        assertThat(Numbers.parseMode("0600")).isEqualTo(0600);
    }
}
