package org.panamaipc.bench.agrona;

import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;
import org.panamaipc.bench.infra.Jvm;
import org.panamaipc.bench.infra.Names;
import org.panamaipc.bench.infra.OneWayBenchmark;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;

/**
 * Agrona's {@code OneToOneRingBuffer} (64 KiB, as the channel's ring) over a /dev/shm file,
 * one way: {@code size}-byte messages written (spinning while full) to a peer JVM that drains
 * them spinning. The baseline of {@code channel.ChannelOneWay}.
 */
@Fork(value = 1, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.AGRONA_EXPORTS, Jvm.UNSAFE_ALLOW})
public class AgronaOneWay extends OneWayBenchmark {
    /** Payload bytes per message. */
    @Param({"64", "4096"})
    public int size;

    private Path path;
    private OneToOneRingBuffer out;
    private UnsafeBuffer message;
    private long seq;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        path = Names.shmPath("agrona");
        MappedByteBuffer mapping = AgronaRing.map(path, true);
        out = AgronaRing.ring(mapping, 0);
        message = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
        return Peer.jvm(placement, AgronaQueuePeer.class, "sink", path.toString());
    }

    @Override
    protected void send() {
        message.putLong(0, ++seq);
        while (!out.write(AgronaRing.MSG_TYPE, message, 0, size)) {
            Thread.onSpinWait();
        }
    }

    @Override
    protected void tearDown() throws Exception {
        if (path != null) {
            Files.deleteIfExists(path);
        }
    }
}
