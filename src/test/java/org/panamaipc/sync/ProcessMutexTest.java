package org.panamaipc.sync;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.panamaipc.Errno;
import org.panamaipc.ErrnoException;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.Memfd;
import org.panamaipc.testing.Blocked;
import org.panamaipc.testing.BlockingChecks;
import org.panamaipc.testing.Deadline;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerJvm;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.TestRun;

@IpcTest
class ProcessMutexTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void lockTryLockAndUnlock() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment s = arena.allocate(256, 8);
            try (ProcessMutex mutex = ProcessMutex.initialize(s, 64)) {
                assertThat(mutex.lock()).isEqualTo(LockState.ACQUIRED);
                CompletableFuture<LockState> other = CompletableFuture.supplyAsync(() -> {
                    try (ProcessMutex second = ProcessMutex.attach(s, 64)) {
                        return second.tryLock();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                assertThat(other.get(10, TimeUnit.SECONDS)).isNull();
                CompletableFuture<LockState> timed = CompletableFuture.supplyAsync(() -> {
                    try (ProcessMutex second = ProcessMutex.attach(s, 64)) {
                        return second.tryLock(Duration.ofMillis(50));
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                assertThat(timed.get(10, TimeUnit.SECONDS)).isNull();
                mutex.unlock();
                assertThatThrownBy(mutex::unlock).isInstanceOf(IOException.class)
                        .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EPERM));
                assertThat(mutex.tryLock(Duration.ofMillis(10))).isEqualTo(LockState.ACQUIRED);
                mutex.unlock();
                mutex.destroy();
                assertThatThrownBy(() -> ProcessMutex.attach(s, 64)).isInstanceOf(IllegalStateException.class);
            }
        }
    }

    @Test
    void memoryThatHoldsNoMutexIsRefused() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(256, 8);
            assertThatThrownBy(() -> ProcessMutex.attach(s, 0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no initialised ProcessMutex").hasMessageContaining("magic=0x0");
            assertThatThrownBy(() -> ProcessMutex.initialize(s, 4))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8-byte aligned");
            assertThatThrownBy(() -> ProcessMutex.initialize(s, 256 - 40))
                    .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("too small");
            assertThatThrownBy(() -> ProcessMutex.initialize(s.asSlice(0, ProcessMutex.SIZE - 1), 0))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> ProcessCondition.attach(s, 0)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> ProcessCondition.initialize(s, 250))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> UnnamedSemaphore.attach(s, 0)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aMutexIsNotTakenForACondition() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(256, 8);
            try (ProcessMutex mutex = ProcessMutex.initialize(s, 0)) {
                assertThatThrownBy(() -> ProcessCondition.attach(s, 0))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("ProcessCondition");
                mutex.destroy();
            }
        }
    }

    @Test
    void aPeerKilledHoldingTheMutexIsReportedAndTheRepairedMutexWorksAgain() throws Exception {
        try (Memfd shm = PingPong.sealedMemory(4096); Mapping m = shm.map();
             ProcessMutex mutex = ProcessMutex.initialize(m.segment(), 0)) {
            MemorySegment s = m.segment();
            try (PeerProcess peer = PeerJvm.start(SyncPeer.class, "mutex-hold", PingPong.peerPath(shm), "0")) {
                peer.expectLine("ACQUIRED");
                peer.expectLine("held");
                assertThat(mutex.tryLock()).isNull();
                peer.kill9();
            }
            assertThat(mutex.tryLock(WAIT)).isEqualTo(LockState.OWNER_DIED);
            s.set(JAVA_LONG, 512, 42); // repair
            mutex.markConsistent();
            mutex.unlock();
            assertThat(mutex.lock()).isEqualTo(LockState.ACQUIRED);
            mutex.unlock();
            try (PeerProcess peer = PeerJvm.start(SyncPeer.class, "mutex-hold", PingPong.peerPath(shm), "0")) {
                peer.expectLine("ACQUIRED"); // consistent again for other processes too
                peer.expectLine("held");
            }
        }
    }

    @Test
    void aMutexNobodyRepairsBecomesNotRecoverable() throws Exception {
        try (Memfd shm = PingPong.sealedMemory(4096); Mapping m = shm.map();
             ProcessMutex mutex = ProcessMutex.initialize(m.segment(), 0)) {
            try (PeerProcess peer = PeerJvm.start(SyncPeer.class, "mutex-hold", PingPong.peerPath(shm), "0")) {
                peer.expectLine("ACQUIRED");
                peer.expectLine("held");
                peer.kill9();
            }
            assertThat(mutex.lock()).isEqualTo(LockState.OWNER_DIED);
            mutex.unlock(); // without markConsistent
            assertThatThrownBy(mutex::lock)
                    .isInstanceOf(MutexNotRecoverableException.class)
                    .hasMessageContaining("ENOTRECOVERABLE");
            assertThatThrownBy(mutex::tryLock).isInstanceOf(MutexNotRecoverableException.class);
            try (PeerProcess peer = PeerJvm.start(SyncPeer.class, "mutex-hold", PingPong.peerPath(shm), "0")) {
                assertThat(peer.waitFor()).isNotZero();
                assertThat(peer.stderr()).contains("MutexNotRecoverableException");
            }
        }
    }

    @Test
    void aThreadOfThisProcessThatDiesHoldingTheMutexIsReportedToo() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment s = arena.allocate(256, 8);
            try (ProcessMutex mutex = ProcessMutex.initialize(s, 0)) {
                Thread holder = Thread.ofPlatform().start(() -> {
                    try {
                        mutex.lock();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                holder.join(10_000);
                assertThat(mutex.tryLock(WAIT)).isEqualTo(LockState.OWNER_DIED);
                mutex.markConsistent();
                mutex.unlock();
            }
        }
    }

    @Test
    void theUncontendedFastPathReportsADeadOwnerAndKeepsTheContracts() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment s = arena.allocate(256, 8);
            try (ProcessMutex mutex = ProcessMutex.initialize(s, 0)) {
                for (int round = 0; round < 2; round++) { // tryLock() then lock(), each the one-call fast path
                    long[] tid = new long[1];
                    Thread holder = Thread.ofPlatform().start(() -> {
                        tid[0] = org.panamaipc.internal.Sys.syscall(org.panamaipc.bindings.LibC.SYS_gettid());
                        try {
                            assertThat(mutex.lock()).isEqualTo(LockState.ACQUIRED);
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    });
                    holder.join(10_000);
                    // the kernel marks the owner dead when the thread itself is gone, after join returns
                    java.nio.file.Path task = java.nio.file.Path.of("/proc/self/task/" + tid[0]);
                    Deadline.after(WAIT).await(() -> !java.nio.file.Files.exists(task), "the holder thread has exited");
                    assertThat(round == 0 ? mutex.tryLock() : mutex.lock()).isEqualTo(LockState.OWNER_DIED);
                    mutex.markConsistent();
                    mutex.unlock();
                }
                assertThat(mutex.tryLock()).isEqualTo(LockState.ACQUIRED);
                mutex.unlock();
                assertThatThrownBy(mutex::unlock).isInstanceOf(ErrnoException.class).hasMessageContaining("EPERM");
                Thread.currentThread().interrupt(); // an interrupted thread takes nothing, even a free mutex
                try {
                    assertThatThrownBy(mutex::lock).isInstanceOf(InterruptedIOException.class);
                } finally {
                    Thread.interrupted();
                }
                assertThat(mutex.tryLock()).isEqualTo(LockState.ACQUIRED); // it was not taken
                mutex.close();
                assertThatThrownBy(mutex::unlock).isInstanceOf(IllegalStateException.class);
                assertThatThrownBy(mutex::lock).isInstanceOf(IllegalStateException.class);
                assertThatThrownBy(mutex::tryLock).isInstanceOf(IllegalStateException.class);
                ProcessMutex again = ProcessMutex.attach(s, 0);
                again.unlock(); // the same thread holds it still
                again.close();
            }
        }
    }

    @Test
    void closeReleasesAThreadWaitingForTheLock() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment s = arena.allocate(256, 8);
            ProcessMutex mutex = ProcessMutex.initialize(s, 0);
            try (ProcessMutex owner = ProcessMutex.attach(s, 0)) {
                owner.lock();
                CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                    try {
                        mutex.lock();
                        return null;
                    } catch (Throwable t) {
                        return t;
                    }
                });
                Deadline.after(WAIT).await(() -> inNative("mutexTimedlock"), "the thread waits for the lock");
                assertThat(outcome).isNotDone();
                mutex.close();
                assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(AsynchronousCloseException.class);
                assertThatThrownBy(mutex::tryLock).isInstanceOf(IllegalStateException.class);
                owner.unlock();
            }
        }
    }

    static boolean inNative(String method) {
        return Thread.getAllStackTraces().values().stream()
                .anyMatch(trace -> trace.length > 0 && java.util.Arrays.stream(trace)
                        .anyMatch(f -> f.getMethodName().equals(method)));
    }

    @Test
    void useAfterTheMappingIsClosedThrowsInsteadOfCrashing() throws IOException {
        ProcessMutex mutex;
        try (Arena arena = Arena.ofConfined()) {
            mutex = ProcessMutex.initialize(arena.allocate(256, 8), 0);
        }
        assertThatThrownBy(mutex::lock).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void conditionSignalsAWaiterAndTimesOut() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment s = arena.allocate(512, 8);
            try (ProcessMutex mutex = ProcessMutex.initialize(s, 0);
                 ProcessCondition condition = ProcessCondition.initialize(s, 64)) {
                mutex.lock();
                assertThat(condition.await(mutex, Duration.ofMillis(50))).isNull();
                mutex.unlock();
                CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(() -> {
                    try {
                        mutex.lock();
                        try {
                            while (s.get(JAVA_LONG, 256) == 0) {
                                condition.await(mutex, WAIT);
                            }
                            return s.get(JAVA_LONG, 256);
                        } finally {
                            mutex.unlock();
                        }
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                mutex.lock();
                s.set(JAVA_LONG, 256, 7);
                condition.signalAll();
                mutex.unlock();
                assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(7);
                assertThatThrownBy(() -> condition.await(mutex, Duration.ofSeconds(-1)))
                        .isInstanceOf(IllegalArgumentException.class);
                condition.destroy();
                mutex.destroy();
            }
        }
    }

    @Test
    void anUntimedAwaitReturnsAsASpuriousWakeUpSoThatALostSignalCannotStrandTheWaiter() throws Exception {
        // glibc before 2.41 can lose a pthread_cond_signal (bug 25847): a waiter that looks at its
        // predicate again after each slice is delayed, never stranded
        try (Arena arena = Arena.ofShared()) {
            MemorySegment s = arena.allocate(512, 8);
            try (ProcessMutex mutex = ProcessMutex.initialize(s, 0);
                 ProcessCondition condition = ProcessCondition.initialize(s, 64)) {
                CompletableFuture<LockState> waiter = CompletableFuture.supplyAsync(() -> {
                    try {
                        mutex.lock();
                        try {
                            return condition.await(mutex); // nobody signals
                        } finally {
                            mutex.unlock();
                        }
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(LockState.ACQUIRED);
                assertThat(mutex.tryLock()).isEqualTo(LockState.ACQUIRED); // the waiter let it go
                mutex.unlock();
                condition.destroy();
                mutex.destroy();
            }
        }
    }

    @Test
    void closingTheConditionReleasesAWaiterWithTheMutexHeldAgain() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment s = arena.allocate(512, 8);
            try (ProcessMutex mutex = ProcessMutex.initialize(s, 0)) {
                ProcessCondition condition = ProcessCondition.initialize(s, 64);
                CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                    try {
                        mutex.lock();
                        try {
                            condition.await(mutex);
                            return null;
                        } catch (Throwable t) {
                            return t;
                        } finally {
                            mutex.unlock(); // held again even though await threw
                        }
                    } catch (IOException e) {
                        return new AssertionError("unlock failed", e);
                    }
                });
                Deadline.after(WAIT).await(() -> inNative("condTimedwait"), "the thread waits on the condition");
                condition.close();
                assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(AsynchronousCloseException.class);
                assertThat(mutex.tryLock()).isEqualTo(LockState.ACQUIRED);
                mutex.unlock();
            }
        }
    }

    @Test
    void aWaiterLearnsThatAPeerDiedHoldingTheMutexWhenItWakes() throws Exception {
        try (Memfd shm = PingPong.sealedMemory(4096); Mapping m = shm.map();
             ProcessMutex mutex = ProcessMutex.initialize(m.segment(), 0);
             ProcessCondition condition = ProcessCondition.initialize(m.segment(), 64)) {
            CompletableFuture<Void> locked = new CompletableFuture<>();
            CompletableFuture<LockState> woken = CompletableFuture.supplyAsync(() -> {
                try {
                    mutex.lock();
                    locked.complete(null);
                    // the wait releases the mutex, so the peer gets it; waking needs it back.
                    // A wake-up before the peer died (spurious, or the peer not there yet) finds
                    // the mutex as it was: wait on, as a caller looping on its predicate does.
                    long end = System.nanoTime() + WAIT.toNanos();
                    LockState s;
                    do {
                        s = condition.await(mutex, WAIT);
                    } while (s == LockState.ACQUIRED && System.nanoTime() - end < 0);
                    if (s == LockState.OWNER_DIED) {
                        mutex.markConsistent();
                    }
                    mutex.unlock();
                    return s;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            locked.get(10, TimeUnit.SECONDS);
            try (PeerProcess peer = PeerJvm.start(SyncPeer.class, "mutex-hold", PingPong.peerPath(shm), "0")) {
                peer.expectLine("ACQUIRED");
                peer.expectLine("held");
                peer.kill9();
            }
            condition.signal();
            assertThat(woken.get(20, TimeUnit.SECONDS)).isEqualTo(LockState.OWNER_DIED);
            assertThat(mutex.tryLock()).isEqualTo(LockState.ACQUIRED);
            mutex.unlock();
        }
    }

    @Test
    void awaitingWithoutHoldingTheMutexFailsWithEperm() throws IOException {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment s = arena.allocate(512, 8);
            try (ProcessMutex mutex = ProcessMutex.initialize(s, 0);
                 ProcessCondition condition = ProcessCondition.initialize(s, 64)) {
                assertThatThrownBy(() -> condition.await(mutex, Duration.ofMillis(10)))
                        .isInstanceOf(IOException.class)
                        .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EPERM));
            }
        }
    }

    @Test
    void aPeerJvmPlaysPingPongTenThousandTimesThroughMutexAndCondition() throws IOException {
        try (Memfd shm = PingPong.sealedMemory(PingPong.SHM_SIZE); Mapping m = shm.map()) {
            ProcessMutex.initialize(m.segment(), 128).close();
            ProcessCondition.initialize(m.segment(), 64).close();
            try (PeerProcess peer = PeerJvm.start(SyncPeer.class, "pingpong", "mutex", "10000", PingPong.peerPath(shm));
                 PingPong.Turns turns = PingPong.mutexAndCondition(m.segment(), true)) {
                peer.expectReady();
                PingPong.play(turns, m.segment(), 10_000, true);
                peer.expectLine("done");
            }
        }
    }

    @Test
    void closingAConditionWhileHoldingItsMutexDoesNotWaitForTheWaiter() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment s = arena.allocate(512, 8);
            try (ProcessMutex mutex = ProcessMutex.initialize(s, 0);
                 ProcessCondition condition = ProcessCondition.initialize(s, 64)) {
                Blocked<LockState> waiter = Blocked.start(BlockingChecks.FUTEX, () -> {
                    mutex.lock();
                    try {
                        return condition.await(mutex);
                    } finally {
                        mutex.unlock();
                    }
                });
                Deadline.after(Duration.ofSeconds(10)).await(() -> condition.waiting() == 1, "the waiter waits");
                assertThat(mutex.lock()).isEqualTo(LockState.ACQUIRED); // what the waiter needs to leave
                CompletableFuture<Void> closing = CompletableFuture.runAsync(condition::close);
                assertThat(closing).succeedsWithin(Duration.ofSeconds(5)); // it used to wait for the waiter
                assertThat(waiter.result()).isNotDone();
                mutex.unlock();
                assertThatThrownBy(() -> waiter.get(Duration.ofSeconds(5)))
                        .hasCauseInstanceOf(AsynchronousCloseException.class);
                mutex.destroy();
            }
        }
    }

    @Test
    void interruptEndsALockWithoutHoldingTheMutex() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment s = arena.allocate(256, 8);
            try (ProcessMutex mutex = ProcessMutex.initialize(s, 0); ProcessMutex owner = ProcessMutex.attach(s, 0)) {
                owner.lock();
                BlockingChecks.interruptEndsTheCallPromptly(BlockingChecks.FUTEX, mutex::waiting, mutex::lock,
                        InterruptedIOException.class);
                BlockingChecks.interruptEndsTheCallPromptly(BlockingChecks.FUTEX, mutex::waiting, () -> mutex.tryLock(WAIT),
                        InterruptedIOException.class);
                owner.unlock();
                assertThat(mutex.isOpen()).isTrue();
                // not held by the interrupted threads (which ended): free for anyone
                assertThat(mutex.tryLock()).isEqualTo(LockState.ACQUIRED);
                mutex.unlock();
                mutex.destroy();
            }
        }
    }

    @Test
    void interruptEndsAConditionWaitWithTheMutexHeldAgain() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment s = arena.allocate(512, 8);
            try (ProcessMutex mutex = ProcessMutex.initialize(s, 0);
                 ProcessCondition condition = ProcessCondition.initialize(s, 64)) {
                BlockingChecks.interruptEndsTheCallPromptly(BlockingChecks.FUTEX, condition::waiting, () -> {
                    mutex.lock();
                    try {
                        return condition.await(mutex);
                    } finally {
                        mutex.unlock(); // EPERM, masking the interrupt, if the mutex were not held again
                    }
                }, InterruptedIOException.class);
                assertThat(condition.isOpen()).isTrue();
                assertThat(mutex.tryLock()).isEqualTo(LockState.ACQUIRED);
                assertThat(condition.await(mutex, Duration.ofMillis(20))).isNull();
                mutex.unlock();
                condition.destroy();
                mutex.destroy();
            }
        }
    }
}
