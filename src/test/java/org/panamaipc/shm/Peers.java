package org.panamaipc.shm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.panamaipc.testing.PeerJvm;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.PythonPeer;

/**
 * The peers of the shared memory tests, over the harness: the python3 peer
 * {@code peers/shm_peer.py} (one command per run, one line of answer), peer JVMs under a
 * resource limit or another user, and shell tools.
 */
final class Peers {
    /** How long a peer may take: generous, for a loaded 2-core machine. */
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private Peers() {
    }

    /** Runs {@code shm_peer.py args...}, which prints one line, and returns that line once it exited with 0. */
    static String runPython(String... args) {
        try (PeerProcess peer = PythonPeer.start("shm_peer.py", args)) {
            String line = peer.readLine(TIMEOUT);
            peer.expectExit(0, TIMEOUT);
            return line;
        }
    }

    /** Starts a JVM running {@code main} under a shell resource limit, e.g. {@code "-f 8"}. */
    static PeerProcess jvmWithLimit(String ulimit, Class<?> main, String... args) {
        StringBuilder script = new StringBuilder("ulimit " + ulimit + " && exec");
        for (String word : PeerJvm.builder(main).command(args)) {
            script.append(" '").append(word.replace("'", "'\\''")).append('\'');
        }
        return PeerProcess.start(main.getSimpleName(), new ProcessBuilder("bash", "-c", script.toString()));
    }

    /**
     * Starts a JVM running {@code main} as another user through {@code setpriv}, on the class
     * path (the other user may not read the test's module path).
     */
    static PeerProcess jvmAs(List<String> setprivOptions, Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of("setpriv"));
        command.addAll(setprivOptions);
        command.addAll(PeerJvm.builder(main).onClassPath().command(args));
        return PeerProcess.start(main.getSimpleName(), new ProcessBuilder(command));
    }

    /** Reads the lines a peer prints until it exits with 0, waiting at most {@link #TIMEOUT} for each. */
    static List<String> linesUntilExit(PeerProcess peer, int lines) {
        return linesUntilExit(peer, lines, TIMEOUT);
    }

    /** Reads the lines a peer prints until it exits with 0. */
    static List<String> linesUntilExit(PeerProcess peer, int lines, Duration timeout) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            out.add(peer.readLine(timeout));
        }
        peer.expectExit(0, timeout);
        return out;
    }

    /** Runs a command (ipcs, ipcrm, mkfifo) to its end and returns its output; fails on a non-zero exit. */
    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError(command[0] + " did not exit");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited with " + p.exitValue() + ": " + out);
            }
            return out;
        } finally {
            p.destroyForcibly();
            p.getInputStream().close();
        }
    }
}
