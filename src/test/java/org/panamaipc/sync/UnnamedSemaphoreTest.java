package org.panamaipc.sync;

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
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.Memfd;
import org.panamaipc.shm.SysVSharedMemory;
import org.panamaipc.testing.BlockingChecks;
import org.panamaipc.testing.Deadline;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerJvm;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.TestRun;

@IpcTest
class UnnamedSemaphoreTest {
    @Test
    void worksInAMemfdLikeANamedOne() throws IOException {
        try (Memfd memfd = PingPong.sealedMemory(4096); Mapping m = memfd.map();
             UnnamedSemaphore sem = UnnamedSemaphore.initialize(m.segment(), 8, 1)) {
            assertThat(sem.value()).isEqualTo(1);
            sem.acquire();
            assertThat(sem.tryAcquire()).isFalse();
            assertThat(sem.tryAcquire(Duration.ofMillis(30))).isFalse();
            try (UnnamedSemaphore again = UnnamedSemaphore.attach(m.segment(), 8)) {
                again.release();
            }
            assertThat(sem.tryAcquire(Duration.ofSeconds(1))).isTrue();
            sem.destroy();
            assertThatThrownBy(() -> UnnamedSemaphore.attach(m.segment(), 8))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void worksInSystemVSharedMemoryAcrossTwoAttachments() throws IOException {
        SysVSharedMemory shm = SysVSharedMemory.createPrivate(4096);
        try (Mapping first = shm.attach(); Mapping second = shm.attach()) {
            shm.remove(); // destroyed when the last attachment goes
            try (UnnamedSemaphore a = UnnamedSemaphore.initialize(first.segment(), 128, 0);
                 UnnamedSemaphore b = UnnamedSemaphore.attach(second.segment(), 128)) {
                a.release();
                assertThat(b.tryAcquire(Duration.ofSeconds(1))).isTrue();
                assertThat(a.value()).isZero();
            }
        }
    }

    @Test
    void badArgumentsAreRejected() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(64, 8);
            assertThatThrownBy(() -> UnnamedSemaphore.initialize(s, 0, -1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SEM_VALUE_MAX");
            assertThatThrownBy(() -> UnnamedSemaphore.initialize(s, 12, 0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> UnnamedSemaphore.initialize(s, 32, 0))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void closeReleasesAWaiter() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            UnnamedSemaphore sem = UnnamedSemaphore.initialize(arena.allocate(64, 8), 0, 0);
            CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                try {
                    sem.acquire();
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            Deadline.after(Duration.ofSeconds(10)).await(() -> ProcessMutexTest.inNative("semWait"), "waits");
            sem.close();
            assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(AsynchronousCloseException.class);
        }
    }

    @Test
    void aPeerJvmPlaysPingPongTenThousandTimes() throws IOException {
        try (Memfd shm = PingPong.sealedMemory(PingPong.SHM_SIZE); Mapping m = shm.map()) {
            UnnamedSemaphore.initialize(m.segment(), 0, 0).close();
            UnnamedSemaphore.initialize(m.segment(), 64, 0).close();
            try (PeerProcess peer = PeerJvm.start(SyncPeer.class, "pingpong", "unnamed", "10000", PingPong.peerPath(shm));
                 PingPong.Turns turns = PingPong.unnamed(m.segment(), true)) {
                peer.expectReady();
                PingPong.play(turns, m.segment(), 10_000, true);
                peer.expectLine("done");
            }
        }
    }

    @Test
    void interruptEndsAnAcquireTakingNothingAndTheSemaphoreStaysUsable() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            UnnamedSemaphore sem = UnnamedSemaphore.initialize(arena.allocate(64, 8), 0, 0);
            BlockingChecks.interruptEndsTheCallPromptly(BlockingChecks.FUTEX, sem::waiting, () -> {
                sem.acquire();
                return null;
            }, InterruptedIOException.class);
            BlockingChecks.interruptEndsTheCallPromptly(BlockingChecks.FUTEX, sem::waiting, () -> sem.tryAcquire(Duration.ofSeconds(30)),
                    InterruptedIOException.class);
            assertThat(sem.isOpen()).isTrue();
            sem.release();
            assertThat(sem.value()).isEqualTo(1); // the interrupted acquires took nothing
            sem.acquire();
            sem.destroy();
        }
    }

    @Test
    void theUncontendedFastPathKeepsTheContracts() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            UnnamedSemaphore sem = UnnamedSemaphore.initialize(arena.allocate(64, 8), 0, 1);
            Thread.currentThread().interrupt(); // an interrupted thread takes nothing, even a unit that is there
            try {
                assertThatThrownBy(sem::acquire).isInstanceOf(InterruptedIOException.class);
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
            assertThat(sem.value()).isEqualTo(1);
            assertThat(sem.tryAcquire()).isTrue();
            assertThat(sem.tryAcquire()).isFalse();
            sem.release();
            assertThat(sem.tryAcquire(Duration.ZERO)).isTrue();
            sem.close();
            try (UnnamedSemaphore full = UnnamedSemaphore.initialize(arena.allocate(64, 8), 0, NamedSemaphore.MAX_VALUE)) {
                // the fast post fails without errno: the full way names it
                assertThatThrownBy(full::release).isInstanceOf(IOException.class).hasMessageContaining("EOVERFLOW");
                assertThat(full.value()).isEqualTo(NamedSemaphore.MAX_VALUE);
            }
            assertThatThrownBy(sem::acquire).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            assertThatThrownBy(sem::tryAcquire).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(sem::release).isInstanceOf(IllegalStateException.class);
        }
    }
}
