package org.panamaipc.bench.jdk;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
import org.panamaipc.bench.infra.Streams;
import org.panamaipc.bench.infra.VirtualWarmUp;

/**
 * The JDK's own Unix stream socket: {@code SocketChannel} over {@code UnixDomainSocketAddress},
 * 8-byte ping-pong with a peer JVM echoing through the same API.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
public class JdkSocketChannelRoundTrip {
    /** {@code cross} or {@code same}: see {@link Placement}. */
    @Param({"cross", "same"})
    public String placement;

    private Path path;
    private Peer peer;
    private SocketChannel channel;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(Messages.ROUND_TRIP_BYTES);
    private long seq;
    private boolean warmedUp;
    /** What the extra warm-up returned: kept so that it cannot be optimized away. */
    public long warmUpSum;

    /** Starts the echoing peer and connects to it. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Placement p = Placement.of(placement);
        path = Names.tempPath("jdk-sock");
        peer = Peer.jvm(p, JdkSocketChannelPeer.class, "echo", path.toString());
        channel = SocketChannel.open(UnixDomainSocketAddress.of(path));
    }

    /**
     * Pins the measuring thread; on virtual threads, warms up once more before the first
     * iteration ({@link VirtualWarmUp}).
     *
     * @throws Exception as {@link #roundTrip()}
     */
    @Setup(Level.Iteration)
    public void pin() throws Exception {
        Placement.of(placement).pinBenchThread();
        if (!warmedUp && Thread.currentThread().isVirtual()) {
            warmedUp = true;
            warmUpSum = VirtualWarmUp.run(this::roundTrip);
        }
    }

    /** {@return the echoed sequence number} after one 8-byte round trip. */
    @Benchmark
    public long roundTrip() throws IOException {
        buf.clear();
        buf.putLong(0, ++seq);
        Streams.writeFully(channel, buf);
        buf.clear();
        Streams.readFully(channel, buf);
        return buf.getLong(0);
    }

    /** Closes the connection, ends the peer, removes the socket file. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (channel != null) {
            channel.close();
        }
        if (peer != null) {
            peer.close();
        }
        Files.deleteIfExists(path);
    }
}
