package org.panamaipc.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code src/test/resources/c/traced.c}, compiled with gcc into a temporary directory that
 * {@link #close()} removes: the program the tracing tests trace.
 */
final class TracedProgram implements AutoCloseable {
    private final Path dir;
    private final Path exe;

    private TracedProgram(Path dir, Path exe) {
        this.dir = dir;
        this.exe = exe;
    }

    static TracedProgram compile() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("panama-ipc-traced");
        Path c = dir.resolve("traced.c");
        try (InputStream in = TracedProgram.class.getResourceAsStream("/c/traced.c")) {
            Files.write(c, in.readAllBytes());
        }
        Path exe = dir.resolve("traced");
        run(List.of("gcc", "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", "-o", exe.toString(), c.toString()), null);
        return new TracedProgram(dir, exe);
    }

    /** {@return the command that runs the program with these arguments} */
    List<String> command(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * The system call names {@code strace -f -qq} records for the program, stdin given, from
     * its first read of stdin ({@code read(0, ...)}) on: the calls the program makes itself.
     */
    List<String> straceNames(String stdin, String... args) throws IOException, InterruptedException {
        Path out = dir.resolve("strace.out");
        List<String> cmd = new ArrayList<>(List.of("strace", "-f", "-qq", "-o", out.toString()));
        cmd.addAll(command(args));
        run(cmd, stdin);
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            String l = line.replaceFirst("^\\d+\\s+", "");
            if (l.startsWith("+++") || l.startsWith("---") || l.startsWith("<...")) {
                continue;
            }
            int paren = l.indexOf('(');
            if (names.isEmpty() && !l.startsWith("read(0,")) {
                continue; // the dynamic loader's and the C library's start-up
            }
            if (paren > 0) {
                names.add(l.substring(0, paren));
            }
        }
        return names;
    }

    static String run(List<String> command, String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
            throw new IllegalStateException("timed out: " + command);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("exit " + p.exitValue() + ": " + command + "\n" + out);
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
