package org.panamaipc.examples;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.SharedMemory;

/**
 * POSIX shared memory with a Python worker: Java creates the segment and writes numbers
 * into it, {@code python3} (standard library only: {@code multiprocessing.shared_memory})
 * attaches it by name, sums them and writes the sum back; Java unlinks the segment.
 *
 * <p>The worker, {@code sum_worker.py} beside this class, shows the one thing a Python peer
 * must do with a segment another process created: tell Python's resource tracker to forget
 * it, or Python unlinks it when it exits.
 */
public final class SharedMemoryWithPython {

    private SharedMemoryWithPython() {}

    /**
     * Runs the example.
     *
     * @param args none
     * @throws Exception if the example fails
     */
    public static void main(String[] args) throws Exception {
        long[] values = {3, 1, 4, 1, 5, 9, 2, 6};
        Path worker = extract("sum_worker.py");
        String name = SharedMemory.uniqueName("sums");
        try (SharedMemory shm = SharedMemory.create(name, 4096).unlinkOnClose();
             Mapping mapping = shm.map()) {
            MemorySegment s = mapping.segment();
            s.set(JAVA_LONG, 0, values.length);
            for (int i = 0; i < values.length; i++) {
                s.set(JAVA_LONG, 8 + 8L * i, values[i]);
            }
            Process python = new ProcessBuilder("python3", worker.toString(), name).inheritIO().start();
            if (!python.waitFor(30, TimeUnit.SECONDS) || python.exitValue() != 0) {
                python.destroyForcibly();
                throw new IllegalStateException("the Python worker failed");
            }
            long sum = s.get(JAVA_LONG, 8 + 8L * values.length);
            System.out.println("sum from python: " + sum + "; " + name + " still exists: "
                    + Files.exists(Path.of("/dev/shm", name.substring(1))) + " (" + SecondJvm.mode() + ")");
        } finally {
            Files.delete(worker);
        }
    }

    /** Copies a resource beside this class to a temporary file, for another program to run. */
    static Path extract(String resource) throws IOException {
        Path file = Files.createTempFile("panama-ipc-example-", "-" + resource);
        try (InputStream in = SharedMemoryWithPython.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("resource " + resource + " is missing");
            }
            Files.write(file, in.readAllBytes());
        }
        return file;
    }
}
