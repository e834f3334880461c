package org.panamaipc.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.panamaipc.ErrnoException;
import org.panamaipc.Errno;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.SharedMemory;
import org.panamaipc.testing.Deadline;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerJvm;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.PythonPeer;

@IpcTest
class NamedSemaphoreTest {
    private final String name = SharedMemory.uniqueName("sem");
    private final String other = name + "-b";
    private final String shmName = name + "-shm";

    @AfterEach
    void removeNames() throws IOException {
        NamedSemaphore.unlinkIfExists(name);
        NamedSemaphore.unlinkIfExists(other);
        SharedMemory.unlinkIfExists(shmName);
    }

    @Test
    void acquireTakesWhatReleaseGives() throws IOException {
        try (NamedSemaphore sem = NamedSemaphore.createExclusively(name, 2)) {
            assertThat(sem.value()).isEqualTo(2);
            sem.acquire();
            assertThat(sem.tryAcquire()).isTrue();
            assertThat(sem.tryAcquire()).isFalse();
            sem.release();
            assertThat(sem.value()).isEqualTo(1);
            try (NamedSemaphore again = NamedSemaphore.open(name)) {
                assertThat(again.tryAcquire(Duration.ofSeconds(1))).isTrue();
                assertThat(sem.value()).isZero();
            }
        }
    }

    @Test
    void aNewSemaphoreIsOwnerOnlyUnlessPermissionsAreGiven() throws IOException {
        try (NamedSemaphore sem = NamedSemaphore.create(name, 0)) {
            assertThat(Files.getPosixFilePermissions(Path.of("/dev/shm/sem." + name.substring(1))))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }
        try (NamedSemaphore sem = NamedSemaphore.createExclusively(other, 0, EnumSet.of(
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ))) {
            assertThat(Files.getPosixFilePermissions(Path.of("/dev/shm/sem." + other.substring(1))))
                    .contains(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)
                    .doesNotContain(PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OWNER_EXECUTE);
        }
    }

    @Test
    void timedAcquireReturnsFalseOnTimeout() throws IOException {
        try (NamedSemaphore sem = NamedSemaphore.create(name, 0)) {
            assertThat(sem.tryAcquire(Duration.ofMillis(50))).isFalse();
            assertThat(sem.tryAcquire(Duration.ZERO)).isFalse();
        }
    }

    @Test
    void createOpensAnExistingSemaphoreAndIgnoresTheValue() throws IOException {
        try (NamedSemaphore first = NamedSemaphore.create(name, 3);
             NamedSemaphore second = NamedSemaphore.create(name, 7)) {
            assertThat(second.value()).isEqualTo(3);
            assertThat(first.name()).isEqualTo(name);
        }
    }

    @Test
    void openingErrorsAreTheJdkFileExceptions() throws IOException {
        assertThatThrownBy(() -> NamedSemaphore.open(name))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("sem_open").hasMessageContaining("ENOENT");
        try (NamedSemaphore sem = NamedSemaphore.create(name, 0)) {
            assertThatThrownBy(() -> NamedSemaphore.createExclusively(name, 0))
                    .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("EEXIST");
        }
        NamedSemaphore.unlink(name);
        assertThat(NamedSemaphore.unlinkIfExists(name)).isFalse();
        assertThatThrownBy(() -> NamedSemaphore.unlink(name)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void badArgumentsAreRejectedBeforeAnyCall() throws IOException {
        assertThatThrownBy(() -> NamedSemaphore.create(name, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initialValue=-1");
        assertThatThrownBy(() -> NamedSemaphore.create("no-slash", 0)).isInstanceOf(IllegalArgumentException.class);
        try (NamedSemaphore sem = NamedSemaphore.create(name, 0)) {
            assertThatThrownBy(() -> sem.tryAcquire(Duration.ofMillis(-1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be negative");
        }
    }

    @Test
    void releaseBeyondSemValueMaxFailsWithEoverflow() throws IOException {
        try (NamedSemaphore sem = NamedSemaphore.create(name, NamedSemaphore.MAX_VALUE)) {
            assertThatThrownBy(sem::release)
                    .isInstanceOf(IOException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EOVERFLOW));
            assertThat(sem.value()).isEqualTo(NamedSemaphore.MAX_VALUE);
        }
    }

    @Test
    void closeFromAnotherThreadReleasesABlockedAcquire() throws Exception {
        NamedSemaphore sem = NamedSemaphore.create(name, 0);
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                sem.acquire();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Deadline.after(Duration.ofSeconds(5)).await(() -> sem.isOpen() && waiting(), "acquire blocks");
        sem.close();
        assertThat(outcome.get(5, TimeUnit.SECONDS)).isInstanceOf(AsynchronousCloseException.class);
        assertThatThrownBy(sem::release).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        sem.close(); // idempotent
    }

    private boolean waiting() {
        // No portable way to see a sem_wait sleeper: give the thread a moment via a timed poll.
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getState() == Thread.State.RUNNABLE
                        && java.util.Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getMethodName().equals("semWait")));
    }

    @Test
    void aPeerKilledHoldingThePosixSemaphoreLeavesItTaken() throws IOException {
        try (NamedSemaphore sem = NamedSemaphore.create(name, 1);
             PeerProcess peer = PeerJvm.start(SyncPeer.class, "named-hold", name)) {
            peer.expectLine("held");
            peer.kill9();
            // documented: POSIX semaphores have no undo, the value stays taken
            assertThat(sem.tryAcquire(Duration.ofMillis(100))).isFalse();
            assertThat(sem.value()).isZero();
        }
    }

    @Test
    void aPeerKilledWhileWaitingAffectsNobody() throws IOException {
        try (NamedSemaphore sem = NamedSemaphore.create(name, 0);
             PeerProcess peer = PeerJvm.start(SyncPeer.class, "named-wait", name)) {
            peer.expectLine("waiting");
            peer.kill9();
            sem.release();
            assertThat(sem.tryAcquire(Duration.ofSeconds(1))).isTrue();
            assertThat(sem.value()).isZero();
        }
    }

    @Test
    void aPeerJvmPlaysPingPongTenThousandTimes() throws IOException {
        try (SharedMemory shm = SharedMemory.create(shmName, PingPong.SHM_SIZE);
             Mapping m = shm.map();
             NamedSemaphore a = NamedSemaphore.createExclusively(name, 0);
             NamedSemaphore b = NamedSemaphore.createExclusively(other, 0);
             PeerProcess peer = PeerJvm.start(SyncPeer.class, "pingpong", "named", "10000", shmName, name, other);
             PingPong.Turns turns = PingPong.named(name, other, true)) {
            peer.expectReady();
            PingPong.play(turns, m.segment(), 10_000, true);
            peer.expectLine("done");
            assertThat(a.value()).isZero();
            assertThat(b.value()).isZero();
        }
    }

    @Test
    void aPythonPeerSynchronizesThroughLibcSemOpen() throws IOException {
        try (NamedSemaphore a = NamedSemaphore.createExclusively(name, 0);
             NamedSemaphore b = NamedSemaphore.createExclusively(other, 0);
             PeerProcess peer = PythonPeer.start("sync_peer.py", "posix-pingpong", name, other, "1000")) {
            peer.expectReady();
            for (int i = 0; i < 1000; i++) {
                a.release();
                assertThat(b.tryAcquire(Duration.ofSeconds(10))).as("round %d", i).isTrue();
            }
            peer.expectLine("done");
            assertThat(a.value()).isZero();
        }
    }
}
