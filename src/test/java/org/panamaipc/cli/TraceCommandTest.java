package org.panamaipc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.panamaipc.testing.IpcTest;

/** {@code ipc trace} through the real launcher, tracing real commands. */
@IpcTest
class TraceCommandTest {
    private static final Duration WAIT = Duration.ofSeconds(25);

    @Test
    void echoIsTracedFromItsExecveToItsExitGroup() throws Exception {
        Cli.Result r = Cli.launch(WAIT, "trace", "--", "/bin/echo", "hi");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("hi\n");
        List<String> lines = r.err().lines().toList();
        assertThat(lines.getFirst()).startsWith("execve(\"/bin/echo\", [\"/bin/echo\", \"hi\"], 0x").endsWith(") = 0");
        assertThat(lines).contains("write(1, \"hi\\n\", 3) = 3", "exit_group(0) = ?", "+++ exited with 0 +++");
        assertThat(lines).anyMatch(l -> l.matches("openat\\(AT_FDCWD, \".*\", 0x[0-9a-f]+, 0\\d*\\) = -1 ENOENT \\(No such file or directory\\)"));
    }

    @Test
    void exitsWithTheCommandsStatusAndShowsOnlyTheCallsAsked() throws Exception {
        Cli.Result r = Cli.launch(WAIT, "trace", "--syscalls", "write,exit_group", "--", "sh", "-c", "echo a; exit 7");
        assertThat(r.code()).isEqualTo(7);
        assertThat(r.err().lines().toList()).containsExactly("+++ exec +++", "write(1, \"a\\n\", 2) = 2", "exit_group(7) = ?",
                "+++ exited with 7 +++");
    }

    @Test
    void followedChildrenAndSignalsAsJson() throws Exception {
        Cli.Result r = Cli.launch(WAIT, "trace", "--json", "--signals", "--follow", "--", "sh", "-c",
                "/bin/true; kill -USR1 $$");
        assertThat(r.code()).isEqualTo(128 + 10);
        List<String> lines = r.err().lines().toList();
        assertThat(lines).allMatch(l -> l.startsWith("{\"pid\":") && l.endsWith("}"));
        assertThat(lines).anyMatch(l -> l.matches("\\{\"pid\":\\d+,\"event\":\"v?fork\",\"new_pid\":\\d+}"));
        assertThat(lines).anyMatch(l -> l.matches("\\{\"pid\":\\d+,\"event\":\"exited\",\"code\":0}"));
        assertThat(lines).anyMatch(l -> l.matches("\\{\"pid\":\\d+,\"event\":\"signal\",\"signal\":\"SIGUSR1\"}"));
        assertThat(lines.getLast()).matches("\\{\"pid\":\\d+,\"event\":\"killed\",\"signal\":\"SIGUSR1\"}");
        assertThat(lines).noneMatch(l -> l.contains("\"syscall\""));
    }

    @Test
    void attachesToARunningProcessAndSeesItsEnd() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            Process trace = Cli.launcher("trace", Long.toString(sleeper.pid())).start();
            try {
                trace.getOutputStream().close();
                awaitTraced(sleeper.pid());
                sleeper.destroy(); // SIGTERM
                assertThat(trace.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                String err = new String(trace.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(trace.exitValue()).as(err).isZero();
                assertThat(err).contains("--- SIGTERM ---", "+++ killed by SIGTERM +++");
            } finally {
                trace.destroyForcibly().waitFor();
            }
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
    }

    @Test
    void sigtermDetachesAndLeavesTheProcessRunning() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            Process trace = Cli.launcher("trace", Long.toString(sleeper.pid())).start();
            try {
                trace.getOutputStream().close();
                java.util.concurrent.CompletableFuture<String> err = java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> Cli.readAll(trace.getErrorStream()));
                awaitTraced(sleeper.pid());
                trace.destroy(); // SIGTERM, as Ctrl-C: the shutdown hook detaches
                assertThat(trace.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                assertThat(err.get()).doesNotContain("ipc trace:");
                String status = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + sleeper.pid() + "/status"));
                assertThat(status).contains("TracerPid:\t0").containsPattern("State:\t[SR]");
                assertThat(sleeper.isAlive()).isTrue();
            } finally {
                trace.destroyForcibly().waitFor();
            }
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
    }

    /** Waits until the tracer shows in the process's status. */
    private static void awaitTraced(long pid) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/status"))
                .matches("(?s).*TracerPid:\\t[1-9].*")) {
            assertThat(System.nanoTime() - end).as("attached in time").isNegative();
            Thread.onSpinWait();
        }
    }

    @Test
    void anUnknownSystemCallIsAUsageError() throws Exception {
        Cli.Result r = Cli.run("trace", "--syscalls", "write,nosuchcall", "--", "true");
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("nosuchcall");
    }
}
