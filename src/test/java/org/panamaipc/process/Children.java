package org.panamaipc.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.panamaipc.pipe.Pipe;

/** Runs child processes for tests, their output captured through a {@link Pipe}. */
public final class Children {
    /** What a child printed (stdout and stderr together) and how it ended. */
    public record Result(String output, ExitStatus status) {
    }

    private Children() {
    }

    /**
     * The command that runs a main class of the test sources in a new JVM.
     *
     * @param main the class
     * @param args its arguments
     * @return the command
     */
    public static List<String> java(Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Xshare:auto");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(Path.of("target/classes").toAbsolutePath() + ":" + Path.of("target/test-classes").toAbsolutePath());
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * Starts a child with stdout and stderr sent into a pipe, and reads it to the end.
     *
     * @param builder the child, without fds 1 and 2 mapped
     * @param timeout how long the child may take
     * @return its output and status
     */
    public static Result run(ChildProcess.Builder builder, Duration timeout) throws IOException {
        try (Pipe out = Pipe.open()) {
            ChildProcess child = builder.mapFd(1, out.sink()).mapFd(2, out.sink()).start();
            try (child) {
                out.sink().close();
                CompletableFuture<byte[]> text = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.source().inputStream().readAllBytes();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                ExitStatus status = child.waitFor(timeout);
                if (status == null) {
                    child.kill();
                    child.waitFor();
                    throw new AssertionError("child " + child + " still ran after " + timeout);
                }
                return new Result(new String(text.get(timeout.toMillis(), TimeUnit.MILLISECONDS),
                        StandardCharsets.UTF_8), status);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                throw new AssertionError("reading the child's output", e);
            }
        }
    }
}
