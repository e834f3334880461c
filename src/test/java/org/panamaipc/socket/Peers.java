package org.panamaipc.socket;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Starts peer processes for the socket tests: python3 running a script from
 * {@code src/test/resources/peers/}, or a JVM running a main class of the test sources
 * with this JVM's class path.
 */
public final class Peers {
    private Peers() {
    }

    /** A running peer; {@link #finish()} waits for it and returns its output. */
    public record Peer(Process process, CompletableFuture<String> out, CompletableFuture<String> err) implements AutoCloseable {
        public String finish() throws Exception {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("peer did not finish; stderr: " + err.getNow(""));
            }
            String o = out.get(5, TimeUnit.SECONDS);
            if (process.exitValue() != 0) {
                throw new AssertionError("peer exited " + process.exitValue() + "; stdout: " + o
                        + " stderr: " + err.get(5, TimeUnit.SECONDS));
            }
            return o.strip();
        }

        public long pid() {
            return process.pid();
        }

        @Override
        public void close() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public static Peer python(String script, String... args) throws IOException {
        Path file = Path.of("src/test/resources/peers", script).toAbsolutePath();
        if (!Files.exists(file)) {
            throw new IllegalStateException("no peer script " + file);
        }
        List<String> cmd = new ArrayList<>(List.of("python3", file.toString()));
        cmd.addAll(List.of(args));
        return start(cmd);
    }

    public static Peer jvm(Class<?> main, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = Stream.of(System.getProperty("jdk.module.path", ""), System.getProperty("java.class.path", ""))
                .filter(s -> !s.isEmpty()).collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xshare:auto",
                "-XX:TieredStopAtLevel=1", "-cp", classPath, main.getName()));
        cmd.addAll(List.of(args));
        return start(cmd);
    }

    /** A peer that talks line by line: the test writes to its stdin and reads its stdout. */
    public record Interactive(Process process, java.io.BufferedReader out, java.io.Writer in,
                       CompletableFuture<String> err) implements AutoCloseable {
        public String readLine() throws IOException {
            String line = out.readLine();
            if (line == null) {
                throw new AssertionError("peer ended; stderr: " + err.getNow("(running)"));
            }
            return line;
        }

        public void writeLine(String line) throws IOException {
            in.write(line + "\n");
            in.flush();
        }

        public int waitFor() throws InterruptedException {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("peer did not end");
            }
            return process.exitValue();
        }

        @Override
        public void close() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public static Interactive interactive(String... cmd) throws IOException {
        List<String> command = new ArrayList<>(List.of(cmd));
        if (command.getFirst().endsWith(".py")) {
            command.set(0, Path.of("src/test/resources/peers", command.getFirst()).toAbsolutePath().toString());
            command.addFirst("python3");
        }
        Process p = new ProcessBuilder(command).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()), Peers::daemon);
        return new Interactive(p, p.inputReader(StandardCharsets.UTF_8), p.outputWriter(StandardCharsets.UTF_8), err);
    }

    private static Peer start(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()), Peers::daemon);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()), Peers::daemon);
        return new Peer(p, out, err);
    }

    /** Runs a task on its own daemon thread (the common pool may have one thread on 2 cores). */
    public static void daemon(Runnable task) {
        Thread.ofPlatform().daemon().name("peer-io").start(task);
    }

    private static String drain(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }
}
