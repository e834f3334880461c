package org.panamaipc.bench.channel;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.channel.Channel;
import org.panamaipc.channel.ChannelKind;
import org.panamaipc.channel.ChannelReader;
import org.panamaipc.channel.ChannelWriter;
import org.panamaipc.channel.IdleStrategy;
import org.panamaipc.channel.RecordHandler;

/** Two one-to-one rings and an echoing {@link ChannelPeer}: the round trips' shared set-up. */
final class PingPong implements AutoCloseable {
    private Channel ping;
    private Channel pong;
    private ChannelWriter writer;
    private ChannelReader reader;
    private Peer peer;
    private long answer;
    private final RecordHandler handler = (type, buffer, offset, length) ->
            answer = buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);

    private PingPong() {
    }

    /**
     * Creates the rings, starts the peer (echoing, parked or spinning as asked) and attaches
     * this side's ends; closes what it made if something fails.
     */
    static PingPong start(Placement placement, boolean park) throws IOException {
        return start(placement, park, 100);
    }

    /**
     * As {@link #start(Placement, boolean)}, the parked readers of both sides spinning
     * {@code spins} attempts before they sleep ({@code IdleStrategy.park(spins)}).
     */
    static PingPong start(Placement placement, boolean park, int spins) throws IOException {
        PingPong p = new PingPong();
        try {
            String out = Channel.uniqueName("panama-bench-channel");
            String in = Channel.uniqueName("panama-bench-channel");
            p.ping = Channel.create(out, ChannelKind.ONE_TO_ONE, Rings.CAPACITY).unlinkOnClose();
            p.pong = Channel.create(in, ChannelKind.ONE_TO_ONE, Rings.CAPACITY).unlinkOnClose();
            ChannelPeer.warmUp(Messages.ROUND_TRIP_BYTES, 1); // compiled in this JVM too, as Agrona's ring is
            IdleStrategy idle = park ? IdleStrategy.park(spins) : IdleStrategy.busySpin();
            p.writer = p.ping.writer(idle);
            p.reader = p.pong.reader(idle);
            p.peer = Peer.jvm(placement, ChannelPeer.class, "echo", out, in, park ? "park:" + spins : "busySpin");
            return p;
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    Peer peer() {
        return peer;
    }

    /** Sends {@code message} and returns the first 8 bytes of the answer. */
    long exchange(MemorySegment message, boolean park) throws IOException {
        while (!writer.offer(1, message)) {
            Thread.onSpinWait();
        }
        if (park) {
            reader.receive(handler);
        } else {
            while (reader.poll(handler, 1) == 0) {
                Thread.onSpinWait();
            }
        }
        return answer;
    }

    @Override
    public void close() {
        Rings.close(peer, writer, reader, ping, pong);
    }
}
