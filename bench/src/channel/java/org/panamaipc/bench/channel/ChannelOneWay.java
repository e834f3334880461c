package org.panamaipc.bench.channel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.openjdk.jmh.annotations.Param;
import org.panamaipc.bench.infra.OneWayBenchmark;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.channel.Channel;
import org.panamaipc.channel.ChannelKind;
import org.panamaipc.channel.ChannelWriter;
import org.panamaipc.channel.IdleStrategy;

/**
 * One-to-one channel, one way: {@code size}-byte records offered (spinning while the ring is
 * full) to a peer JVM that drains them spinning. C: {@code bench/c/channel.c tput[.SIZE]};
 * Agrona: {@code agrona.AgronaOneWay}.
 */
public class ChannelOneWay extends OneWayBenchmark {
    /** Payload bytes per record. */
    @Param({"64", "4096"})
    public int size;

    private Arena arena;
    private MemorySegment payload;
    private Channel channel;
    private ChannelWriter writer;
    private long seq;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        arena = Arena.ofShared();
        payload = arena.allocate(size, 8);
        String name = Channel.uniqueName("panama-bench-channel");
        channel = Channel.create(name, ChannelKind.ONE_TO_ONE, Rings.CAPACITY).unlinkOnClose();
        Peer peer = Peer.jvm(placement, ChannelPeer.class, "sink", name);
        writer = channel.writer(IdleStrategy.busySpin());
        return peer;
    }

    @Override
    protected void send() throws Exception {
        payload.set(ValueLayout.JAVA_LONG, 0, ++seq);
        while (!writer.offer(1, payload)) {
            Thread.onSpinWait();
        }
    }

    @Override
    protected void tearDown() {
        Rings.close(writer, channel, arena);
    }
}
