package org.panamaipc.bench.junixsocket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;
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

/**
 * junixsocket's Unix stream socket ({@code AFUNIXSocketChannel}, direct buffers):
 * 8-byte ping-pong with a peer JVM echoing through junixsocket as well.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
public class JunixsocketRoundTrip {
    /** Where the peer runs: see {@link Placement}. */
    @Param({"cross", "same"})
    public String placement;

    private Path path;
    private Peer peer;
    private AFUNIXSocketChannel channel;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(Messages.ROUND_TRIP_BYTES);
    private long seq;

    /** Starts the peer and connects to it. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        path = Names.tempPath("junix-sock");
        peer = Peer.jvm(Placement.of(placement), JunixsocketPeer.class, "echo", path.toString());
        channel = AFUNIXSocketChannel.open(AFUNIXSocketAddress.of(path));
    }

    /** Pins the measuring thread. */
    @Setup(Level.Iteration)
    public void pin() {
        Placement.of(placement).pinBenchThread();
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
