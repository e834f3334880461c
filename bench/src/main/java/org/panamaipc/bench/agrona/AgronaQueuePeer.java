package org.panamaipc.bench.agrona;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.PeerSupport;

/**
 * Peer of {@link AgronaOneWay} and {@link AgronaManyToOne}: {@code sink PATH} drains ring 0
 * of the file (a {@code OneToOneRingBuffer}), spinning; {@code produce PATH} writes 64-byte
 * messages into ring 0 as a {@code ManyToOneRingBuffer} as fast as it takes them.
 */
public final class AgronaQueuePeer {
    private static long sink;

    private AgronaQueuePeer() {
    }

    /**
     * Runs the peer until the benchmark closes its standard input.
     *
     * @param args {@code sink|produce path}
     * @throws IOException when the file cannot be mapped
     */
    public static void main(String[] args) throws IOException {
        MappedByteBuffer mapping = AgronaRing.map(Path.of(args[1]), false);
        if (args[0].equals("sink")) {
            RingBuffer in = AgronaRing.ring(mapping, 0);
            MessageHandler handler = (type, buffer, index, length) -> sink += buffer.getLong(index);
            PeerSupport.ready();
            while (true) {
                if (in.read(handler, 64) == 0) {
                    Thread.onSpinWait();
                }
            }
        }
        RingBuffer out = new ManyToOneRingBuffer(new UnsafeBuffer(mapping, 0, AgronaRing.RING_BYTES));
        UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(Messages.ONE_WAY_BYTES));
        PeerSupport.ready();
        for (long seq = 1;; seq++) {
            message.putLong(0, seq);
            while (!out.write(AgronaRing.MSG_TYPE, message, 0, Messages.ONE_WAY_BYTES)) {
                Thread.onSpinWait();
            }
        }
    }
}
