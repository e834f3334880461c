package org.panamaipc.channel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.PythonPeer;

/**
 * The C and Python ends of a channel as test peers: {@code src/test/resources/c/channel_peer.c}
 * (built once per test JVM with gcc against {@code interop/c/panama_channel.h}) and
 * {@code src/test/resources/peers/channel_peer.py} (on {@code interop/python/panama_channel.py}).
 * Both take the same commands and print the same lines; see the top of either file.
 */
enum ForeignPeers {
    /** The header-only C end. */
    C,
    /** The standard-library Python end. */
    PYTHON;

    private static Path program;

    /**
     * Starts this peer with a command of channel_peer.
     *
     * @param args the command and its arguments, e.g. {@code "read", name, "1", "1000", "1"}
     * @return the running peer
     */
    PeerProcess start(String... args) {
        if (this == PYTHON) {
            return PythonPeer.start("channel_peer.py", args);
        }
        List<String> command = new ArrayList<>(List.of(cProgram().toString()));
        command.addAll(List.of(args));
        return PeerProcess.start("channel_peer " + args[0], new ProcessBuilder(command));
    }

    /** {@return the command that runs this peer, for a peer that starts another} */
    List<String> command() {
        return this == PYTHON
                ? List.of("python3", "-u", repository().resolve("src/test/resources/peers/channel_peer.py").toString())
                : List.of(cProgram().toString());
    }

    /** {@return a channel name no other test uses} */
    static String uniqueName() {
        return "/panamaipc-chan-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFFFFFFL);
    }

    /**
     * Removes a channel's shm object if a test (or a killed creator) left it.
     *
     * @param name the channel's name
     * @throws IOException if it cannot be removed
     */
    static void unlink(String name) throws IOException {
        Files.deleteIfExists(Path.of("/dev/shm", name.substring(1)));
    }

    /**
     * Reads a peer's {@code DONE key=value ...} line into a map.
     *
     * @param peer the peer
     * @param timeout how long to wait for the line
     * @return the values by key
     */
    static Map<String, Long> done(PeerProcess peer, java.time.Duration timeout) {
        String line = peer.readLine(timeout);
        if (!line.startsWith("DONE ")) {
            throw new AssertionError(peer + " said: " + line + "\nstderr: " + peer.stderr());
        }
        Map<String, Long> values = new HashMap<>();
        Matcher m = Pattern.compile("(\\w+)=(\\d+)").matcher(line);
        while (m.find()) {
            values.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return values;
    }

    /** The repository's root: the directory that holds {@code interop/}. */
    static Path repository() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("interop/c/panama_channel.h"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("interop/c/panama_channel.h not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private static synchronized Path cProgram() {
        if (program != null) {
            return program;
        }
        Path root = repository();
        Path out = root.resolve("target/channel-peers/channel_peer");
        try {
            Files.createDirectories(out.getParent());
            Process gcc = new ProcessBuilder("gcc", "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror",
                    "-I", root.resolve("interop/c").toString(), "-o", out.toString(),
                    root.resolve("src/test/resources/c/channel_peer.c").toString())
                    .redirectErrorStream(true).start();
            String log = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
                throw new AssertionError("gcc failed: " + log);
            }
        } catch (IOException noGcc) {
            Assumptions.abort("gcc is not installed: " + noGcc.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while compiling", e);
        }
        program = out;
        return program;
    }
}
