package org.panamaipc.bench.process;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
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
import org.panamaipc.pipe.Pipe;
import org.panamaipc.process.ChildProcess;
import org.panamaipc.process.PidFd;
import org.panamaipc.process.ProcessMemory;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.SharedMemory;

/**
 * Moving {@code size} bytes that live in another process into this one, in ns per transfer:
 * {@code cma} reads them in place ({@code ProcessMemory.read}, {@code process_vm_readv}: one
 * copy); {@code shm} asks the peer (1 byte on a pipe), which copies them into a POSIX shared
 * memory object and answers, and copies them out (two copies and a round trip); {@code pipe}
 * reads them from a pipe the peer keeps writing (two copies through the kernel's pipe buffer).
 * The peer ({@link TransferPeer}) runs on CPU 1, this thread on CPU 0. C: {@code bench/c/xfer.c}
 * (modes {@code cma.SIZE}, {@code shm.SIZE}, {@code pipe.SIZE}, and {@code vmsplice.SIZE}, which
 * has no Java row: the library does not offer {@code vmsplice}).
 *
 * <p><b>Warm-up.</b> A 16 MiB transfer takes milliseconds, so JMH's quick warm-up makes only a
 * few hundred of them: the path stays interpreted, and the JIT compiles it during the measured
 * iterations, its compiler threads busy beside the copy (measured: the path's methods were first
 * compiled in the third of four iterations). With 16 MiB read into 16 MiB, the copy's 32 MiB
 * fill the L3 cache (32 MiB), so anything else running meanwhile shows in its time. C has no
 * JIT to wait for; so before JMH's warm-up, {@link #setUp} makes {@value #WARM_UP_MOVES} moves of
 * {@value #WARM_UP_BYTES} bytes down the same path ({@link #move}), which the JIT compiles
 * then.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
public class Transfer {
    /** {@code cross} only: the bytes come from the other CPU. */
    @Param("cross")
    public String placement;

    /** How the bytes move: {@code cma}, {@code shm} or {@code pipe}. */
    @Param({"cma", "shm", "pipe"})
    public String mode;

    /** Bytes per transfer: 1 MiB or 16 MiB. */
    @Param({"1048576", "16777216"})
    public int size;

    /** Moves made before JMH's warm-up, of {@link #WARM_UP_BYTES} each (at most {@link #WARM_UP_NANOS}). */
    static final int WARM_UP_MOVES = 20_000;
    /** The size of a warm-up move. */
    static final int WARM_UP_BYTES = 4096;
    private static final long WARM_UP_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Arena arena = Arena.ofShared();
    private MemorySegment local;
    private MemorySegment one;
    private Pipe requests;
    private Pipe answers;
    private ChildProcess child;
    private String shmName;
    private SharedMemory shm;
    private Mapping mapping;
    private MemorySegment shared;
    private PidFd peer;
    private ProcessMemory memory;
    private long remote;

    /**
     * Starts the peer and sets up the mode's objects; everything touched first.
     *
     * @throws Exception when something cannot be set up
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Placement where = Placement.of(placement);
        local = arena.allocate(size, 64);
        local.fill((byte) 1);
        one = arena.allocate(1);
        String[] args = {mode, Integer.toString(size)};
        if (mode.equals("shm")) {
            shmName = "/" + Names.unique("xfer");
            shm = SharedMemory.create(shmName, size);
            mapping = shm.map();
            shared = mapping.segment();
            shared.fill((byte) 2);
            args = new String[] {mode, Integer.toString(size), shmName};
        }
        requests = Pipe.open();
        answers = Pipe.open();
        child = ChildProcess.builder(Peer.pinnedJvmCommand(where, TransferPeer.class, args))
                .mapFd(3, requests.source()).mapFd(4, answers.sink()).start();
        requests.source().close();
        answers.sink().close();
        MemorySegment hello = arena.allocate(16, 8);
        long got = 0;
        while (got < 16) {
            long r = answers.source().read(hello.asSlice(got), Duration.ofSeconds(60));
            if (r <= 0) {
                throw new EOFException("transfer peer did not become ready");
            }
            got += r;
        }
        if (hello.get(ValueLayout.JAVA_LONG, 0) != TransferPeer.READY) {
            throw new IOException("transfer peer sent a wrong ready token");
        }
        remote = hello.get(ValueLayout.JAVA_LONG, 8);
        peer = PidFd.open(child.pid());
        memory = ProcessMemory.of(peer);
        if (!mode.equals("shm")) { // a shm move is the peer's whole copy: its Java side is warm after a few
            MemorySegment small = local.asSlice(0, WARM_UP_BYTES);
            long end = System.nanoTime() + WARM_UP_NANOS;
            for (int i = 0; i < WARM_UP_MOVES && System.nanoTime() - end < 0; i++) {
                move(small);
            }
        }
    }

    /** Pins the measuring thread to CPU 0. */
    @Setup(Level.Iteration)
    public void pin() {
        Placement.of(placement).pinBenchThread();
    }

    /**
     * Moves one buffer.
     *
     * @return the local buffer
     * @throws IOException on a failure
     */
    @Benchmark
    public MemorySegment transfer() throws IOException {
        move(local);
        return local;
    }

    /**
     * Moves {@code into.byteSize()} bytes into {@code into} the mode's way ({@code shm}: the
     * whole buffer, with the peer's copy).
     *
     * @param into where the bytes go
     * @throws IOException on a failure
     */
    private void move(MemorySegment into) throws IOException {
        long length = into.byteSize();
        switch (mode) {
            case "cma" -> {
                if (memory.read(remote, into) != length) {
                    throw new IOException("short cross-memory read");
                }
            }
            case "shm" -> {
                requests.sink().write(one);
                if (answers.source().read(one) != 1) {
                    throw new EOFException("shm peer ended");
                }
                MemorySegment.copy(shared, 0, into, 0, length);
            }
            default -> {
                long got = 0;
                while (got < length) {
                    long r = answers.source().read(got == 0 ? into : into.asSlice(got));
                    if (r < 0) {
                        throw new EOFException("pipe peer ended");
                    }
                    got += r;
                }
            }
        }
    }

    /**
     * Ends the peer and closes and removes everything.
     *
     * @throws Exception when something cannot be closed
     */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            if (requests != null) {
                requests.close();
            }
            if (answers != null) {
                answers.close(); // a pipe peer gets EPIPE
            }
            if (child != null) {
                if (child.waitFor(Duration.ofSeconds(10)) == null) {
                    child.kill();
                    child.waitFor();
                }
                child.close();
            }
            if (peer != null) {
                peer.close();
            }
            if (mapping != null) {
                mapping.close();
            }
            if (shm != null) {
                shm.close();
                SharedMemory.unlinkIfExists(shmName);
            }
        } finally {
            arena.close();
        }
    }
}
