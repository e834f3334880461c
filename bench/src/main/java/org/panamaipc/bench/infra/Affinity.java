package org.panamaipc.bench.infra;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Pins the calling thread, or every thread of this JVM, to one CPU with
 * {@code sched_setaffinity}.
 *
 * <p>Benchmarks pin their own measuring thread (not the whole JVM: the JIT and GC threads
 * stay free to run elsewhere) and start their peer process under {@code taskset}. A
 * benchmark measured on a virtual thread pins the whole JVM instead ({@link Placement#pinBenchThread()}).
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
        if (!pin(0, cpu)) {
            throw new IllegalStateException("sched_setaffinity failed: cpu=" + cpu);
        }
    }

    /**
     * Pins every thread of this JVM to {@code cpu}, as {@code taskset} pins a peer: the
     * threads that exist now (listed in {@code /proc/self/task}), and so every thread they
     * start later, which inherits its creator's mask.
     *
     * @param cpu the CPU number
     * @throws IllegalStateException when the kernel refuses for a thread that still exists
     */
    public static void pinWholeProcess(int cpu) {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                int tid = Integer.parseInt(task.getFileName().toString());
                if (!pin(tid, cpu) && Files.exists(task)) { // a thread that ended meanwhile is no failure
                    throw new IllegalStateException("sched_setaffinity failed: tid=" + tid + " cpu=" + cpu);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean pin(int tid, int cpu) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES, 8);
            mask.set(JAVA_LONG, (cpu / 64) * 8L, 1L << (cpu % 64));
            return (int) SCHED_SETAFFINITY.invokeExact(tid, (long) MASK_BYTES, mask) == 0;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
