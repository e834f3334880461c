package org.panamaipc.testing;

import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Starts a {@code python3} peer: a script from the test resources ({@code peers/*.py}) or an
 * inline script, speaking the line protocol of {@link PeerProcess}.
 *
 * <p>A Python peer is one no one here wrote: it checks the library against another
 * implementation of the same kernel interfaces. Scripts use only the standard library
 * ({@code multiprocessing.shared_memory}, {@code socket.send_fds}, {@code os.mkfifo},
 * {@code fcntl}, {@code signal}, {@code ctypes}) and print {@code READY} (flushed) once set
 * up. They run unbuffered, with UTF-8 standard streams.
 *
 * <p>Where {@code python3} is not installed, the start methods abort the calling test through
 * a JUnit assumption, so it is reported as skipped rather than failed.
 *
 * <pre>{@code
 * try (PeerProcess peer = PythonPeer.start("scripted.py")) {
 *     peer.expectReady();
 *     peer.send("echo hi");
 *     peer.expectLine("hi");
 * }
 * }</pre>
 */
public final class PythonPeer {

    /** Where the scripts are among the test resources. */
    private static final String SCRIPT_DIRECTORY = "/peers/";

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    private PythonPeer() {}

    /**
     * Tells whether {@code python3} can be run.
     *
     * @return true if {@code python3} is on the PATH and runs
     */
    public static boolean isAvailable() {
        return Interpreter.EXECUTABLE.isPresent();
    }

    /**
     * Starts a script from the test resources directory {@code peers/}.
     *
     * @param script the script's file name, e.g. {@code "scripted.py"}
     * @param args its arguments, {@code sys.argv[1:]}
     * @return the running peer
     * @throws IllegalArgumentException if there is no such script
     */
    public static PeerProcess start(String script, String... args) {
        Path file = scriptFile(script);
        assumeAvailable();
        List<String> command = new ArrayList<>(List.of(Interpreter.EXECUTABLE.orElseThrow(), "-u", file.toString()));
        command.addAll(List.of(args));
        return start(script, command);
    }

    /**
     * Starts an inline script, as {@code python3 -c source}.
     *
     * @param source the script
     * @param args its arguments, {@code sys.argv[1:]}
     * @return the running peer
     */
    public static PeerProcess startInline(String source, String... args) {
        Objects.requireNonNull(source, "source");
        assumeAvailable();
        List<String> command = new ArrayList<>(List.of(Interpreter.EXECUTABLE.orElseThrow(), "-u", "-c", source));
        command.addAll(List.of(args));
        return start("inline python", command);
    }

    private static PeerProcess start(String name, List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("PYTHONIOENCODING", "utf-8");
        // Keep __pycache__ out of target/test-classes when a script imports a helper.
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        return PeerProcess.start(name, builder);
    }

    private static void assumeAvailable() {
        Assumptions.assumeTrue(isAvailable(), "python3 is not installed");
    }

    private static Path scriptFile(String script) {
        URL resource = PythonPeer.class.getResource(SCRIPT_DIRECTORY + script);
        if (resource == null) {
            throw new IllegalArgumentException(
                    "no script " + script + " in the test resources under " + SCRIPT_DIRECTORY);
        }
        try {
            return Path.of(resource.toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            // Test resources are plain files under target/test-classes, never in a jar.
            throw new IllegalStateException("script " + resource + " is not a plain file", e);
        }
    }

    /** The real interpreter, found once: running it directly skips wrappers such as pyenv's shim. */
    private static final class Interpreter {

        static final Optional<String> EXECUTABLE = locate();

        private static Optional<String> locate() {
            ProcessBuilder probe = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)");
            try (PeerProcess python = PeerProcess.start("python3", probe)) {
                String executable = python.readLine(PROBE_TIMEOUT);
                return python.waitFor(PROBE_TIMEOUT) == 0 && !executable.isBlank()
                        ? Optional.of(executable)
                        : Optional.empty();
            } catch (UncheckedIOException | AssertionError notInstalled) {
                return Optional.empty();
            }
        }
    }
}
