package org.panamaipc.bench.jdk;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import org.panamaipc.bench.infra.Names;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;

/**
 * The JDK alone at the cache-line floor: a file in /dev/shm mapped with
 * {@code FileChannel.map(..., Arena)}, ping-pong of a sequence number through two 8-byte
 * slots on separate cache lines with {@code setRelease}/{@code getAcquire} and
 * {@code Thread.onSpinWait()} (PAUSE). Only across CPUs: spinning against a peer on the same
 * CPU measures the scheduler's time slice. C: {@code bench/c/shm_spin.c}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
public class JdkMappedSpinRoundTrip {
    /** Offset of the slot the benchmark writes. */
    static final long PING = 0;
    /** Offset of the slot the peer writes: two cache lines away (adjacent-line prefetch). */
    static final long PONG = 128;
    /** File size. */
    static final long SIZE = 4096;
    static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    /** Only {@code cross}. */
    @Param("cross")
    public String placement;

    private Path path;
    private Arena arena;
    private MemorySegment shared;
    private Peer peer;
    private long seq;

    /** Creates and maps the file, starts the peer. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Placement p = Placement.of(placement);
        path = Names.shmPath("jdk-spin");
        arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            shared = ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE, arena);
        }
        peer = Peer.jvm(p, JdkMappedSpinPeer.class, path.toString());
    }

    /** Pins the measuring thread. */
    @Setup(Level.Iteration)
    public void pin() {
        Placement.of(placement).pinBenchThread();
    }

    /** {@return the sequence number} after one round trip through shared memory. */
    @Benchmark
    public long roundTrip() {
        long s = ++seq;
        LONG.setRelease(shared, PING, s);
        while ((long) LONG.getAcquire(shared, PONG) != s) {
            Thread.onSpinWait();
        }
        return s;
    }

    /** Ends the peer, unmaps and removes the file. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (peer != null) {
            peer.close();
        }
        arena.close();
        Files.deleteIfExists(path);
    }
}
