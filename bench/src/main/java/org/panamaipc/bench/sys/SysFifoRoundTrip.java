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
 * The library's shared syscall layer on a kernel path: 8-byte ping-pong over two FIFOs with
 * {@code Sys.write} / {@code Sys.read} (blocking downcalls with errno capture) on both sides,
 * the peer a JVM doing the same. It is what every descriptor-based mechanism of the library
 * is built on, so it is the floor their own benchmarks can be held to. C: {@code bench/c/fifo.c}.
 *
 * <p>Also the model of a two-process benchmark: a {@code placement} parameter, the peer
 * started in {@code @Setup(Level.Trial)}, the measuring thread pinned in
 * {@code @Setup(Level.Iteration)}, everything ended and removed in {@code @TearDown}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
public class SysFifoRoundTrip {
    /** {@code cross} or {@code same}: see {@link Placement}. */
    @Param({"cross", "same"})
    public String placement;

    private Path down;
    private Path up;
    private Peer peer;
    private int out = -1;
    private int in = -1;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(Messages.ROUND_TRIP_BYTES, 8);
    private long seq;

    /** Makes the FIFOs, starts the echoing peer, opens both ends. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        String name = Names.unique("sys-fifo");
        down = Path.of(System.getProperty("java.io.tmpdir"), name + "-down");
        up = Path.of(System.getProperty("java.io.tmpdir"), name + "-up");
        Fifos.make(down);
        Fifos.make(up);
        in = Fifos.openReadNonBlocking(up);
        peer = Peer.jvm(Placement.of(placement), SysFifoPeer.class, "echo", down.toString(), up.toString());
        out = Fifos.openWrite(down);
        Fifos.makeBlocking(in);
    }

    /** Pins the measuring thread. */
    @Setup(Level.Iteration)
    public void pin() {
        Placement.of(placement).pinBenchThread();
    }

    /** {@return the echoed sequence number} after one 8-byte round trip. */
    @Benchmark
    public long roundTrip() {
        buf.set(ValueLayout.JAVA_LONG, 0, ++seq);
        if (Sys.write(out, buf, Messages.ROUND_TRIP_BYTES) != Messages.ROUND_TRIP_BYTES) {
            throw new IllegalStateException("short write");
        }
        long got = 0;
        while (got < Messages.ROUND_TRIP_BYTES) {
            long r = Sys.read(in, got == 0 ? buf : buf.asSlice(got), Messages.ROUND_TRIP_BYTES - got);
            if (r <= 0) {
                throw new IllegalStateException("read: " + r);
            }
            got += r;
        }
        return buf.get(ValueLayout.JAVA_LONG, 0);
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
