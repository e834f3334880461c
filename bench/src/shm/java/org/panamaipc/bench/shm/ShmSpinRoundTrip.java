package org.panamaipc.bench.shm;

import java.lang.foreign.MemorySegment;
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
import java.util.concurrent.TimeUnit;
import org.panamaipc.bench.infra.Jvm;
import org.panamaipc.bench.infra.Names;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.SharedAtomics;
import org.panamaipc.shm.SharedMemory;

/**
 * Shared memory at the cache-line floor: a POSIX shared memory object
 * ({@code SharedMemory.create}, {@code map()}), ping-pong of a sequence number
 * through two slots 128 bytes apart with {@code SharedAtomics.putLongRelease} /
 * {@code getLongAcquire} and {@code Thread.onSpinWait()}; the peer a JVM doing the same.
 * Only across CPUs. C: {@code bench/c/shm_spin.c}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
public class ShmSpinRoundTrip {
    static final long PING = 0;
    static final long PONG = 128;
    static final long SIZE = 4096;

    /** Only {@code cross}. */
    @Param("cross")
    public String placement;

    private String name;
    private SharedMemory shm;
    private Mapping mapping;
    private MemorySegment shared;
    private Peer peer;
    private long seq;

    /** Creates and maps the object, starts the peer. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        name = "/" + Names.unique("shm");
        shm = SharedMemory.create(name, SIZE);
        mapping = shm.map();
        shared = mapping.segment();
        peer = Peer.jvm(Placement.of(placement), ShmSpinPeer.class, name);
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
        SharedAtomics.putLongRelease(shared, PING, s);
        while (SharedAtomics.getLongAcquire(shared, PONG) != s) {
            Thread.onSpinWait();
        }
        return s;
    }

    /** Ends the peer, unmaps, closes and unlinks the object. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (peer != null) {
            peer.close();
        }
        if (mapping != null) {
            mapping.close();
        }
        if (shm != null) {
            shm.close();
        }
        SharedMemory.unlinkIfExists(name);
    }
}
