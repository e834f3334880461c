package org.panamaipc.bench.infra;

import java.util.concurrent.TimeUnit;

/**
 * The extra warm-up of a round trip measured on virtual threads, run once before JMH's own
 * warm-up (from the first {@code @Setup(Level.Iteration)}, after pinning).
 *
 * <p>Why: a round trip between virtual threads runs through far more Java code than one
 * between platform threads (the scheduler's queues, the poller, the unmount and remount of the
 * thread), and it reaches its steady state only after some tens of thousands of round trips,
 * as the JIT compiles that code. The quick mode's 0.8 s of warm-up is far too short for that:
 * measured on 2026-12-03 on a slow day, the Unix stream round trip on virtual threads, both
 * processes on one CPU, gave 1 s iterations of 507, 259, 129, 65 and 42 µs, then 40 µs flat
 * (about 30,000 round trips in), and the JDK's {@code SocketChannel} on virtual threads 179,
 * 78, then 50 µs flat; the platform-thread twin was flat from the first iteration. Without
 * this, the virtual-thread rows of a quick run would measure the JIT.
 */
public final class VirtualWarmUp {
    /** Round trips made before JMH's warm-up. */
    public static final int ROUND_TRIPS = 50_000;
    /** At most this long, on a machine slow enough that the round trips would take longer. */
    public static final long LIMIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** One round trip of the benchmark. */
    @FunctionalInterface
    public interface RoundTrip {
        /**
         * Makes one round trip.
         *
         * @return what the benchmark returns
         * @throws Exception as the benchmark does
         */
        long exchange() throws Exception;
    }

    private VirtualWarmUp() {
    }

    /**
     * Makes {@link #ROUND_TRIPS} round trips, or as many as {@link #LIMIT_NANOS} allows.
     *
     * @param roundTrip the benchmark's round trip
     * @return the sum of what the round trips returned, for the caller to keep
     * @throws Exception as the round trip does
     */
    public static long run(RoundTrip roundTrip) throws Exception {
        long end = System.nanoTime() + LIMIT_NANOS;
        long sum = 0;
        for (int i = 0; i < ROUND_TRIPS; i++) {
            sum += roundTrip.exchange();
            if ((i & 1023) == 0 && System.nanoTime() - end > 0) {
                break;
            }
        }
        return sum;
    }
}
