package org.panamaipc.bench.jdk;

import java.io.IOException;
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
 * The JDK's pipes, one way: 64-byte messages to a child started by {@code ProcessBuilder}
 * through {@code Process.getOutputStream()} with a flush per message; the child reads them
 * with a plain {@code FileInputStream} on descriptor 0. C: {@code bench/c/pipe.c}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
public class ProcessPipeOneWay {
    /** {@code cross} or {@code same}: see {@link Placement}. */
    @Param("cross")
    public String placement;

    private Peer peer;
    private OutputStream toChild;
    private final byte[] buf = new byte[Messages.ONE_WAY_BYTES];

    /** Starts the child. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        peer = Peer.jvmStdio(Placement.of(placement), StdioEchoPeer.class, "sink");
        toChild = peer.stdin();
    }

    /** Pins the measuring thread. */
    @Setup(Level.Iteration)
    public void pin() {
        Placement.of(placement).pinBenchThread();
    }

    /** Sends one 64-byte message. */
    @Benchmark
    public void oneWay() throws IOException {
        buf[0]++;
        toChild.write(buf, 0, buf.length);
        toChild.flush();
    }

    /** Closes the child's input, which ends it. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (peer != null) {
            peer.close();
        }
    }
}
