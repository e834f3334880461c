package org.panamaipc.bench.sync;

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
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.sync.EventFd;
import org.panamaipc.sync.ProcessMutex;
import org.panamaipc.sync.SemaphoreOps;
import org.panamaipc.sync.SysVSemaphoreSet;
import org.panamaipc.sync.UnnamedSemaphore;

/**
 * Uncontended cost, one process on CPU 0: an acquire and a release that never wait, per
 * operation ({@code kind}): {@code semPosix} {@code UnnamedSemaphore.release()} +
 * {@code acquire()} (no system call: the C library's atomics), {@code semSysV}
 * {@code operate(+1)} + {@code operate(-1)} (two {@code semop}), {@code mutex}
 * {@code ProcessMutex.lock()} + {@code unlock()} (robust, process-shared: no system call),
 * {@code eventfd} {@code signal(1)} + {@code await()} ({@code write} + {@code read}).
 * C: the {@code uncontended} mode of {@code sem_posix.c}, {@code sem_sysv.c},
 * {@code mutex_cond.c} and {@code eventfd.c}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
public class SyncUncontended {
    /** Which primitive. */
    @Param({"semPosix", "semSysV", "mutex", "eventfd"})
    public String kind;

    private SharedObject shared;
    private UnnamedSemaphore sem;
    private SysVSemaphoreSet set;
    private final SemaphoreOps up = SemaphoreOps.of(0, 1);
    private final SemaphoreOps down = SemaphoreOps.of(0, -1);
    private ProcessMutex mutex;
    private EventFd eventFd;
    private int which; // kind as an index: no string switch in the measured method

    /** Creates the object {@code kind} names. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        which = java.util.List.of("semPosix", "semSysV", "mutex", "eventfd").indexOf(kind);
        switch (kind) {
            case "semPosix" -> {
                shared = new SharedObject();
                sem = UnnamedSemaphore.initialize(shared.segment(), SyncLayout.FIRST, 0);
            }
            case "semSysV" -> set = SysVSemaphoreSet.createPrivate(1);
            case "mutex" -> {
                shared = new SharedObject();
                mutex = ProcessMutex.initialize(shared.segment(), SyncLayout.FIRST);
            }
            case "eventfd" -> eventFd = EventFd.create(0, EventFd.Mode.COUNTER);
            default -> throw new IllegalArgumentException("kind=" + kind);
        }
    }

    /** Pins the measuring thread to CPU 0, as the C programs run. */
    @Setup(Level.Iteration)
    public void pin() {
        Placement.SAME.pinBenchThread();
    }

    /**
     * One release and one acquire (or lock and unlock).
     *
     * @return something from the operation
     * @throws Exception on an unexpected error
     */
    @Benchmark
    public long acquireRelease() throws Exception {
        switch (which) {
            case 0 -> {
                sem.release();
                sem.acquire();
                return 1;
            }
            case 1 -> {
                set.operate(up);
                return set.operate(down) ? 1 : 0;
            }
            case 2 -> {
                mutex.lock();
                mutex.unlock();
                return 1;
            }
            default -> {
                eventFd.signal(1);
                return eventFd.await();
            }
        }
    }

    /** Removes the object. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            if (set != null) {
                set.remove();
                set.close();
            }
            if (eventFd != null) {
                eventFd.close();
            }
        } finally {
            if (shared != null) {
                shared.close();
            }
        }
    }
}
