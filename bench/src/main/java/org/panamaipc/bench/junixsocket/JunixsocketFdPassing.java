package org.panamaipc.bench.junixsocket;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
 * junixsocket's descriptor passing, one way: each operation sends one 1-byte message
 * carrying {@code fds} descriptors (all /dev/null) with {@code setOutboundFileDescriptors};
 * the peer receives them with {@code getReceivedFileDescriptors} and closes them. Flow
 * control as {@link Messages#FD_WINDOW}. Score: ns per message (the report divides by
 * {@code fds}). C: {@code bench/c/scm_rights.c}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
public class JunixsocketFdPassing {
    /** Only {@code cross}. */
    @Param("cross")
    public String placement;

    /** Descriptors per message. */
    @Param({"1", "16"})
    public int fds;

    private Path path;
    private Peer peer;
    private AFUNIXSocketChannel channel;
    private FileInputStream devNull;
    private FileDescriptor[] outbound;
    private final ByteBuffer one = ByteBuffer.allocateDirect(1);
    private final ByteBuffer ack = ByteBuffer.allocateDirect(1);
    private long sent;
    private long acked;

    /** Starts the peer and connects to it. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        path = Names.tempPath("junix-fds");
        peer = Peer.jvm(Placement.of(placement), JunixsocketPeer.class, "fds", path.toString(), Integer.toString(fds));
        channel = AFUNIXSocketChannel.open(AFUNIXSocketAddress.of(path));
        devNull = new FileInputStream("/dev/null");
        outbound = new FileDescriptor[fds];
        Arrays.fill(outbound, devNull.getFD());
    }

    /** Pins the measuring thread. */
    @Setup(Level.Iteration)
    public void pin() {
        Placement.of(placement).pinBenchThread();
    }

    /** Sends one message with {@code fds} descriptors. */
    @Benchmark
    public void sendDescriptors() throws IOException {
        if (sent - acked >= Messages.FD_WINDOW) {
            ack.clear();
            Streams.readFully(channel, ack);
            acked += Messages.FD_ACK_EVERY;
        }
        channel.setOutboundFileDescriptors(outbound);
        one.clear();
        Streams.writeFully(channel, one);
        sent++;
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
        if (devNull != null) {
            devNull.close();
        }
        Files.deleteIfExists(path);
    }
}
