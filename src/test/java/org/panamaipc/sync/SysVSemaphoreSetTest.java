package org.panamaipc.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.panamaipc.Errno;
import org.panamaipc.ErrnoException;
import org.panamaipc.ObjectMismatchException;
import org.panamaipc.ObjectRemovedException;
import org.panamaipc.SysVKey;
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
class SysVSemaphoreSetTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<Integer> created = new ArrayList<>();
    private final String shmName = SharedMemory.uniqueName(TestRun.prefix("semset"));

    @AfterEach
    void removeSets() throws IOException {
        for (int id : created) {
            try (SysVSemaphoreSet set = SysVSemaphoreSet.openId(id)) {
                set.remove();
            } catch (ObjectRemovedException alreadyGone) {
                // removed by the test itself
            }
        }
        SharedMemory.unlinkIfExists(shmName);
    }

    private SysVSemaphoreSet track(SysVSemaphoreSet set) {
        created.add(set.id());
        return set;
    }

    private static SysVKey randomKey() {
        return SysVKey.of(ThreadLocalRandom.current().nextInt(0x10000000, 0x7fffffff));
    }

    @Test
    void anOperationListIsAppliedAllOrNothing() throws IOException {
        try (SysVSemaphoreSet set = track(SysVSemaphoreSet.createPrivate(2))) {
            set.setValues(1, 0);
            SemaphoreOps takeBoth = SemaphoreOps.builder()
                    .add(0, -1, SemaphoreFlag.NO_WAIT).add(1, -1, SemaphoreFlag.NO_WAIT).build();
            assertThat(set.operate(takeBoth)).isFalse();
            assertThat(set.values()).containsExactly(1, 0); // A was not taken alone
            set.setValue(1, 1);
            assertThat(set.operate(takeBoth)).isTrue();
            assertThat(set.values()).containsExactly(0, 0);
            assertThat(set.lastPid(0)).isEqualTo((int) ProcessHandle.current().pid());
        }
    }

    @Test
    void waitForZeroBlocksUntilTheValueIsZero() throws Exception {
        try (SysVSemaphoreSet set = track(SysVSemaphoreSet.createPrivate(1))) {
            set.setValue(0, 1);
            assertThat(set.operate(SemaphoreOps.of(0, 0), Duration.ofMillis(50))).isFalse();
            CompletableFuture<Boolean> zero = CompletableFuture.supplyAsync(() -> {
                try {
                    return set.operate(SemaphoreOps.of(0, 0), WAIT);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Deadline.after(WAIT).await(() -> count(set, false) == 1, "one thread waits for zero");
            set.operate(SemaphoreOps.of(0, -1));
            assertThat(zero.get(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static int count(SysVSemaphoreSet set, boolean increase) {
        try {
            return increase ? set.waitingForIncrease(0) : set.waitingForZero(0);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    @Test
    void timedOperationReturnsFalseAndCloseReleasesAWaiter() throws Exception {
        SysVSemaphoreSet set = track(SysVSemaphoreSet.createPrivate(1));
        assertThat(set.operate(SemaphoreOps.of(0, -1), Duration.ofMillis(50))).isFalse();
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                set.operate(SemaphoreOps.of(0, -1));
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Deadline.after(WAIT).await(() -> count(set, true) == 1, "one thread waits to take");
        set.close();
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(AsynchronousCloseException.class);
        assertThatThrownBy(() -> set.value(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void statSetAndRemove() throws IOException {
        SysVKey key = randomKey();
        try (SysVSemaphoreSet set = track(SysVSemaphoreSet.create(key, 3))) {
            SemaphoreSetStat stat = set.stat();
            assertThat(stat.key()).isEqualTo(key);
            assertThat(stat.size()).isEqualTo(3);
            assertThat(stat.permissions()).containsExactlyInAnyOrder(
                    PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            assertThat(stat.lastOperation()).isNull();
            set.setPermissions(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.GROUP_READ));
            assertThat(set.stat().permissions()).contains(PosixFilePermission.GROUP_READ);
            assertThatThrownBy(() -> SysVSemaphoreSet.create(key, 3))
                    .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("EEXIST");
            try (SysVSemaphoreSet again = SysVSemaphoreSet.open(key)) {
                assertThat(again.id()).isEqualTo(set.id());
                assertThat(again.size()).isEqualTo(3);
            }
            set.remove();
            assertThatThrownBy(() -> set.value(0)).isInstanceOf(ObjectRemovedException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).errno()).isIn(Errno.EINVAL, Errno.EIDRM));
            assertThatThrownBy(() -> SysVSemaphoreSet.openId(set.id())).isInstanceOf(ObjectRemovedException.class);
            assertThatThrownBy(() -> SysVSemaphoreSet.open(key)).isInstanceOf(NoSuchFileException.class);
        }
    }

    @Test
    void badValuesAndIndicesAreRejected() throws IOException {
        try (SysVSemaphoreSet set = track(SysVSemaphoreSet.createPrivate(2))) {
            assertThatThrownBy(() -> set.setValue(0, SysVSemaphoreSet.MAX_VALUE + 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SEMVMX=32767");
            assertThatThrownBy(() -> set.setValue(0, -1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> set.value(2))
                    .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("index=2 size=2");
            assertThatThrownBy(() -> set.operate(SemaphoreOps.of(5, 1)))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> SemaphoreOps.of(0, 40000)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> SemaphoreOps.of(-1, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> set.operate(SemaphoreOps.of(0, 1), Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class);
            set.setValue(0, SysVSemaphoreSet.MAX_VALUE);
            assertThatThrownBy(() -> set.operate(SemaphoreOps.of(0, 1)))
                    .isInstanceOf(IOException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.ERANGE));
            assertThatThrownBy(() -> SysVSemaphoreSet.createPrivate(0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aPeerKilledHoldingASemUndoSemaphoreGivesItBackAndAWaiterProceeds() throws Exception {
        try (SysVSemaphoreSet set = track(SysVSemaphoreSet.createPrivate(1))) {
            set.setValue(0, 1);
            String id = Integer.toString(set.id());
            try (PeerProcess holder = PeerJvm.start(SyncPeer.class, "sysv-hold", id, "0")) {
                holder.expectLine("held");
                try (PeerProcess waiter = PeerJvm.start(SyncPeer.class, "sysv-wait", id, "0")) {
                    waiter.expectLine("waiting");
                    Deadline.after(WAIT).await(() -> count(set, true) == 1, "the waiter blocks in semop");
                    holder.kill9();
                    waiter.expectLine("acquired"); // the kernel undid the holder's -1
                    waiter.expectExit(0, WAIT);
                    assertThat(set.value(0)).isZero();
                }
            }
        }
    }

    @Test
    void aPeerKilledWhileBlockedInSemopAffectsNobody() throws Exception {
        try (SysVSemaphoreSet set = track(SysVSemaphoreSet.createPrivate(1));
             PeerProcess waiter = PeerJvm.start(SyncPeer.class, "sysv-wait", Integer.toString(set.id()), "0")) {
            waiter.expectLine("waiting");
            Deadline.after(WAIT).await(() -> count(set, true) == 1, "the waiter blocks in semop");
            waiter.kill9();
            Deadline.after(WAIT).await(() -> count(set, true) == 0, "the killed waiter is gone");
            set.operate(SemaphoreOps.of(0, 1));
            assertThat(set.operate(SemaphoreOps.of(0, -1, SemaphoreFlag.NO_WAIT))).isTrue();
        }
    }

    @Test
    void twoProcessesCreatingTheSameSetInitialiseItOnce() throws Exception {
        SysVKey key = randomKey();
        try (PeerProcess a = PeerJvm.start(SyncPeer.class, "sysv-create-or-open", Integer.toString(key.value()), "5");
             PeerProcess b = PeerJvm.start(SyncPeer.class, "sysv-create-or-open", Integer.toString(key.value()), "5")) {
            a.expectReady();
            b.expectReady();
            a.send("go");
            b.send("go");
            try {
                a.expectLine("done");
                b.expectLine("done");
            } finally {
                try (SysVSemaphoreSet set = SysVSemaphoreSet.open(key)) {
                    track(set);
                    // initialised once to 5, then each peer took 1
                    assertThat(set.value(0)).isEqualTo(3);
                    assertThat(set.stat().lastOperation()).isNotNull();
                }
            }
        }
    }

    @Test
    void openOrCreateNeverChangesAnExistingSetAndRefusesAnotherSize() throws IOException {
        try (SysVSemaphoreSet set = track(SysVSemaphoreSet.openOrCreate(randomKey(), 2, 4))) {
            assertThat(set.values()).containsExactly(2, 4);
            set.setValues(1, 0);
            try (SysVSemaphoreSet same = SysVSemaphoreSet.openOrCreate(set.key(), 9, 9)) {
                assertThat(same.id()).isEqualTo(set.id());
                assertThat(same.values()).containsExactly(1, 0);
            }
            assertThatThrownBy(() -> SysVSemaphoreSet.openOrCreate(set.key(), 9, 9, 9))
                    .isInstanceOf(ObjectMismatchException.class)
                    .hasMessageContaining("size=2").hasMessageContaining("size=3");
            assertThat(set.values()).containsExactly(1, 0);
            assertThat(set.size()).isEqualTo(2);
        }
    }

    @Test
    void createTwiceFailsAndLeavesTheFirstIntactForAPeer() throws Exception {
        SysVKey key = randomKey();
        try (SysVSemaphoreSet first = track(SysVSemaphoreSet.create(key, 2))) {
            first.setValues(0, 3);
            assertThatThrownBy(() -> SysVSemaphoreSet.create(key, 2))
                    .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("EEXIST");
            assertThatThrownBy(() -> SysVSemaphoreSet.create(key, 5))
                    .isInstanceOf(FileAlreadyExistsException.class);
            assertThat(first.values()).containsExactly(0, 3);
            try (PeerProcess peer = PeerJvm.start(SyncPeer.class, "sysv-key-wait", Integer.toString(key.value()), "0")) {
                peer.expectLine("waiting");
                Deadline.after(WAIT).await(() -> count(first, true) == 1, "the peer blocks in semop");
                first.operate(SemaphoreOps.of(0, 1));
                peer.expectLine("acquired"); // the peer opened the first set by key and took its unit
                peer.expectExit(0, WAIT);
            }
            assertThat(first.values()).containsExactly(0, 3);
        }
    }

    @Test
    void openOfAMissingKeyFailsAndCreatesNothing() {
        SysVKey key = randomKey();
        assertThatThrownBy(() -> SysVSemaphoreSet.open(key))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("ENOENT");
        assertThatThrownBy(() -> SysVSemaphoreSet.open(SysVKey.PRIVATE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SysVSemaphoreSet.create(SysVKey.PRIVATE, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void removeOnCloseRemovesTheSetOnce() throws IOException {
        SysVSemaphoreSet set = track(SysVSemaphoreSet.createPrivate(1)).removeOnClose();
        int id = set.id();
        set.close();
        assertThatThrownBy(() -> SysVSemaphoreSet.openId(id)).isInstanceOf(ObjectRemovedException.class);
        set.close(); // idempotent
        assertThatThrownBy(set::removeOnClose).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aRemovedSetEndsAWaiterWithObjectRemovedException() throws Exception {
        try (SysVSemaphoreSet set = track(SysVSemaphoreSet.createPrivate(1))) {
            Blocked<Boolean> blocked = Blocked.start(BlockingChecks.SEMTIMEDOP, () -> set.operate(SemaphoreOps.of(0, -1)));
            set.remove();
            assertThatThrownBy(() -> blocked.get(WAIT)).hasCauseInstanceOf(ObjectRemovedException.class);
        }
    }

    @Test
    void interruptEndsAnOperationApplyingNothingAndTheSetStaysUsable() throws Exception {
        try (SysVSemaphoreSet set = track(SysVSemaphoreSet.createPrivate(2))) {
            set.setValue(0, 1);
            SemaphoreOps takeBoth = SemaphoreOps.builder().add(0, -1).add(1, -1).build();
            BlockingChecks.interruptEndsTheCallPromptly(BlockingChecks.SEMTIMEDOP, set::waiting, () -> set.operate(takeBoth),
                    InterruptedIOException.class);
            assertThat(set.values()).containsExactly(1, 0); // nothing applied
            BlockingChecks.interruptEndsTheCallPromptly(BlockingChecks.SEMTIMEDOP, set::waiting, () -> set.operate(takeBoth, WAIT),
                    InterruptedIOException.class);
            assertThat(set.isOpen()).isTrue();
            set.setValue(1, 1);
            assertThat(set.operate(takeBoth, WAIT)).isTrue();
            assertThat(set.values()).containsExactly(0, 0);
        }
    }

    @Test
    void aThousandBlockedThreadsCostNothingOneIncrementWakesOneAndCloseReleasesTheRest() throws Exception {
        SysVSemaphoreSet set = track(SysVSemaphoreSet.createPrivate(1));
        SemaphoreOps take = SemaphoreOps.of(0, -1);
        try (SysVSemaphoreSet other = SysVSemaphoreSet.openId(set.id())) {
            BlockingChecks.aThousandWaitersCostNothing(() -> set.operate(take),
                    () -> count(other, true), () -> other.operate(SemaphoreOps.of(0, 1)), set::close);
            assertThat(other.value(0)).isZero(); // the one increment went to exactly one waiter
            assertThat(other.waitingForIncrease(0)).isZero();
        }
    }

    @Test
    void aPeerJvmPlaysPingPongTenThousandTimes() throws IOException {
        try (SharedMemory shm = SharedMemory.create(shmName, PingPong.SHM_SIZE);
             Mapping m = shm.map();
             SysVSemaphoreSet set = track(SysVSemaphoreSet.createPrivate(2));
             PeerProcess peer = PeerJvm.start(SyncPeer.class, "pingpong", "sysv", "10000", shmName,
                     Integer.toString(set.id()));
             PingPong.Turns turns = PingPong.sysV(set.id(), true)) {
            peer.expectReady();
            PingPong.play(turns, m.segment(), 10_000, true);
            peer.expectLine("done");
            assertThat(set.values()).containsExactly(0, 0);
        }
    }

    @Test
    void aPythonPeerSynchronizesThroughSemopAndIpcsShowsTheSet() throws Exception {
        try (SysVSemaphoreSet set = track(SysVSemaphoreSet.createPrivate(2))) {
            Process ipcs = new ProcessBuilder("ipcs", "-s", "-i", Integer.toString(set.id())).redirectErrorStream(true).start();
            String out = new String(ipcs.getInputStream().readAllBytes());
            assertThat(ipcs.waitFor()).isZero();
            assertThat(out).containsPattern("nsems\\s*=\\s*2").contains("semid=" + set.id());
            SemaphoreOps give = SemaphoreOps.of(0, 1);
            SemaphoreOps take = SemaphoreOps.of(1, -1);
            try (PeerProcess peer = PythonPeer.start("sync_peer.py", "sysv-pingpong", Integer.toString(set.id()), "1000")) {
                peer.expectReady();
                for (int i = 0; i < 1000; i++) {
                    set.operate(give);
                    assertThat(set.operate(take, WAIT)).as("round %d", i).isTrue();
                }
                peer.expectLine("done");
            }
            try (PeerProcess holder = PythonPeer.start("sync_peer.py", "sysv-hold", Integer.toString(set.id()))) {
                set.setValue(0, 1);
                holder.expectLine("held");
                assertThat(set.value(0)).isZero();
                holder.kill9();
                assertThat(set.operate(SemaphoreOps.of(0, -1), WAIT)).isTrue(); // python's SEM_UNDO too
            }
        }
    }
}
