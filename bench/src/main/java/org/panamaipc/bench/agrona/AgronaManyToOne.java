package org.panamaipc.bench.agrona;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
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
import org.panamaipc.bench.infra.Names;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;

/**
 * Agrona's {@code ManyToOneRingBuffer} (64 KiB) over a /dev/shm file: two producer JVMs on
 * the peer CPU write 64-byte messages as fast as they can; the measuring thread reads one at
 * a time. The baseline of {@code channel.ChannelManyToOne}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.AGRONA_EXPORTS, Jvm.UNSAFE_ALLOW})
public class AgronaManyToOne {
    /** Only {@code cross}. */
    @Param("cross")
    public String placement;

    private Path path;
    private ManyToOneRingBuffer in;
    private Peer first;
    private Peer second;
    private long last;
    private final MessageHandler handler = (type, buffer, index, length) -> last = buffer.getLong(index);

    /**
     * Creates the ring and starts the producers.
     *
     * @throws IOException when the file cannot be made or a peer started
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        path = Names.shmPath("agrona");
        MappedByteBuffer mapping = AgronaRing.map(path, true);
        in = new ManyToOneRingBuffer(new UnsafeBuffer(mapping, 0, AgronaRing.RING_BYTES));
        first = Peer.jvm(Placement.of(placement), AgronaQueuePeer.class, "produce", path.toString());
        second = Peer.jvm(Placement.of(placement), AgronaQueuePeer.class, "produce", path.toString());
    }

    /** Pins the measuring thread. */
    @Setup(Level.Iteration)
    public void pin() {
        Placement.of(placement).pinBenchThread();
    }

    /** {@return the sequence number of the message} read, spinning until there is one. */
    @Benchmark
    public long receive() {
        while (in.read(handler, 1) == 0) {
            Thread.onSpinWait();
        }
        return last;
    }

    /**
     * Ends the producers and removes the file.
     *
     * @throws IOException when the file cannot be removed
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
        Files.deleteIfExists(path);
    }
}
