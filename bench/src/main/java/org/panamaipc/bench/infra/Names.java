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
     * A path for a file-system object (a socket, a FIFO) in the temporary directory.
     *
     * @param what the mechanism
     * @return a path that does not exist yet
     */
    public static Path tempPath(String what) {
        return Path.of(System.getProperty("java.io.tmpdir"), unique(what));
    }

    /**
     * A path for a shared file in {@code /dev/shm} (memory-backed), or the temporary
     * directory where there is none.
     *
     * @param what the mechanism
     * @return a path that does not exist yet
     */
    public static Path shmPath(String what) {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) ? shm.resolve(unique(what)) : tempPath(what);
    }
}
