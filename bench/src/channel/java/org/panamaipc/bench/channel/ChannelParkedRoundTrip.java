package org.panamaipc.bench.channel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.openjdk.jmh.annotations.Param;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.bench.infra.RoundTripBenchmark;

/**
 * Round trip over two one-to-one channels with both readers waiting in
 * {@code ChannelReader.receive} with {@code IdleStrategy.park()} (a short spin, then the
 * futex eventcount): the writer's {@code FUTEX_WAKE} wakes the parked reader on every hop.
 * C: {@code bench/c/futex.c rtt} (the futex ping-pong).
 */
public class ChannelParkedRoundTrip extends RoundTripBenchmark {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment message = arena.allocate(Messages.ROUND_TRIP_BYTES, 8);
    private PingPong rings;

    /**
     * Spins before a sleep, both sides: 100 ({@code park()}); 0 sleeps at once, and then the
     * readers ask the writers for their fence instead of calling {@code membarrier}.
     */
    @Param({"100", "0"})
    public int spins;
    private long seq;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        rings = PingPong.start(placement, true, spins);
        return rings.peer();
    }

    @Override
    protected long exchange() throws Exception {
        message.set(ValueLayout.JAVA_LONG, 0, ++seq);
        return rings.exchange(message, true);
    }

    @Override
    protected void tearDown() {
        Rings.close(rings, arena);
    }
}
