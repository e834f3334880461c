package org.panamaipc.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The C programs in {@code src/test/resources/c/} that print what this machine's C compiler
 * and C library say (struct layouts, macro values), and their committed outputs.
 *
 * <p>Tests compare the Java side with the committed {@code .expected} file, which needs no
 * compiler; {@link #compileAndRun} lets a test also prove that the committed file is still
 * what the C compiler says here.
 */
final class CReference {
    private static final long TIMEOUT_SECONDS = 60;

    private CReference() {
    }

    /** {@return the lines of a committed {@code .expected} file, e.g. {@code layouts.expected}} */
    static List<String> expected(String name) {
        return resource(name).lines().toList();
    }

    /** {@return whether a {@code gcc} that can build and run a program is on the PATH} */
    static boolean gccAvailable() {
        try {
            Process p = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
            p.getInputStream().transferTo(OutputStream.nullOutputStream());
            return p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Compiles a C source from the test resources with gcc in a fresh temporary directory,
     * runs it there, and returns its standard output; the directory is removed afterwards.
     *
     * @param source the file name, e.g. {@code layouts.c}
     * @return the program's output lines
     */
    static List<String> compileAndRun(String source) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("panama-ipc-c");
        try {
            Path c = dir.resolve(source);
            Files.writeString(c, resource(source));
            Path exe = dir.resolve("a.out");
            run(dir, List.of("gcc", "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror",
                    "-o", exe.toString(), c.toString()));
            return run(dir, List.of(exe.toString())).lines().toList();
        } finally {
            deleteTree(dir);
        }
    }

    private static String run(Path dir, List<String> command) throws IOException, InterruptedException {
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectError(err.toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("failed with exit status " + p.exitValue() + ": "
                    + command + "\n" + Files.readString(err));
        }
        return out;
    }

    private static String resource(String name) {
        // Read through the file system: the directory "c" is no package of the module, so
        // the module system would not hand it out as a resource.
        Path file = Path.of("src", "test", "resources", "c", name);
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
        }
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }
}
