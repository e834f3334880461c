package org.panamaipc.bench.infra;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The shape of a two-process benchmark, for a mechanism to extend with three methods.
 * Round trips: an 8-byte ({@link Messages#ROUND_TRIP_BYTES}) message to the peer and back.
 *
 * <p>This class owns the JMH side: the {@code placement} parameter, pinning the measuring
 * thread before every iteration, and ending the peer after {@link #tearDown()}. A subclass
 * creates its objects and starts its peer in {@link #setUp(Placement)}, does the work in
 * one allocation-free method, and closes and removes everything in {@link #tearDown()}
 * (which also runs when {@code setUp} failed half-way, so it must cope with a partial set-up).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
public abstract class RoundTripBenchmark {
    /** {@code cross} or {@code same}: see {@link Placement}. */
    @Param({"cross", "same"})
    public String placement;

    private Placement where;
    private Peer peer;
    private boolean warmedUp;
    /** What the extra warm-up returned: kept so that it cannot be optimized away. */
    public long warmUpSum;

    /**
     * Creates the objects, starts the peer with {@link Peer#jvm} (or {@link Peer#command})
     * and opens this end.
     *
     * @param placement where the peer must run: pass it to {@code Peer.jvm}
     * @return the started peer, which this class ends after {@link #tearDown()}
     * @throws Exception when something cannot be set up
     */
    protected abstract Peer setUp(Placement placement) throws Exception;

    /**
     * Sends one {@link Messages#ROUND_TRIP_BYTES}-byte message and receives the answer,
     * allocating nothing.
     *
     * @return something from the answer (e.g. the echoed sequence number)
     * @throws Exception on an unexpected error
     */
    protected abstract long exchange() throws Exception;

    /**
     * Closes this end and removes every named object; the peer is ended afterwards.
     *
     * @throws Exception when something cannot be closed
     */
    protected abstract void tearDown() throws Exception;

    /**
     * JMH trial set-up.
     *
     * @throws Exception as {@link #setUp(Placement)}
     */
    @Setup(Level.Trial)
    public final void startTrial() throws Exception {
        where = Placement.of(placement);
        try {
            peer = setUp(where);
        } catch (Exception | Error e) {
            try {
                tearDown();
            } catch (Exception | Error suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Pins the measuring thread before every iteration (JMH may run them on new threads); on
     * virtual threads, warms up once more before the first ({@link VirtualWarmUp}).
     *
     * @throws Exception as {@link #exchange()}
     */
    @Setup(Level.Iteration)
    public final void pinIteration() throws Exception {
        where.pinBenchThread();
        if (!warmedUp && Thread.currentThread().isVirtual()) {
            warmedUp = true;
            warmUpSum = VirtualWarmUp.run(this::exchange);
        }
    }

    /**
     * One round trip; JMH names it {@code <subclass>.roundTrip}.
     *
     * @return something from the answer, so that the work is not optimized away
     * @throws Exception as {@link #exchange()}
     */
    @Benchmark
    public long roundTrip() throws Exception {
        return exchange();
    }

    /**
     * JMH trial tear-down.
     *
     * @throws Exception as {@link #tearDown()}
     */
    @TearDown(Level.Trial)
    public final void endTrial() throws Exception {
        try {
            tearDown();
        } finally {
            if (peer != null) {
                peer.close();
            }
        }
    }
}
