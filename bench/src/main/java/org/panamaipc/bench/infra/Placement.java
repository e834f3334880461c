package org.panamaipc.bench.infra;

/**
 * Where the two processes of a benchmark run: on different CPUs ({@code cross}: every
 * wake-up crosses CPUs) or both on one CPU ({@code same}: every wake-up is a context switch).
 *
 * <p>The measuring thread of the benchmark always runs on CPU 0; the peer runs on CPU 1
 * ({@code cross}) or CPU 0 ({@code same}). A benchmark measured on a virtual thread has all
 * of its JVM on CPU 0 (carriers and pollers included), and its peer all of its own on the
 * peer's CPU. Benchmarks take it as a JMH parameter named
 * {@code placement} with the values {@code cross} and {@code same}.
 */
public enum Placement {
    /** The peer on the other CPU. */
    CROSS(0, 1),
    /** The peer on the benchmark's CPU. */
    SAME(0, 0);

    /** CPUs this process may use, read before any thread is pinned. */
    static final int CPUS = Runtime.getRuntime().availableProcessors();

    private final int benchCpu;
    private final int peerCpu;

    Placement(int benchCpu, int peerCpu) {
        this.benchCpu = benchCpu;
        this.peerCpu = peerCpu;
    }

    /**
     * Parses a JMH parameter value.
     *
     * @param name {@code cross} or {@code same}
     * @return the placement
     * @throws IllegalStateException for {@code cross} on a machine with one CPU
     */
    public static Placement of(String name) {
        Placement p = valueOf(name.toUpperCase(java.util.Locale.ROOT));
        if (p == CROSS && CPUS < 2) {
            throw new IllegalStateException("placement=cross needs 2 CPUs, cpus=" + CPUS);
        }
        return p;
    }

    /** {@return the CPU the peer process is pinned to} */
    public int peerCpu() {
        return peerCpu;
    }

    /** {@return the CPU the measuring thread is pinned to} */
    public int benchCpu() {
        return benchCpu;
    }

    /**
     * Pins the calling (measuring) thread; call it from every {@code @Setup(Level.Iteration)}.
     * A virtual thread moves between carrier threads and is woken by the library's or the
     * JDK's poller thread, so for a benchmark measured on one ({@link Jvm#VIRTUAL_THREADS})
     * the whole JVM is pinned to the benchmark's CPU, as the peer's is to its own.
     */
    public void pinBenchThread() {
        if (Thread.currentThread().isVirtual()) {
            Affinity.pinWholeProcess(benchCpu);
        } else {
            Affinity.pinCurrentThread(benchCpu);
        }
    }
}
