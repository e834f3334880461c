package org.panamaipc.shm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts the peer processes of the shared memory tests: JVMs running a main class of the
 * test sources, and the python3 peer {@code peers/shm_peer.py}.
 */
final class Peers {
    static final Path PYTHON_PEER = Path.of("src/test/resources/peers/shm_peer.py").toAbsolutePath();

    private Peers() {
    }

    /** Starts a JVM running {@code main} with the library and the test classes on its class path. */
    static Process jvm(Class<?> main, String... args) throws IOException {
        return new ProcessBuilder(jvmCommand(main, args)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** Starts a JVM running {@code main} under a shell resource limit, e.g. {@code "-f 8"}. */
    static Process jvmWithLimit(String ulimit, Class<?> main, String... args) throws IOException {
        StringBuilder script = new StringBuilder("ulimit " + ulimit + " && exec");
        for (String word : jvmCommand(main, args)) {
            script.append(" '").append(word.replace("'", "'\\''")).append('\'');
        }
        return new ProcessBuilder("bash", "-c", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    /** Starts a JVM running {@code main} through {@code setpriv} with the given options (another user). */
    static Process jvmAs(String reuid, String regid, String groups, Class<?> main, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("setpriv", reuid, regid, groups));
        command.addAll(jvmCommand(main, args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static List<String> jvmCommand(Class<?> main, String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classPath = Path.of("target/classes").toAbsolutePath() + ":" + Path.of("target/test-classes")
                .toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xshare:auto",
                "-XX:TieredStopAtLevel=1", "-cp", classPath, main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** Starts {@code python3 shm_peer.py args...}. */
    static Process python(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("python3", PYTHON_PEER.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** Runs {@code python3 shm_peer.py args...} to its end and returns its output, trimmed. */
    static String runPython(String... args) throws IOException, InterruptedException {
        return finish(python(args));
    }

    /** Waits (at most 60 s) for a peer to exit with status 0 and returns its output, trimmed. */
    static String finish(Process p) throws IOException, InterruptedException {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("peer did not exit: " + p.info());
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("peer exited with " + p.exitValue() + ", output: " + out);
        }
        return out;
    }

    /** Runs a command (ipcs, ipcrm, ...) to its end and returns its output. */
    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        return finish(p);
    }
}
