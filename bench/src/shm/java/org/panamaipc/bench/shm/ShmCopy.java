package org.panamaipc.bench.shm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.SharedMemory;

/**
 * Copy bandwidth into and out of shared memory, one process on CPU 0: a POSIX shared memory
 * object of {@code size} bytes ({@code SharedMemory.create}, {@code map()}) and a
 * private native buffer of the same size ({@code Arena.ofShared().allocate(size, 64)});
 * {@code MemorySegment.copy} of the whole buffer into the mapping ({@code copyIn}) or out of
 * it ({@code copyOut}), in ns per copy. Both are touched first, so no page fault is measured.
 * C: {@code bench/c/shm_copy.c} ({@code memcpy}, modes {@code in.SIZE} and {@code out.SIZE}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
public class ShmCopy {
    /** Bytes per copy. */
    @Param({"64", "4096", "65536", "1048576"})
    public int size;

    private final Arena arena = Arena.ofShared();
    private String name;
    private SharedMemory shm;
    private Mapping mapping;
    private MemorySegment shared;
    private MemorySegment local;

    /**
     * Creates, maps and touches the object and the private buffer.
     *
     * @throws Exception when the object cannot be created or mapped
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        name = "/" + Names.unique("shmcopy");
        shm = SharedMemory.create(name, size);
        mapping = shm.map();
        shared = mapping.segment();
        local = arena.allocate(size, 64);
        local.fill((byte) 1);
        shared.fill((byte) 2);
    }

    /** Pins the measuring thread to CPU 0, as the C program runs. */
    @Setup(Level.Iteration)
    public void pin() {
        Placement.SAME.pinBenchThread();
    }

    /** {@return the mapping} after copying the private buffer into it. */
    @Benchmark
    public MemorySegment copyIn() {
        MemorySegment.copy(local, 0, shared, 0, size);
        return shared;
    }

    /** {@return the private buffer} after copying the mapping into it. */
    @Benchmark
    public MemorySegment copyOut() {
        MemorySegment.copy(shared, 0, local, 0, size);
        return local;
    }

    /**
     * Unmaps, closes and unlinks the object.
     *
     * @throws Exception when it cannot be removed
     */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            if (mapping != null) {
                mapping.close();
            }
            if (shm != null) {
                shm.close();
            }
            SharedMemory.unlinkIfExists(name);
        } finally {
            arena.close();
        }
    }
}
