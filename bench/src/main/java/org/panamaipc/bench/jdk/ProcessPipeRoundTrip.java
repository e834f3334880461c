package org.panamaipc.bench.jdk;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;

/**
 * The JDK's pipes: a child started by {@code ProcessBuilder}, 8-byte ping-pong over its
 * standard input and output ({@code Process.getOutputStream()} with a flush per message,
 * {@code Process.getInputStream()}); the child echoes with plain {@code FileInputStream} /
 * {@code FileOutputStream} on descriptors 0 and 1. C: {@code bench/c/pipe.c}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
public class ProcessPipeRoundTrip {
    /** {@code cross} or {@code same}: see {@link Placement}. */
    @Param({"cross", "same"})
    public String placement;

    private Peer peer;
    private OutputStream toChild;
    private InputStream fromChild;
    private final byte[] buf = new byte[Messages.ROUND_TRIP_BYTES];

    /** Starts the child. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        peer = Peer.jvmStdio(Placement.of(placement), StdioEchoPeer.class, "echo");
        toChild = peer.stdin();
        fromChild = peer.stdout();
    }

    /** Pins the measuring thread. */
    @Setup(Level.Iteration)
    public void pin() {
        Placement.of(placement).pinBenchThread();
    }

    /** {@return the first byte echoed} after one 8-byte round trip. */
    @Benchmark
    public int roundTrip() throws IOException {
        buf[0]++;
        toChild.write(buf, 0, buf.length);
        toChild.flush();
        int n = 0;
        while (n < buf.length) {
            int r = fromChild.read(buf, n, buf.length - n);
            if (r < 0) {
                throw new EOFException();
            }
            n += r;
        }
        return buf[0];
    }

    /** Closes the child's input, which ends it. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (peer != null) {
            peer.close();
        }
    }
}
