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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.SharedMemory;
import org.panamaipc.testing.BlockingChecks;
import org.panamaipc.testing.Deadline;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerJvm;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.TestRun;

@IpcTest
class FutexTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final String shmName = SharedMemory.uniqueName(TestRun.prefix("futex"));

    @AfterEach
    void unlink() throws IOException {
        SharedMemory.unlinkIfExists(shmName);
    }

    @Test
    void awaitReturnsAtOnceWhenTheWordDiffersAndTimesOutWhenItDoesNot() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(64, 8);
            try (Futex futex = Futex.of(s, 4)) {
                futex.set(1);
                assertThat(futex.await(0, WAIT)).isTrue(); // EAGAIN: the word is not 0
                assertThat(futex.await(1, Duration.ofMillis(30))).isFalse();
                assertThat(futex.wake(1)).isZero();
                assertThat(futex.compareAndSet(1, 2)).isTrue();
                assertThat(futex.getAndAdd(1)).isEqualTo(2);
                assertThat(futex.value()).isEqualTo(3);
            }
        }
    }

    @Test
    void badWordsAndArgumentsAreRejected() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(64, 8);
            assertThatThrownBy(() -> Futex.of(s, 2))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4-byte aligned");
            assertThatThrownBy(() -> Futex.of(s, 62)).isInstanceOf(IndexOutOfBoundsException.class);
            try (Futex futex = Futex.of(s, 0)) {
                assertThatThrownBy(() -> futex.await(0, Duration.ofNanos(-1)))
                        .isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> futex.wake(0)).isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @Test
    void closeReleasesAWaiter() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            Futex futex = Futex.of(arena.allocate(64, 8), 0);
            CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                try {
                    futex.await(0);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            Deadline.after(WAIT).await(() -> ProcessMutexTest.inNative("futexWait"), "the thread waits");
            futex.close();
            assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(AsynchronousCloseException.class);
            assertThatThrownBy(() -> futex.wake(1)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aPeerWaitingOnTheWordIsWokenAndAKilledWaiterAffectsNobody() throws Exception {
        try (SharedMemory shm = SharedMemory.create(shmName, 4096); Mapping m = shm.map();
             Futex futex = Futex.of(m.segment(), 0)) {
            try (PeerProcess killed = PeerJvm.start(SyncPeer.class, "futex-wait", shmName, "0")) {
                killed.expectLine("waiting");
                killed.kill9();
            }
            try (PeerProcess peer = PeerJvm.start(SyncPeer.class, "futex-wait", shmName, "0")) {
                peer.expectLine("waiting");
                futex.set(1);
                futex.wakeAll();
                peer.expectLine("woken");
                peer.expectExit(0, WAIT);
            }
        }
    }

    @Test
    void aPeerJvmPlaysPingPongTenThousandTimes() throws IOException {
        try (SharedMemory shm = SharedMemory.create(shmName, PingPong.SHM_SIZE); Mapping m = shm.map();
             PeerProcess peer = PeerJvm.start(SyncPeer.class, "pingpong", "futex", "10000", shmName);
             PingPong.Turns turns = PingPong.futex(m.segment(), true)) {
            peer.expectReady();
            PingPong.play(turns, m.segment(), 10_000, true);
            peer.expectLine("done");
        }
    }

    @Test
    void interruptEndsAWaitAndTheFutexStaysUsable() throws Exception {
        try (Arena arena = Arena.ofShared(); Futex futex = Futex.of(arena.allocate(64, 8), 0)) {
            BlockingChecks.interruptEndsTheCallPromptly(BlockingChecks.FUTEX, futex::waiting, () -> {
                futex.await(0);
                return null;
            }, InterruptedIOException.class);
            BlockingChecks.interruptEndsTheCallPromptly(BlockingChecks.FUTEX, futex::waiting, () -> futex.await(0, WAIT),
                    InterruptedIOException.class);
            assertThat(futex.isOpen()).isTrue();
            assertThat(futex.await(0, Duration.ofMillis(10))).isFalse();
            futex.set(1);
            assertThat(futex.await(0, WAIT)).isTrue();
        }
    }
}
