package org.panamaipc.mq;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.TestRun;

/**
 * Helpers for the queue tests: unique names and keys, shell tools, /proc, capabilities, and
 * a peer JVM run as another user (the harness's {@link org.panamaipc.testing.PeerJvm} runs
 * peers as this user).
 */
final class Peers {
    private Peers() {
    }

    /**
     * Starts a JVM running {@code mainClass} as user and group 65534 (nobody) without
     * capabilities, with only the project's own classes (the build's dependency cache may
     * not be readable to that user).
     */
    static PeerProcess jvmAsNobody(Class<?> mainClass, String... args) {
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
        return PeerProcess.start(mainClass.getSimpleName() + " as nobody", new ProcessBuilder(cmd));
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

    /** Whether this process may make namespaces (CAP_SYS_ADMIN), e.g. {@code unshare --ipc}. */
    static boolean hasCapSysAdmin() {
        return (capEff() & (1L << 21)) != 0;
    }

    /** Whether this process may run others as another user (CAP_SETUID and CAP_SETGID). */
    static boolean hasCapSetuid() {
        return (capEff() & ((1L << 6) | (1L << 7))) == ((1L << 6) | (1L << 7));
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

    /** A queue name no other test uses, with the run's prefix the leak check knows. */
    static String uniqueName(String prefix) {
        return TestRun.uniqueName(prefix);
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
