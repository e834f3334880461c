package org.panamaipc.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.panamaipc.Errno;
import org.panamaipc.ErrnoException;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.SharedMemory;
import org.panamaipc.testing.Blocked;
import org.panamaipc.testing.BlockingChecks;
import org.panamaipc.testing.Deadline;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerJvm;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.PythonPeer;
import org.panamaipc.testing.TestRun;

@IpcTest
class NamedSemaphoreTest {
    private final String name = NamedSemaphore.uniqueName(TestRun.prefix("sem"));
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
        try (NamedSemaphore sem = NamedSemaphore.create(name, 2)) {
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
        try (NamedSemaphore sem = NamedSemaphore.create(other, 0, EnumSet.of(
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
    void createTwiceFailsAndLeavesTheFirstIntactForAPeer() throws IOException {
        try (NamedSemaphore first = NamedSemaphore.create(name, 0)) {
            assertThatThrownBy(() -> NamedSemaphore.create(name, 5))
                    .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("EEXIST");
            assertThat(first.value()).isZero();
            try (PeerProcess peer = PeerJvm.start(SyncPeer.class, "named-wait", name)) {
                peer.expectLine("waiting");
                first.release();
                peer.expectLine("acquired"); // the peer opened the first one by name and took its unit
                peer.expectExit(0, Duration.ofSeconds(10));
            }
            assertThat(first.value()).isZero();
        }
    }

    @Test
    void openOrCreateNeverChangesTheValueOfAnExistingSemaphore() throws IOException {
        try (NamedSemaphore created = NamedSemaphore.openOrCreate(name, 3)) {
            assertThat(created.value()).isEqualTo(3);
            try (NamedSemaphore opened = NamedSemaphore.openOrCreate(name, 7)) {
                assertThat(opened.value()).isEqualTo(3);
                opened.release();
                assertThat(created.value()).isEqualTo(4);
            }
        }
    }

    @Test
    void unlinkOnCloseRemovesTheNameOnceAndUniqueNamesDiffer() throws IOException {
        assertThat(name).startsWith("/" + TestRun.prefix("sem") + "-").isNotEqualTo(NamedSemaphore.uniqueName(TestRun.prefix("sem")));
        Path file = Path.of("/dev/shm/sem." + name.substring(1));
        NamedSemaphore sem = NamedSemaphore.create(name, 0).unlinkOnClose();
        assertThat(file).exists();
        sem.close();
        assertThat(file).doesNotExist();
        sem.close(); // idempotent: nothing more removed
        assertThatThrownBy(sem::unlinkOnClose).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void openingErrorsAreTheJdkFileExceptions() throws IOException {
        assertThatThrownBy(() -> NamedSemaphore.open(name))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("sem_open").hasMessageContaining("ENOENT");
        assertThat(Path.of("/dev/shm/sem." + name.substring(1))).doesNotExist(); // open created nothing
        try (NamedSemaphore sem = NamedSemaphore.create(name, 0)) {
            assertThatThrownBy(() -> NamedSemaphore.create(name, 0))
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
        Blocked<Object> blocked = Blocked.start(BlockingChecks.FUTEX, () -> {
            sem.acquire();
            return null;
        });
        Deadline.after(Duration.ofSeconds(5)).await(() -> sem.waiting() == 1, "acquire registered");
        sem.close();
        assertThatThrownBy(() -> blocked.get(Duration.ofSeconds(5))).hasCauseInstanceOf(AsynchronousCloseException.class);
        assertThatThrownBy(sem::release).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        sem.close(); // idempotent
    }

    @Test
    void interruptEndsAnAcquireTakingNothingAndTheSemaphoreStaysUsable() throws Exception {
        try (NamedSemaphore sem = NamedSemaphore.create(name, 0)) {
            BlockingChecks.interruptEndsTheCallPromptly(BlockingChecks.FUTEX, sem::waiting, () -> {
                sem.acquire();
                return null;
            }, InterruptedIOException.class);
            assertThat(sem.isOpen()).isTrue();
            sem.release();
            assertThat(sem.value()).isEqualTo(1); // the interrupted acquire took nothing
            assertThat(sem.tryAcquire(Duration.ofSeconds(1))).isTrue();
            BlockingChecks.interruptEndsTheCallPromptly(BlockingChecks.FUTEX, sem::waiting, () -> sem.tryAcquire(Duration.ofSeconds(30)),
                    InterruptedIOException.class);
            assertThat(sem.value()).isZero();
        }
    }

    @Test
    void aThousandBlockedThreadsCostNothingOnePostWakesOneAndCloseReleasesTheRest() throws Exception {
        NamedSemaphore sem = NamedSemaphore.create(name, 0);
        BlockingChecks.aThousandWaitersCostNothing(() -> {
            sem.acquire();
            return null;
        }, sem::waiting, () -> {
            sem.release();
            return null;
        }, sem::close);
        try (NamedSemaphore again = NamedSemaphore.open(name)) {
            assertThat(again.value()).isZero(); // the one post went to exactly one waiter
        }
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
             NamedSemaphore a = NamedSemaphore.create(name, 0);
             NamedSemaphore b = NamedSemaphore.create(other, 0);
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
        try (NamedSemaphore a = NamedSemaphore.create(name, 0);
             NamedSemaphore b = NamedSemaphore.create(other, 0);
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
