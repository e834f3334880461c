package org.panamaipc.bench.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.panamaipc.bench.infra.Affinity;
import org.panamaipc.bench.infra.Jvm;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.process.ChildProcess;
import org.panamaipc.process.SyscallStop;
import org.panamaipc.process.Trace;
import org.panamaipc.process.TraceEvent;
import org.panamaipc.process.TraceHandler;
import org.panamaipc.process.TraceOption;

/**
 * A traced child's system call, round trip: the child ({@code bench/c/ptrace.c} run as
 * {@code ptrace tracee}, built by {@code bench/run.sh}) calls {@code getppid} in a loop; from
 * the call's entry stop, a resume reaches its exit stop, and a second the next call's entry
 * stop. Each stop costs the tracer {@code PTRACE_SYSCALL}, one {@code waitid} and
 * {@code PTRACE_GET_SYSCALL_INFO}, as C's {@code syscall_info} mode does with {@code waitpid}.
 *
 * <ul>
 * <li>{@link #roundTrip}: {@code resume} then {@code next} from the measuring thread, each a
 *     hand-over to the trace's tracer thread (pinned, like the measuring thread, to the
 *     benchmark's CPU) and a wake-up back: four per round trip.</li>
 * <li>{@link #handler}: {@code Trace.drive} runs a handler on the tracer thread that resumes
 *     each stop there, {@value #ROUNDS} round trips per call (one hand-over for them all, as
 *     C's loop reads its clock every 64 operations).</li>
 * </ul>
 *
 * C: {@code bench/c/ptrace.c} ({@code syscall}: the bare {@code waitpid} loop;
 * {@code syscall_info}: with the same read at each stop, the like-for-like row).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
public class TraceRoundTrip {
    private static final Path TRACEE = Path.of("bench", "target", "c", "ptrace");
    /** Round trips per call of {@link #handler}. */
    static final int ROUNDS = 64;

    /** {@code cross} or {@code same}: see {@link Placement}. */
    @Param({"cross", "same"})
    public String placement;

    private Placement where;
    private ChildProcess tracee;
    private Trace trace;
    private TraceEvent stop;
    private int stopsLeft;
    private TraceHandler twoStopsARound;

    /**
     * Starts the tracee pinned to the peer's CPU and traces it from its next system call; the
     * tracer thread starts pinned to the benchmark's CPU.
     *
     * @throws Exception when it cannot be started or traced
     */
    @Setup(Level.Trial)
    public void start() throws Exception {
        where = Placement.of(placement);
        if (!Files.isExecutable(TRACEE)) {
            throw new IllegalStateException(TRACEE + " is missing: bench/run.sh builds it before JMH runs");
        }
        where.pinBenchThread(); // the tracer thread made below inherits the CPU
        tracee = ChildProcess.builder("taskset", "-c", Integer.toString(where.peerCpu()),
                TRACEE.toAbsolutePath().toString(), "tracee").start();
        waitUntilPinned();
        trace = Trace.attach(tracee, TraceOption.SYSCALLS);
        stop = trace.next(Duration.ofSeconds(10));
        if (!(stop instanceof SyscallStop)) {
            throw new IllegalStateException("the tracee's first stop is " + stop);
        }
        twoStopsARound = e -> {
            if (--stopsLeft == 0) {
                return false; // the next round's entry stop: left stopped
            }
            trace.resume(e);
            return true;
        };
    }

    /** Waits until taskset has exec'd the tracee (so that the trace sees the loop, not taskset). */
    private void waitUntilPinned() throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Path exe = Path.of("/proc", Long.toString(tracee.pid()), "exe");
        while (!Files.readSymbolicLink(exe).getFileName().toString().equals("ptrace")) {
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException("the tracee never started");
            }
            Thread.onSpinWait();
        }
    }

    /** Pins the measuring thread before every iteration. */
    @Setup(Level.Iteration)
    public void pin() {
        Affinity.pinCurrentThread(where.benchCpu());
    }

    /**
     * One system call of the tracee, entry stop to next entry stop.
     *
     * @return the call's number
     * @throws Exception if the trace fails
     */
    @Benchmark
    public long roundTrip() throws Exception {
        trace.resume(stop);
        stop = trace.next(); // the exit stop
        trace.resume(stop);
        stop = trace.next(); // the next entry stop
        return ((SyscallStop) stop).number();
    }

    /**
     * {@value #ROUNDS} system calls of the tracee, entry stop to next entry stop, the stops
     * resumed by a handler on the tracer thread ({@code Trace.drive}).
     *
     * @return the last call's number
     * @throws Exception if the trace fails
     */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public long handler() throws Exception {
        stopsLeft = 2 * ROUNDS;
        trace.resume(stop);
        stop = trace.drive(twoStopsARound);
        return ((SyscallStop) stop).number();
    }

    /**
     * Ends the trace and the tracee.
     *
     * @throws Exception if the tracee cannot be ended
     */
    @TearDown(Level.Trial)
    public void end() throws Exception {
        if (trace != null) {
            trace.close();
        }
        if (tracee != null) {
            tracee.kill();
            tracee.waitFor(Duration.ofSeconds(10));
            tracee.close();
        }
    }
}
