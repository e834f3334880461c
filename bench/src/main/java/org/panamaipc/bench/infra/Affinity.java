package org.panamaipc.bench.infra;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Pins the calling thread to one CPU with {@code sched_setaffinity(0, ...)}.
 *
 * <p>Benchmarks pin their own measuring thread (not the whole JVM: the JIT and GC threads
 * stay free to run elsewhere) and start their peer process under {@code taskset}.
 */
public final class Affinity {
    private static final int MASK_BYTES = 128; // cpu_set_t: 1024 CPUs
    private static final MethodHandle SCHED_SETAFFINITY = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("sched_setaffinity").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));

    private Affinity() {
    }

    /**
     * Pins the calling thread to {@code cpu}.
     *
     * @param cpu the CPU number
     * @throws IllegalStateException when the kernel refuses (e.g. the CPU is not allowed)
     */
    public static void pinCurrentThread(int cpu) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES, 8);
            mask.set(JAVA_LONG, (cpu / 64) * 8L, 1L << (cpu % 64));
            int r = (int) SCHED_SETAFFINITY.invokeExact(0, (long) MASK_BYTES, mask);
            if (r != 0) {
                throw new IllegalStateException("sched_setaffinity failed: cpu=" + cpu);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
