package org.panamaipc.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time this JVM used, from {@code /proc/self/stat}, to prove that blocked threads cost
 * nothing while they wait.
 */
public final class ProcessCpu {
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private ProcessCpu() {
    }

    /** {@return user + system time of this process so far, in clock ticks} */
    public static long ticks() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/stat", e);
        }
    }

    /**
     * The share of one CPU this process used over {@code window}, measured by waiting that long
     * (a measurement window, not synchronization).
     *
     * @param window how long to measure
     * @return 0.0 to {@code nproc}, 1.0 being one CPU busy all the time
     * @throws InterruptedException if interrupted while measuring
     */
    public static double shareOfOneCpu(Duration window) throws InterruptedException {
        long before = ticks();
        long start = System.nanoTime();
        Thread.sleep(window);
        long used = ticks() - before;
        double seconds = (System.nanoTime() - start) / 1e9;
        return used / (double) TICKS_PER_SECOND / seconds;
    }
}
