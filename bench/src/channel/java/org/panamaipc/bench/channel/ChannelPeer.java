package org.panamaipc.bench.channel;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.PeerSupport;
import org.panamaipc.channel.Channel;
import org.panamaipc.channel.ChannelKind;
import org.panamaipc.channel.ChannelReader;
import org.panamaipc.channel.ChannelWriter;
import org.panamaipc.channel.IdleStrategy;
import org.panamaipc.channel.RecordHandler;

/**
 * Peer of the channel benchmarks: {@code sink NAME} drains a ring (spinning),
 * {@code produce NAME} offers 64-byte records as fast as a many-to-one ring takes them,
 * {@code echo IN OUT busySpin|park:SPINS} answers each record of IN with the same bytes on OUT.
 */
public final class ChannelPeer {
    /**
     * Round trips through two private rings before the peer says READY: the peer JVM is pinned
     * to one CPU, where its JIT compiler threads would otherwise take turns with the spinning
     * loop while the benchmark measures (its fast path compiled for about 2 s of compiler time,
     * Agrona's for 0.3 s). {@code AgronaRingPeer} does the same.
     */
    static final int WARM_UP_ROUNDS = 200_000;

    private static long sink;

    private ChannelPeer() {
    }

    /**
     * Runs the peer until the benchmark closes its standard input.
     *
     * @param args the mode and its channel names
     * @throws Exception when a channel cannot be opened or used
     */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "sink" -> sink(Channel.open(args[1]));
            case "produce" -> produce(Channel.open(args[1]));
            case "echo" -> echo(Channel.open(args[1]), Channel.open(args[2]), args[3]);
            default -> throw new IllegalArgumentException("mode=" + args[0]);
        }
    }

    private static void sink(Channel channel) throws Exception {
        ChannelReader reader = channel.reader(IdleStrategy.busySpin());
        RecordHandler handler = sinkHandler();
        warmUp(Messages.ONE_WAY_BYTES, 64);
        PeerSupport.ready();
        while (true) {
            if (reader.poll(handler, 64) == 0) {
                Thread.onSpinWait();
            }
        }
    }

    private static void produce(Channel channel) throws Exception {
        ChannelWriter writer = channel.writer(IdleStrategy.busySpin());
        MemorySegment payload = Arena.ofAuto().allocate(Messages.ONE_WAY_BYTES, 8);
        PeerSupport.ready();
        for (long seq = 1;; seq++) {
            payload.set(ValueLayout.JAVA_LONG, 0, seq);
            while (!writer.offer(1, payload)) {
                Thread.onSpinWait();
            }
        }
    }

    private static RecordHandler sinkHandler() {
        return (type, buffer, offset, length) -> sink += buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
    }

    private static RecordHandler echoHandler(ChannelWriter writer) {
        return (type, buffer, offset, length) -> {
            try {
                while (!writer.offer(type, buffer, offset, length)) {
                    Thread.onSpinWait();
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }

    /**
     * Runs the peer's paths (offer, poll of a record, poll of an empty ring, the echo and sink
     * handlers) {@value #WARM_UP_ROUNDS} times on two private rings.
     */
    static void warmUp(int bytes, int batch) throws IOException {
        try (Channel a = Channel.createAnonymous(ChannelKind.ONE_TO_ONE, Rings.CAPACITY);
                Channel b = Channel.createAnonymous(ChannelKind.ONE_TO_ONE, Rings.CAPACITY);
                ChannelWriter toA = a.writer(IdleStrategy.busySpin());
                ChannelReader fromA = a.reader(IdleStrategy.busySpin());
                ChannelWriter toB = b.writer(IdleStrategy.busySpin());
                ChannelReader fromB = b.reader(IdleStrategy.busySpin());
                Arena arena = Arena.ofConfined()) {
            MemorySegment payload = arena.allocate(bytes, 8);
            RecordHandler echo = echoHandler(toB);
            RecordHandler drain = sinkHandler();
            for (int round = 0; round < WARM_UP_ROUNDS; round++) {
                payload.set(ValueLayout.JAVA_LONG, 0, round);
                toA.offer(1, payload);
                fromA.poll(echo, batch);
                fromA.poll(echo, batch); // empty
                fromB.poll(drain, batch);
            }
        }
    }

    private static void echo(Channel in, Channel out, String idle) throws Exception {
        boolean park = idle.startsWith("park:");
        IdleStrategy strategy = park ? IdleStrategy.park(Integer.parseInt(idle.substring(5))) : IdleStrategy.busySpin();
        ChannelReader reader = in.reader(strategy);
        ChannelWriter writer = out.writer(strategy);
        RecordHandler answer = echoHandler(writer);
        warmUp(Messages.ROUND_TRIP_BYTES, 1);
        PeerSupport.ready();
        while (true) {
            if (park) {
                reader.receive(answer);
            } else if (reader.poll(answer, 1) == 0) {
                Thread.onSpinWait();
            }
        }
    }
}
