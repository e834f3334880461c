package org.panamaipc.mq;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Peer processes for the queue tests, talking a line protocol on stdin/stdout: a JVM
 * running a main class from the test sources, or python3 running a script from
 * {@code src/test/resources/peers/}. Lines are read on a daemon thread so that a test
 * waits for the next one with a timeout.
 */
final class Peers {
    private Peers() {
    }

    /** A running peer; closing it kills it if it is still running. */
    static final class Peer implements AutoCloseable {
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuilder stderr = new StringBuilder();
        private final Writer in;

        Peer(Process process) {
            this.process = process;
            this.in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), true);
            pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false);
        }

        private void pump(BufferedReader reader, boolean out) {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        if (out) {
                            lines.add(line);
                        } else {
                            synchronized (stderr) {
                                stderr.append(line).append('\n');
                            }
                        }
                    }
                } catch (IOException ignored) {
                    // the peer ended
                }
                if (out) {
                    lines.add("\0EOF");
                }
            });
        }

        /** Sends one line to the peer's stdin. */
        void send(String line) throws IOException {
            in.write(line + "\n");
            in.flush();
        }

        /** The next line the peer printed, failing the test after {@code timeout}. */
        String expectLine(Duration timeout) throws InterruptedException {
            String line = lines.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("peer printed nothing within " + timeout + "; stderr:\n" + stderr());
            }
            if (line.equals("\0EOF")) {
                throw new AssertionError("peer ended; stderr:\n" + stderr());
            }
            return line;
        }

        /** Waits for the peer to exit and returns its status. */
        int awaitExit(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new AssertionError("peer still running after " + timeout + "; stderr:\n" + stderr());
            }
            return process.exitValue();
        }

        String stderr() {
            synchronized (stderr) {
                return stderr.toString();
            }
        }

        long pid() {
            return process.pid();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Starts a JVM running {@code mainClass} from the test class path. */
    static Peer jvm(Class<?> mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Xshare:auto");
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        return new Peer(new ProcessBuilder(cmd).start());
    }

    /**
     * Starts a JVM running {@code mainClass} as user and group 65534 (nobody) without
     * capabilities, with only the project's own classes (the build's dependency cache may
     * not be readable to that user).
     */
    static Peer jvmAsNobody(Class<?> mainClass, String... args) throws IOException {
        List<String> cp = new ArrayList<>();
        for (String entry : classPath().split(File.pathSeparator)) {
            if (entry.contains(File.separator + "target" + File.separator) && java.nio.file.Files.isDirectory(Path.of(entry))) {
                cp.add(entry);
            }
        }
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all"));
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Xshare:auto");
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, cp));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        return new Peer(new ProcessBuilder(cmd).start());
    }

    /** Starts python3 on a script from {@code src/test/resources/peers/}. */
    static Peer python(String script, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("python3");
        cmd.add("-u");
        cmd.add(resource("peers/" + script).toString());
        cmd.addAll(List.of(args));
        return new Peer(new ProcessBuilder(cmd).start());
    }

    static Path resource(String name) {
        try {
            return Path.of(Peers.class.getClassLoader().getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String classPath() {
        List<String> entries = new ArrayList<>();
        for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
            String value = System.getProperty(property);
            if (value != null && !value.isEmpty()) {
                entries.add(value);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** Reads a /proc file to its end ({@code Files.readString} trusts a size /proc reports as 0). */
    static String readProc(String path) {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(Path.of(path))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether this process may exceed the queue limits (CAP_SYS_RESOURCE). */
    static boolean hasCapSysResource() {
        return (capEff() & (1L << 24)) != 0;
    }

    /** Whether this process bypasses permission checks (CAP_DAC_OVERRIDE). */
    static boolean hasCapDacOverride() {
        return (capEff() & (1L << 1)) != 0;
    }

    private static long capEff() {
        String eff = readProc("/proc/self/status").lines()
                .filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow().substring(7).trim();
        return Long.parseUnsignedLong(eff, 16);
    }

    /** Runs a task on a thread of its own (the common pool may have a single thread). */
    static <T> java.util.concurrent.CompletableFuture<T> async(java.util.function.Supplier<T> task) {
        return java.util.concurrent.CompletableFuture.supplyAsync(task, r -> Thread.ofPlatform().daemon().start(r));
    }

    /** A queue name no other test uses. */
    static String uniqueName(String prefix) {
        return "/panamaipc-" + prefix + "-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFFFFFFL);
    }

    /** A System V key no other test uses (never 0, never negative). */
    static int uniqueKey() {
        return 0x50000000 | ThreadLocalRandom.current().nextInt(0x0FFFFFFF) + 1;
    }

    /** Runs a command to completion and returns its stdout. */
    static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
