package org.panamaipc.bench.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
import org.panamaipc.internal.Sys;

/**
 * One-way throughput of 64-byte messages through a FIFO with {@code Sys.write}, to a peer JVM
 * reading them with {@code Sys.read}. C: {@code bench/c/fifo.c}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
public class SysFifoOneWay {
    /** Only {@code cross}. */
    @Param("cross")
    public String placement;

    private Path down;
    private Path up;
    private Peer peer;
    private int out = -1;
    private int in = -1;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(Messages.ONE_WAY_BYTES, 8);
    private long seq;

    /** Makes the FIFOs, starts the reading peer, opens the write end. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        String name = Names.unique("sys-fifo");
        down = Path.of(System.getProperty("java.io.tmpdir"), name + "-down");
        up = Path.of(System.getProperty("java.io.tmpdir"), name + "-up");
        Fifos.make(down);
        Fifos.make(up);
        in = Fifos.openReadNonBlocking(up);
        peer = Peer.jvm(Placement.of(placement), SysFifoPeer.class, "sink", down.toString(), up.toString());
        out = Fifos.openWrite(down);
    }

    /** Pins the measuring thread. */
    @Setup(Level.Iteration)
    public void pin() {
        Placement.of(placement).pinBenchThread();
    }

    /** Sends one 64-byte message. */
    @Benchmark
    public void oneWay() {
        buf.set(ValueLayout.JAVA_LONG, 0, ++seq);
        long done = 0;
        while (done < Messages.ONE_WAY_BYTES) {
            long r = Sys.write(out, done == 0 ? buf : buf.asSlice(done), Messages.ONE_WAY_BYTES - done);
            if (r <= 0) {
                throw new IllegalStateException("write: " + r);
            }
            done += r;
        }
    }

    /** Closes both ends, ends the peer, removes the FIFOs. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (out >= 0) {
            Sys.close(out);
        }
        if (in >= 0) {
            Sys.close(in);
        }
        if (peer != null) {
            peer.close();
        }
        arena.close();
        Files.deleteIfExists(down);
        Files.deleteIfExists(up);
    }
}
