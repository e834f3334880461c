package org.panamaipc.testing;

import java.lang.reflect.Method;

/**
 * The bytes the current thread has allocated, through {@code com.sun.management.ThreadMXBean}
 * reached reflectively (the library's module, which the tests are patched into, does not
 * read {@code java.management}).
 */
public final class Allocation {
    /** How long {@link #bytesPerCall} measures rounds at most, waiting for the JIT. */
    public static final java.time.Duration PATIENCE = java.time.Duration.ofSeconds(8);
    private static final Object BEAN;
    private static final Method ALLOCATED;

    static {
        try {
            Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
            BEAN = factory.getMethod("getThreadMXBean").invoke(null);
            ALLOCATED = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Allocation() {
    }

    /** Calls whose allocation {@link #bytesPerCall} measures. */
    @FunctionalInterface
    public interface Calls {
        /**
         * Makes the calls of one step.
         *
         * @throws Exception as the calls do
         */
        void run() throws Exception;
    }

    /**
     * The bytes the calling thread allocates per step of {@code step} once warm, for a path
     * that should allocate nothing: as {@link #bytesPerCall(int, double, Calls)} with rounds
     * ending at the first that allocates less than a byte per step.
     *
     * @param perRound steps per round
     * @param step the calls of one step
     * @return the bytes per step of the best round
     * @throws Exception as the step does
     */
    public static double bytesPerCall(int perRound, Calls step) throws Exception {
        return bytesPerCall(perRound, 0.99, step);
    }

    /**
     * The bytes the calling thread allocates per step of {@code step} once warm: after 20,000
     * steps of warm-up, rounds of {@code perRound} steps until one allocates at most
     * {@code enough} bytes per step, or for {@link #PATIENCE}; the fewest of any round. Until
     * the JIT has compiled a path (later on a loaded machine, whose compiler threads are
     * behind), interpreted and C1 code allocates what C2 removes; a real allocation per step is
     * at least 16 bytes, so a result below 1 means none (what remains is the measurement's own,
     * spread over the round).
     *
     * @param perRound steps per round
     * @param enough the bytes per step at which to stop
     * @param step the calls of one step
     * @return the bytes per step of the best round
     * @throws Exception as the step does
     */
    public static double bytesPerCall(int perRound, double enough, Calls step) throws Exception {
        for (int i = 0; i < 20_000; i++) {
            step.run();
        }
        long best = Long.MAX_VALUE;
        long end = System.nanoTime() + PATIENCE.toNanos();
        do {
            long before = currentThread();
            for (int i = 0; i < perRound; i++) {
                step.run();
            }
            best = Math.min(best, currentThread() - before);
        } while ((double) best / perRound > enough && System.nanoTime() - end < 0);
        return (double) best / perRound;
    }

    /**
     * {@return the bytes the calling thread has allocated since it started}
     */
    public static long currentThread() {
        try {
            return (long) ALLOCATED.invoke(BEAN);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
