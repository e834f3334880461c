package org.panamaipc.bench.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.panamaipc.bench.infra.Jvm;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Sys;

/**
 * The cost of one downcall through the library's own syscall layer, where the kernel's
 * part is small: {@code syscall(SYS_getpid)} and a 1-byte {@code write} to /dev/null, each
 * linked normally and {@code critical} (no thread-state transition). C: {@code bench/c/syscall.c}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
public class FfmCallBench {
    private static final long SYS_GETPID = LibC.SYS_getpid();

    private Arena arena;
    private MemorySegment oneByte;
    private int devNull;

    /** Opens /dev/null. */
    @Setup(Level.Trial)
    public void open() {
        arena = Arena.ofConfined();
        oneByte = arena.allocate(1);
        int fd = Sys.open(arena.allocateFrom("/dev/null"), LibC.O_WRONLY() | LibC.O_CLOEXEC(), 0);
        if (fd < 0) {
            throw new IllegalStateException("open(/dev/null): errno=" + -fd);
        }
        devNull = fd;
    }

    /** Runs on the CPU the C program runs on. */
    @Setup(Level.Iteration)
    public void pin() {
        Placement.SAME.pinBenchThread();
    }

    /** Closes /dev/null. */
    @TearDown(Level.Trial)
    public void close() {
        Sys.close(devNull);
        arena.close();
    }

    /** {@return the pid} through {@code Sys.syscall}: a blocking-capable downcall. */
    @Benchmark
    public long getpidSyscall() {
        return Sys.syscall(SYS_GETPID);
    }

    /** {@return the pid} through {@code Sys.syscallNonBlocking}: a critical downcall. */
    @Benchmark
    public long getpidSyscallCritical() {
        return Sys.syscallNonBlocking(SYS_GETPID);
    }

    /** {@return 1} writing one byte to /dev/null through {@code Sys.write}. */
    @Benchmark
    public long writeDevNull() {
        return Sys.write(devNull, oneByte, 1);
    }

    /** {@return 1} writing one byte to /dev/null through {@code Sys.writeNonBlocking} (critical). */
    @Benchmark
    public long writeDevNullCritical() {
        return Sys.writeNonBlocking(devNull, oneByte, 1);
    }
}
