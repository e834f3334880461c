package org.panamaipc.bench.agrona;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.PeerSupport;

/** Peer of {@link AgronaRingRoundTrip}: reads each message from ring 0 and writes it back to ring 1. */
public final class AgronaRingPeer {
    private AgronaRingPeer() {
    }

    /** Round trips through two private rings before READY, as the channel benchmarks' peer makes. */
    private static final int WARM_UP_ROUNDS = 200_000;

    private static MessageHandler echo(OneToOneRingBuffer out) {
        return (type, buffer, index, length) -> {
            while (!out.write(type, buffer, index, length)) {
                Thread.onSpinWait();
            }
        };
    }

    /** Runs the echo path {@value #WARM_UP_ROUNDS} times on two private rings, so that it is compiled. */
    static void warmUp() {
        OneToOneRingBuffer a = new OneToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(AgronaRing.RING_BYTES)));
        OneToOneRingBuffer b = new OneToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(AgronaRing.RING_BYTES)));
        UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(Messages.ROUND_TRIP_BYTES));
        MessageHandler echo = echo(b);
        long[] sink = {0};
        MessageHandler drain = (type, buffer, index, length) -> sink[0] += buffer.getLong(index);
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            message.putLong(0, round);
            a.write(AgronaRing.MSG_TYPE, message, 0, Messages.ROUND_TRIP_BYTES);
            a.read(echo, 1);
            a.read(echo, 1); // empty
            b.read(drain, 1);
        }
    }

    /**
     * Runs the peer until the benchmark closes its standard input.
     *
     * @param args {@code path idleStrategy}
     * @throws IOException when the file cannot be mapped
     */
    public static void main(String[] args) throws IOException {
        MappedByteBuffer mapping = AgronaRing.map(Path.of(args[0]), false);
        OneToOneRingBuffer in = AgronaRing.ring(mapping, 0);
        OneToOneRingBuffer out = AgronaRing.ring(mapping, 1);
        IdleStrategy idle = AgronaRing.idle(args[1]);
        MessageHandler echo = echo(out);
        warmUp();
        PeerSupport.ready();
        while (true) {
            idle.idle(in.read(echo, 1));
        }
    }
}
