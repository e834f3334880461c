package org.panamaipc.bench.agrona;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
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
import org.panamaipc.bench.infra.Names;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;

/**
 * Agrona, the library a user would pick for shared-memory messaging: 8-byte ping-pong
 * through two {@code OneToOneRingBuffer}s over a file in /dev/shm mapped by both
 * processes, waiting with one of Agrona's idle strategies ({@code busySpin} by default;
 * {@code yielding} and {@code backoff} in the full run). Only across CPUs.
 * C: {@code bench/c/shm_spin.c}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.AGRONA_EXPORTS, Jvm.UNSAFE_ALLOW})
public class AgronaRingRoundTrip {
    /** Only {@code cross}. */
    @Param("cross")
    public String placement;

    /** Agrona's idle strategy while waiting for the answer. */
    @Param("busySpin")
    public String idle;

    private Path path;
    private Peer peer;
    private MappedByteBuffer mapping;
    private OneToOneRingBuffer out;
    private OneToOneRingBuffer in;
    private IdleStrategy idleStrategy;
    private final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(Messages.ROUND_TRIP_BYTES));
    private long received;
    private final MessageHandler handler = (type, buffer, index, length) -> received = buffer.getLong(index);
    private long seq;

    /** Creates the rings and starts the peer. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        path = Names.shmPath("agrona");
        mapping = AgronaRing.map(path, true);
        out = AgronaRing.ring(mapping, 0);
        in = AgronaRing.ring(mapping, 1);
        idleStrategy = AgronaRing.idle(idle);
        AgronaRingPeer.warmUp(); // the ring's paths compiled in this JVM too, as ChannelRoundTrip's are
        peer = Peer.jvm(Placement.of(placement), AgronaRingPeer.class, path.toString(), idle);
    }

    /** Pins the measuring thread. */
    @Setup(Level.Iteration)
    public void pin() {
        Placement.of(placement).pinBenchThread();
    }

    /** {@return the echoed sequence number} after one round trip through the two rings. */
    @Benchmark
    public long roundTrip() {
        message.putLong(0, ++seq);
        while (!out.write(AgronaRing.MSG_TYPE, message, 0, Messages.ROUND_TRIP_BYTES)) {
            idleStrategy.idle();
        }
        idleStrategy.reset();
        while (in.read(handler, 1) == 0) {
            idleStrategy.idle();
        }
        idleStrategy.reset();
        return received;
    }

    /** Ends the peer and removes the file. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (peer != null) {
            peer.close();
        }
        Files.deleteIfExists(path);
    }
}
