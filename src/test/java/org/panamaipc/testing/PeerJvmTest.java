package org.panamaipc.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@IpcTest
class PeerJvmTest {

    private static final Duration SHORT = Duration.ofMillis(200);

    @Test
    void talksBothWaysWithTheGivenJvmArgumentsAndEnvironment() {
        try (PeerProcess peer = PeerJvm.builder(ScriptedPeer.class)
                .jvmArgs("-Dpeer.property=from the command line")
                .env("PEER_VARIABLE", "from the environment")
                .start()) {
            peer.expectReady();
            peer.send("echo hello, peer");
            peer.expectLine("hello, peer");
            peer.send("echo grüße ✓");
            assertThat(peer.readLine()).isEqualTo("grüße ✓");
            peer.send("property peer.property");
            peer.expectLine("from the command line");
            peer.send("env PEER_VARIABLE");
            peer.expectLine("from the environment");
            peer.send("module");
            peer.expectLine(String.valueOf(PeerJvmTest.class.getModule().getName()));
            peer.send("exit 0");
            assertThat(peer.waitFor()).isZero();
        }
    }

    @Test
    void peerRunsInTheLibraryModuleWithTheTestClassesPatchedIn() {
        assumeTrue(PeerJvm.class.getModule().isNamed(), "the tests run on the class path");

        List<String> command = PeerJvm.builder(ScriptedPeer.class).jvmArgs("-Xmx64m").command("an argument");

        assertThat(command.getFirst()).isEqualTo(ProcessHandle.current().info().command().orElseThrow());
        assertThat(command).containsSubsequence(
                "-Xmx64m",
                "--module-path", "--patch-module", "--add-modules", "org.panamaipc",
                "--enable-native-access=org.panamaipc",
                "-m", "org.panamaipc/org.panamaipc.testing.ScriptedPeer", "an argument");
        assertThat(command.get(command.indexOf("--patch-module") + 1)).startsWith("org.panamaipc=");
    }

    @Test
    void runsOnTheClassPathWhenAsked() {
        try (PeerProcess peer = PeerJvm.builder(ScriptedPeer.class).onClassPath().start()) {
            peer.expectReady();
            peer.send("module");
            peer.expectLine("null");
        }
    }

    @Test
    void kill9LeavesNoProcess() {
        try (PeerProcess peer = PeerJvm.start(ScriptedPeer.class)) {
            peer.expectReady();
            long pid = peer.pid();

            peer.kill9();

            assertThat(ProcessHandle.of(pid)).isEmpty();
            assertThat(peer.waitFor(Duration.ZERO)).isEqualTo(128 + 9);
        }
    }

    @Test
    void readTimeoutShowsStderr() {
        try (PeerProcess peer = PeerJvm.start(ScriptedPeer.class, "argument on stderr")) {
            peer.expectReady();
            peer.send("err something went wrong");
            peer.send("err and then nothing");

            // The stderr lines come from another thread of the test JVM: wait for the second.
            Deadline.after(PeerProcess.DEFAULT_TIMEOUT)
                    .await(() -> peer.stderr().contains("and then nothing"), "stderr is captured");
            assertThatThrownBy(() -> peer.readLine(SHORT))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("ScriptedPeer (pid " + peer.pid() + ") printed no line within PT0.2S")
                    .hasMessageContaining("(still running)")
                    .hasMessageContaining("argument on stderr\nsomething went wrong\nand then nothing");
        }
    }

    @Test
    void failingPeerIsReportedWithExitCodeAndStackTrace() {
        try (PeerProcess peer = PeerJvm.start(ScriptedPeer.class)) {
            peer.expectReady();
            peer.send("fail deliberately");

            assertThatThrownBy(peer::readLine)
                    .hasMessageContaining("closed its output instead of printing a line")
                    .hasMessageContaining("exited with code 1")
                    .hasMessageContaining("java.lang.IllegalStateException: deliberately")
                    .hasMessageContaining("org.panamaipc.testing.ScriptedPeer.main(ScriptedPeer.java:");
            assertThatThrownBy(() -> peer.expectExit(0, SHORT))
                    .hasMessageContaining("was expected to exit with code 0 (exited with code 1)");
        }
    }

    @Test
    void peerExitsWhenItsParentDies() {
        // The shell is the peer's parent and passes on its stdout: "$@" is the java command.
        ProcessBuilder shell = new ProcessBuilder("sh", "-c", "\"$@\" & echo $!; wait", "sh");
        shell.command().addAll(PeerJvm.builder(ScriptedPeer.class).command());
        try (PeerProcess parent = PeerProcess.start("sh", shell)) {
            ProcessHandle peer = ProcessHandle.of(Long.parseLong(parent.readLine())).orElseThrow();
            parent.expectReady();

            parent.kill9();

            try {
                Deadline.after(PeerProcess.DEFAULT_TIMEOUT)
                        .await(() -> !ProcessTrees.isRunning(peer), "the orphaned peer exits");
            } finally {
                peer.destroyForcibly();
            }
        }
    }

    @Test
    void closeKillsThePeerAndWhatItStarted() {
        PeerProcess peer = PeerJvm.start(ScriptedPeer.class);
        peer.expectReady();
        peer.send("spawn");
        long child = Long.parseLong(peer.readLine());
        assertThat(ProcessHandle.of(child)).hasValueSatisfying(handle -> assertThat(handle.isAlive()).isTrue());

        peer.close();

        assertThat(ProcessHandle.of(peer.pid())).isEmpty();
        assertThat(ProcessHandle.of(child).filter(ProcessTrees::isRunning)).isEmpty();
        assertThatThrownBy(() -> peer.send("echo closed")).isInstanceOf(IllegalStateException.class);
    }
}
