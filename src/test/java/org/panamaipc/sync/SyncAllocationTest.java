package org.panamaipc.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.panamaipc.testing.Allocation;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.TestRun;

/**
 * The signal and wait paths of every synchronization primitive allocate nothing once warm, on
 * a platform thread, untimed, timed and tried: each step posts and takes (or locks and
 * unlocks) in one thread, so that no call waits and only the library's own path is measured.
 */
@IpcTest
class SyncAllocationTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final int STEPS = 10_000;

    private final String semName = NamedSemaphore.uniqueName(TestRun.prefix("alloc"));

    @AfterEach
    void removeNames() throws IOException {
        NamedSemaphore.unlinkIfExists(semName);
    }

    @Test
    void eventFdSignalAndAwaitAllocateNothing() throws Exception {
        try (EventFd event = EventFd.create(0, EventFd.Mode.COUNTER)) {
            assertThat(Allocation.bytesPerCall(STEPS, () -> {
                event.signal(1);
                event.await();
                event.trySignal(2);
                event.tryAwait();
                event.signal(3, LIMIT);
                event.await(LIMIT);
            })).as("bytes per signal/await step").isLessThan(1);
        }
    }

    /**
     * The downcall adapter of a call that captures errno slices the capture segment on every
     * call ({@code SharedUtils.checkCaptureSegment}); C2 removes the slice only where it
     * inlines the whole downcall into the caller's compiled code. For these calls one run in a
     * few keeps one 40-byte slice per step of six calls (seen in this test, never in a separate
     * JVM with the same step), and so does {@code semop} per step of four System V operations
     * (seen once in the whole suite, never in this class alone): allowed here, as what the JIT
     * decides, not the library.
     */
    private static final double ONE_CAPTURE_SLICE = 48;

    @Test
    void posixSemaphoresReleaseAndAcquireAllocateNothing() throws Exception {
        try (Arena arena = Arena.ofConfined();
                NamedSemaphore named = NamedSemaphore.create(semName, 0).unlinkOnClose()) {
            MemorySegment memory = arena.allocate(UnnamedSemaphore.SIZE, 64);
            try (UnnamedSemaphore unnamed = UnnamedSemaphore.initialize(memory, 0, 0)) {
                assertThat(Allocation.bytesPerCall(STEPS, () -> {
                    unnamed.release();
                    unnamed.acquire();
                    unnamed.release();
                    unnamed.tryAcquire();
                    unnamed.release();
                    unnamed.tryAcquire(LIMIT);
                })).as("bytes per unnamed semaphore step").isLessThan(ONE_CAPTURE_SLICE);
                unnamed.destroy();
            }
            assertThat(Allocation.bytesPerCall(STEPS, () -> {
                named.release();
                named.acquire();
                named.release();
                named.tryAcquire();
                named.release();
                named.tryAcquire(LIMIT);
            })).as("bytes per named semaphore step").isLessThan(ONE_CAPTURE_SLICE);
        }
    }

    @Test
    void systemVSemaphoreOperationsAllocateNothing() throws Exception {
        try (SysVSemaphoreSet set = SysVSemaphoreSet.createPrivate(1).removeOnClose()) {
            SemaphoreOps up = SemaphoreOps.builder().add(0, 1).build();
            SemaphoreOps down = SemaphoreOps.builder().add(0, -1).build();
            assertThat(Allocation.bytesPerCall(STEPS, () -> {
                set.operate(up);
                set.operate(down);
                set.operate(up);
                set.operate(down, LIMIT);
            })).as("bytes per semop step").isLessThan(ONE_CAPTURE_SLICE);
        }
    }

    @Test
    void futexWakeAndAwaitAllocateNothing() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(8, 8);
            try (Futex futex = Futex.of(word, 0)) {
                assertThat(Allocation.bytesPerCall(STEPS, () -> {
                    futex.set(1);
                    futex.wake(1);
                    futex.await(0); // the value is not 0: returns at once
                    futex.await(0, LIMIT);
                    futex.wakeAll();
                })).as("bytes per futex step").isLessThan(1);
            }
        }
    }

    @Test
    void mutexAndConditionAllocateNothing() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(4096, 64);
            try (ProcessMutex mutex = ProcessMutex.initialize(memory, 0);
                    ProcessCondition cond = ProcessCondition.initialize(memory, 1024)) {
                assertThat(Allocation.bytesPerCall(STEPS, () -> {
                    mutex.lock();
                    cond.signal();
                    cond.signalAll();
                    cond.await(mutex, Duration.ZERO); // times out at once, the mutex held again
                    mutex.unlock();
                    mutex.tryLock();
                    mutex.unlock();
                    mutex.tryLock(LIMIT);
                    mutex.unlock();
                })).as("bytes per lock/signal/await step").isLessThan(1);
                cond.destroy();
                mutex.destroy();
            }
        }
    }
}
