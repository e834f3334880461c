package org.panamaipc.bench.channel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
import org.panamaipc.bench.infra.Jvm;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;

/**
 * Round trip over two one-to-one channels, both ends spinning ({@code IdleStrategy.busySpin}):
 * an 8-byte record out, the same back. Only across CPUs. C: {@code bench/c/shm_spin.c}
 * (the spin flag); Agrona: {@code agrona.AgronaRingRoundTrip}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
public class ChannelRoundTrip {
    /** Only {@code cross}: spinning on one CPU measures the scheduler. */
    @Param("cross")
    public String placement;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment message = arena.allocate(Messages.ROUND_TRIP_BYTES, 8);
    private PingPong rings;
    private long seq;

    /**
     * Creates the two rings and starts the echoing peer.
     *
     * @throws Exception when something cannot be set up
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        rings = PingPong.start(Placement.of(placement), false);
    }

    /** Pins the measuring thread. */
    @Setup(Level.Iteration)
    public void pin() {
        Placement.of(placement).pinBenchThread();
    }

    /**
     * {@return the echoed sequence number} after one round trip.
     *
     * @throws Exception if a channel fails
     */
    @Benchmark
    public long roundTrip() throws Exception {
        message.set(ValueLayout.JAVA_LONG, 0, ++seq);
        return rings.exchange(message, false);
    }

    /** Ends the peer and removes the rings. */
    @TearDown(Level.Trial)
    public void tearDown() {
        Rings.close(rings, arena);
    }
}
