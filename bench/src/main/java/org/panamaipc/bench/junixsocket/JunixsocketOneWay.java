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
 * one-way throughput of 64-byte messages to a peer JVM reading them through junixsocket as well.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
public class JunixsocketOneWay {
    /** Where the peer runs: see {@link Placement}. */
    @Param("cross")
    public String placement;

    private Path path;
    private Peer peer;
    private AFUNIXSocketChannel channel;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(Messages.ONE_WAY_BYTES);
    private long seq;

    /** Starts the peer and connects to it. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        path = Names.tempPath("junix-sock");
        peer = Peer.jvm(Placement.of(placement), JunixsocketPeer.class, "sink", path.toString());
        channel = AFUNIXSocketChannel.open(AFUNIXSocketAddress.of(path));
    }

    /** Pins the measuring thread. */
    @Setup(Level.Iteration)
    public void pin() {
        Placement.of(placement).pinBenchThread();
    }

    /** Sends one 64-byte message. */
    @Benchmark
    public void oneWay() throws IOException {
        buf.clear();
        buf.putLong(0, ++seq);
        Streams.writeFully(channel, buf);
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
