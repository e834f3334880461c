package org.panamaipc.bench.agrona;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.panamaipc.bench.infra.PeerSupport;

/** Peer of {@link AgronaRingRoundTrip}: reads each message from ring 0 and writes it back to ring 1. */
public final class AgronaRingPeer {
    private AgronaRingPeer() {
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
        MessageHandler echo = (type, buffer, index, length) -> {
            while (!out.write(type, buffer, index, length)) {
                Thread.onSpinWait();
            }
        };
        PeerSupport.ready();
        while (true) {
            idle.idle(in.read(echo, 1));
        }
    }
}
