package org.panamaipc.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.panamaipc.testing.RunProcesses;

/** Runs the ipc command in this JVM ({@link #run}) or through the launcher as a real process ({@link #launch}). */
final class Cli {
    /** What one command line did. */
    record Result(int code, String out, String err) {
    }

    private Cli() {
    }

    static Result run(String... words) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(List.of(words), new Io(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The launcher at the repository root, told to use the classes this build compiled. */
    static ProcessBuilder launcher(String... words) {
        List<String> command = new ArrayList<>();
        command.add(Path.of("ipc").toAbsolutePath().toString());
        command.addAll(List.of(words));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("IPC_CLASSES", Path.of("target", "classes").toAbsolutePath().toString());
        return pb;
    }

    static Result launch(Duration timeout, String... words) throws IOException, InterruptedException {
        Process p = launcher(words).start();
        RunProcesses.started(p.pid()); // what it creates is this run's
        p.getOutputStream().close();
        var out = new java.util.concurrent.CompletableFuture<String>();
        var err = new java.util.concurrent.CompletableFuture<String>();
        Thread.ofVirtual().start(() -> out.complete(readAll(p.getInputStream())));
        Thread.ofVirtual().start(() -> err.complete(readAll(p.getErrorStream())));
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("ipc " + String.join(" ", words) + " did not end within " + timeout);
        }
        return new Result(p.exitValue(), out.join(), err.join());
    }

    static String readAll(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Runs a shell tool and returns its stdout; fails on a non-zero exit. */
    static String tool(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        RunProcesses.started(p.pid()); // what it creates (ipcmk) is this run's
        String out = readAll(p.getInputStream());
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
