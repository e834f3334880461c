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
 * One-way throughput: {@link Messages#ONE_WAY_BYTES}-byte messages to a peer that takes them as fast as it can.
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
public abstract class OneWayBenchmark {
    /** {@code cross} only (throughput is measured across CPUs): see {@link Placement}. */
    @Param("cross")
    public String placement;

    private Placement where;
    private Peer peer;

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
     * Sends one message, allocating nothing: {@link Messages#ONE_WAY_BYTES} bytes, or as
     * many as a {@code size} parameter of the subclass says.
     *
     * @throws Exception on an unexpected error
     */
    protected abstract void send() throws Exception;

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

    /** Pins the measuring thread before every iteration (JMH may run them on new threads). */
    @Setup(Level.Iteration)
    public final void pinIteration() {
        where.pinBenchThread();
    }

    /**
     * One message; JMH names it {@code <subclass>.oneWay}.
     *
     * @throws Exception as {@link #send()}
     */
    @Benchmark
    public void oneWay() throws Exception {
        send();
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
