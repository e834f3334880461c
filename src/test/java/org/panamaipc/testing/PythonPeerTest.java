package org.panamaipc.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

@IpcTest
class PythonPeerTest {

    private static final Duration SHORT = Duration.ofMillis(200);

    @Test
    void echoesLinesBothWays() {
        try (PeerProcess peer = PythonPeer.start("scripted.py")) {
            peer.expectReady();
            peer.send("echo hello, python");
            peer.expectLine("hello, python");
            peer.send("echo grüße ✓");
            assertThat(peer.readLine()).isEqualTo("grüße ✓");
            peer.send("exit 0");
            assertThat(peer.waitFor()).isZero();
        }
    }

    @Test
    void inlineScriptGetsItsArguments() {
        String script = "import sys; print(' '.join(sys.argv[1:]))";
        try (PeerProcess peer = PythonPeer.startInline(script, "one", "two words")) {
            peer.expectLine("one two words");
            peer.expectExit(0, PeerProcess.DEFAULT_TIMEOUT);
        }
    }

    @Test
    void kill9LeavesNoProcess() {
        try (PeerProcess peer = PythonPeer.start("scripted.py")) {
            peer.expectReady();
            long pid = peer.pid();

            peer.kill9();

            assertThat(ProcessHandle.of(pid)).isEmpty();
        }
    }

    @Test
    void readTimeoutShowsStderr() {
        try (PeerProcess peer = PythonPeer.start("scripted.py", "argument on stderr")) {
            peer.expectReady();
            peer.send("err and then nothing");

            // The stderr line comes from another thread of the test JVM: wait for it.
            Deadline.after(PeerProcess.DEFAULT_TIMEOUT)
                    .await(() -> peer.stderr().contains("and then nothing"), "stderr is captured");
            assertThatThrownBy(() -> peer.readLine(SHORT))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("scripted.py (pid " + peer.pid() + ") printed no line within PT0.2S")
                    .hasMessageContaining("argument on stderr\nand then nothing");
        }
    }

    @Test
    void failingScriptIsReportedWithExitCodeAndTraceback() {
        try (PeerProcess peer = PythonPeer.start("scripted.py")) {
            peer.expectReady();
            peer.send("fail deliberately");

            assertThatThrownBy(peer::readLine)
                    .hasMessageContaining("closed its output instead of printing a line (exited with code 1)")
                    .hasMessageContaining("Traceback (most recent call last):")
                    .hasMessageContaining("RuntimeError: deliberately");
        }
    }

    @Test
    void closeKillsThePeerAndWhatItStarted() {
        PeerProcess peer = PythonPeer.start("scripted.py");
        peer.expectReady();
        peer.send("spawn");
        long child = Long.parseLong(peer.readLine());

        peer.close();

        assertThat(ProcessHandle.of(peer.pid())).isEmpty();
        assertThat(ProcessHandle.of(child).filter(ProcessTrees::isRunning)).isEmpty();
    }

    @Test
    void kill9LeavesWhatThePeerStartedUntilClose() {
        PeerProcess peer = PythonPeer.start("scripted.py");
        peer.expectReady();
        peer.send("spawn");
        ProcessHandle child = ProcessHandle.of(Long.parseLong(peer.readLine())).orElseThrow();

        peer.kill9();
        assertThat(ProcessTrees.isRunning(child)).as("child of a crashed peer runs on").isTrue();
        peer.close();

        assertThat(ProcessTrees.isRunning(child)).isFalse();
    }

    @Test
    void unknownScriptIsRejected() {
        assertThatThrownBy(() -> PythonPeer.start("no-such-script.py"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no-such-script.py");
    }
}
