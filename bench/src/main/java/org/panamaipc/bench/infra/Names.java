package org.panamaipc.bench.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** Unique names for the named objects a benchmark creates (and removes in its tear-down). */
public final class Names {
    private Names() {
    }

    /**
     * A unique name such as {@code panama-bench-pipe-1f3a9c2e}: no leading slash, so callers
     * prefix {@code /} for POSIX names or use it as a file name.
     *
     * @param what the mechanism
     * @return the name
     */
    public static String unique(String what) {
        return "panama-bench-" + what + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    }

    /**
     * A path for a file-system object (a socket, a FIFO) in the temporary directory. It is
     * also removed when the JVM exits: JMH skips {@code @TearDown} after a failed iteration.
     *
     * @param what the mechanism
     * @return a path that does not exist yet
     */
    public static Path tempPath(String what) {
        return removedAtExit(Path.of(System.getProperty("java.io.tmpdir"), unique(what)));
    }

    /**
     * Removes {@code path} when the JVM exits normally (as a JMH fork does after a failure),
     * in case the benchmark's tear-down does not run.
     *
     * @param path a file the benchmark creates
     * @return {@code path}
     */
    public static Path removedAtExit(Path path) {
        path.toFile().deleteOnExit();
        return path;
    }

    /**
     * A path for a shared file in {@code /dev/shm} (memory-backed), or the temporary
     * directory where there is none; removed at exit like {@link #tempPath}.
     *
     * @param what the mechanism
     * @return a path that does not exist yet
     */
    public static Path shmPath(String what) {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) ? removedAtExit(shm.resolve(unique(what))) : tempPath(what);
    }
}
