package org.panamaipc.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.panamaipc.testing.Deadline;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerJvm;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.PythonPeer;
import org.panamaipc.testing.TestRun;

@IpcTest
class SharedAtomicsTest {
    private static final int ITERATIONS = 100_000;

    private static String n(int value) {
        return Integer.toString(value);
    }

    @Test
    void everyAccessorReadsAndWritesTheSameCell() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(64, 8);
            SharedAtomics.putLong(s, 0, 1);
            assertThat(SharedAtomics.getLong(s, 0)).isEqualTo(1);
            SharedAtomics.putLongOpaque(s, 0, 2);
            assertThat(SharedAtomics.getLongOpaque(s, 0)).isEqualTo(2);
            SharedAtomics.putLongRelease(s, 0, 3);
            assertThat(SharedAtomics.getLongAcquire(s, 0)).isEqualTo(3);
            SharedAtomics.putLongVolatile(s, 0, 4);
            assertThat(SharedAtomics.getLongVolatile(s, 0)).isEqualTo(4);
            assertThat(SharedAtomics.compareAndSetLong(s, 0, 4, 5)).isTrue();
            assertThat(SharedAtomics.compareAndSetLong(s, 0, 4, 6)).isFalse();
            assertThat(SharedAtomics.compareAndExchangeLong(s, 0, 5, 7)).isEqualTo(5);
            assertThat(SharedAtomics.getAndAddLong(s, 0, 10)).isEqualTo(7);
            assertThat(SharedAtomics.getAndSetLong(s, 0, -1)).isEqualTo(17);
            assertThat(SharedAtomics.getLong(s, 0)).isEqualTo(-1);

            SharedAtomics.putInt(s, 8, 1);
            SharedAtomics.putIntRelease(s, 12, 2);
            assertThat(SharedAtomics.getIntAcquire(s, 12)).isEqualTo(2);
            assertThat(SharedAtomics.getIntOpaque(s, 8)).isEqualTo(1);
            SharedAtomics.putIntOpaque(s, 8, 3);
            SharedAtomics.putIntVolatile(s, 12, 4);
            assertThat(SharedAtomics.getInt(s, 8) + SharedAtomics.getIntVolatile(s, 12)).isEqualTo(7);
            assertThat(SharedAtomics.compareAndSetInt(s, 8, 3, 9)).isTrue();
            assertThat(SharedAtomics.compareAndExchangeInt(s, 8, 0, 1)).isEqualTo(9);
            assertThat(SharedAtomics.getAndAddInt(s, 8, 1)).isEqualTo(9);
            assertThat(SharedAtomics.getAndSetInt(s, 8, 0)).isEqualTo(10);
        }
    }

    @Test
    void misalignedAndOutOfBoundsAccessIsRefused() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(64, 8);
            assertThatThrownBy(() -> SharedAtomics.compareAndSetLong(s, 4, 0, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> SharedAtomics.getAndAddInt(s, 2, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> SharedAtomics.getLongAcquire(s, 64)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // 300,000 contended CASes on 2 loaded cores
    void twoPeerJvmsAndAPythonPeerCountExactlyThroughCompareAndSet() throws Exception {
        String name = SharedMemory.uniqueName(TestRun.prefix("counter"));
        try (SharedMemory shm = SharedMemory.create(name, 4096); Mapping mapping = shm.map()) {
            MemorySegment s = mapping.segment();
            try (PeerProcess java1 = PeerJvm.builder(CounterPeer.class).onClassPath().start(name, n(ITERATIONS));
                 PeerProcess java2 = PeerJvm.builder(CounterPeer.class).onClassPath().start(name, n(ITERATIONS));
                 PeerProcess python = PythonPeer.start("shm_peer.py", "count", name.substring(1), n(ITERATIONS))) {
                Deadline.after(Duration.ofSeconds(20))
                        .await(() -> SharedAtomics.getLongVolatile(s, 8) == 3, "all three peers are ready");
                SharedAtomics.putLongRelease(s, 16, 1);
                Duration slow = Duration.ofSeconds(100);
                assertThat(Peers.linesUntilExit(java1, 1, slow)).containsExactly("done");
                assertThat(Peers.linesUntilExit(java2, 1, slow)).containsExactly("done");
                assertThat(Peers.linesUntilExit(python, 2, slow)).containsExactly("ready", "done");
            }
            assertThat(SharedAtomics.getLongVolatile(s, 0)).isEqualTo(3L * ITERATIONS);
        } finally {
            SharedMemory.unlinkIfExists(name);
        }
    }

    @Test
    void aPeerJvmPlaysPingPongThroughAcquireAndReleaseWithoutLosingAPayload() throws Exception {
        String name = SharedMemory.uniqueName(TestRun.prefix("pingpong"));
        int rounds = 1_000;
        try (SharedMemory shm = SharedMemory.create(name, 4096); Mapping mapping = shm.map()) {
            MemorySegment s = mapping.segment();
            try (PeerProcess peer = PeerJvm.builder(PingPongPeer.class).onClassPath().start(name, n(rounds))) {
                for (long i = 0; i < rounds; i++) {
                    long payload = i * 31;
                    s.set(java.lang.foreign.ValueLayout.JAVA_LONG, 64, payload);
                    SharedAtomics.putLongRelease(s, 0, 2 * i + 1);
                    PingPongPeer.awaitTurn(s, 2 * i + 2);
                    assertThat(s.get(java.lang.foreign.ValueLayout.JAVA_LONG, 128)).isEqualTo(payload + 1);
                }
                assertThat(Peers.linesUntilExit(peer, 1)).containsExactly("done");
            }
        } finally {
            SharedMemory.unlinkIfExists(name);
        }
    }

    @Test
    void aReleaseStorePublishesWhatWasWrittenBeforeIt() throws IOException {
        try (Mapping m = Mapping.anonymous(4096, Set.of())) {
            MemorySegment s = m.segment();
            s.set(java.lang.foreign.ValueLayout.JAVA_LONG, 8, 99);
            SharedAtomics.putLongRelease(s, 0, 1);
            assertThat(SharedAtomics.getLongAcquire(s, 0)).isEqualTo(1);
            assertThat(s.get(java.lang.foreign.ValueLayout.JAVA_LONG, 8)).isEqualTo(99);
        }
    }
}
