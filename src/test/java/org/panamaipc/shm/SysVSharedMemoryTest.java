package org.panamaipc.shm;

import org.panamaipc.SysVKey;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panamaipc.ErrnoException;
import org.panamaipc.ObjectMismatchException;
import org.panamaipc.ObjectRemovedException;
import org.panamaipc.testing.IpcTest;

@IpcTest
class SysVSharedMemoryTest {
    private final List<SysVSharedMemory> created = new ArrayList<>();
    private final List<Integer> ids = new ArrayList<>();

    @TempDir
    Path dir;

    private SysVKey key() {
        return SysVKey.of(0x5a000000 | ThreadLocalRandom.current().nextInt(1, 1 << 24));
    }

    private SysVSharedMemory track(SysVSharedMemory shm) {
        created.add(shm);
        ids.add(shm.id());
        return shm;
    }

    @AfterEach
    void removeAll() throws IOException {
        created.forEach(SysVSharedMemory::close);
        for (int id : ids) {
            try (SysVSharedMemory shm = SysVSharedMemory.openId(id)) {
                if (shm.exists()) {
                    shm.remove();
                }
            } catch (ObjectRemovedException gone) {
                // removed by the test itself
            }
        }
    }

    @Test
    void twoAttachmentsShareBytesAndTheKeyFindsTheSegment() throws IOException {
        SysVKey key = key();
        SysVSharedMemory shm = track(SysVSharedMemory.create(key, 8192));
        SysVSharedMemory found = track(SysVSharedMemory.open(key));
        assertThat(found.id()).isEqualTo(shm.id());
        try (Mapping a = shm.attach(); Mapping b = found.attach()) {
            a.segment().set(JAVA_LONG, 4096, 17);
            assertThat(b.segment().get(JAVA_LONG, 4096)).isEqualTo(17);
            assertThat(a.byteSize()).isEqualTo(8192);
        }
    }

    @Test
    void aPythonPeerAttachedByIdReadsAndWritesTheSegment() throws Exception {
        SysVSharedMemory shm = track(SysVSharedMemory.create(key(), 4096));
        try (Mapping m = shm.attach()) {
            m.segment().setString(0, "sysv");
            assertThat(Peers.runPython("sysv", Integer.toString(shm.id()), "4", "7065657221"))
                    .isEqualTo("73797376");
            assertThat(m.segment().getString(0)).isEqualTo("peer!");
            assertThat(shm.stat().lastPid()).isNotEqualTo(ProcessHandle.current().pid());
        }
    }

    @Test
    void createTwiceThrowsFileAlreadyExistsAndLeavesTheFirstSegmentToItsPeer() throws Exception {
        SysVKey key = key();
        SysVSharedMemory first = track(SysVSharedMemory.create(key, 8192));
        try (Mapping m = first.attach()) {
            m.segment().setString(0, "first");
            assertThatThrownBy(() -> SysVSharedMemory.create(key, 4096))
                    .isInstanceOf(FileAlreadyExistsException.class)
                    .hasMessageContaining("shmget").hasMessageContaining(key.toString()).hasMessageContaining("EEXIST");
            assertThatThrownBy(() -> SysVSharedMemory.create(key, 8192, PosixFilePermissions.fromString("rw-rw-rw-"),
                    EnumSet.noneOf(SysVShmOption.class))).isInstanceOf(FileAlreadyExistsException.class);
            assertThat(ipcsRow(first.id())[4]).isEqualTo("8192");
            assertThat(ipcsRow(first.id())[3]).isEqualTo("600");
            assertThat(Peers.runPython("sysv", Integer.toString(first.id()), "5", "7065657221")).isEqualTo(
                    "6669727374");
            assertThat(m.segment().getString(0)).isEqualTo("peer!");
        }
    }

    @Test
    void openOrCreateFindsAPeersSegmentAsItIsAndRefusesOneTooSmall() throws Exception {
        SysVKey key = key();
        int id = Integer.parseInt(Peers.runPython("sysvcreate", Integer.toString(key.value()), "8192", "707900"));
        ids.add(id);
        SysVSharedMemory smaller = track(SysVSharedMemory.openOrCreate(key, 4096));
        assertThat(smaller.id()).isEqualTo(id);
        assertThat(smaller.stat().size()).isEqualTo(8192);
        try (Mapping m = smaller.attach()) {
            assertThat(m.byteSize()).isEqualTo(8192);
            assertThat(m.segment().getString(0)).isEqualTo("py");
        }
        SysVSharedMemory same = track(SysVSharedMemory.openOrCreate(key, 8192,
                PosixFilePermissions.fromString("rw-rw-rw-"), EnumSet.noneOf(SysVShmOption.class)));
        assertThat(same.id()).isEqualTo(id);
        assertThatThrownBy(() -> SysVSharedMemory.openOrCreate(key, 8193))
                .isInstanceOf(ObjectMismatchException.class)
                .hasMessageContaining(key.toString()).hasMessageContaining("size=8192").hasMessageContaining("size=8193");
        String[] row = ipcsRow(id);
        assertThat(row[4]).isEqualTo("8192");
        assertThat(row[3]).isEqualTo("600");
        assertThat(row[5]).isEqualTo("0");
    }

    @Test
    void openOrCreateCreatesAMissingSegment() throws Exception {
        SysVKey key = key();
        SysVSharedMemory created = track(SysVSharedMemory.openOrCreate(key, 12288));
        assertThat(ipcsRow(created.id())[4]).isEqualTo("12288");
        assertThat(created.stat().key()).isEqualTo(key);
        assertThatThrownBy(() -> SysVSharedMemory.openOrCreate(SysVKey.PRIVATE, 4096))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void removeOnCloseRemovesTheSegmentAndAttachmentsOutliveTheHandle() throws Exception {
        SysVKey key = key();
        SysVSharedMemory shm = track(SysVSharedMemory.create(key, 4096).removeOnClose());
        int id = shm.id();
        try (Mapping m = shm.attach()) {
            shm.close();
            assertThat(shm.isOpen()).isFalse();
            assertThat(ipcsRow(id)[6]).isEqualTo("dest");
            assertThatThrownBy(() -> SysVSharedMemory.open(key)).isInstanceOf(NoSuchFileException.class);
            m.segment().set(JAVA_INT, 0, 9);
            assertThat(m.segment().get(JAVA_INT, 0)).isEqualTo(9);
            shm.close();
        }
        assertThat(ipcsRow(id)).isNull();
        assertThatThrownBy(shm::attach).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(shm::stat).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(shm::remove).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(shm::removeOnClose).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeWithoutRemoveOnCloseLeavesTheSegment() throws Exception {
        SysVKey key = key();
        SysVSharedMemory shm = track(SysVSharedMemory.create(key, 4096));
        shm.close();
        assertThatThrownBy(() -> shm.attach(false, Arena.ofAuto())).isInstanceOf(IllegalStateException.class);
        assertThat(ipcsRow(shm.id())).isNotNull();
        try (SysVSharedMemory again = SysVSharedMemory.open(key).removeOnClose()) {
            assertThat(again.id()).isEqualTo(shm.id());
        }
        assertThat(ipcsRow(shm.id())).isNull();
    }

    @Test
    void openingAMissingKeyThrowsNoSuchFile() {
        SysVKey key = key();
        assertThatThrownBy(() -> SysVSharedMemory.open(key))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("ENOENT");
        assertThatThrownBy(() -> SysVSharedMemory.open(SysVKey.PRIVATE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ftokGivesTheSameKeyForTheSameFileAndIdAndFailsForMissingFiles() throws IOException {
        Path file = Files.createFile(dir.resolve("key"));
        SysVKey a = SysVKey.of(file, 7);
        assertThat(SysVKey.of(file, 7)).isEqualTo(a);
        assertThat(SysVKey.of(file, 8)).isNotEqualTo(a);
        assertThat(a.value() >>> 24).isEqualTo(7);
        assertThatThrownBy(() -> SysVKey.of(dir.resolve("missing"), 1)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("ftok");
        assertThatThrownBy(() -> SysVKey.of(file, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SysVKey.of(file, 256)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SysVKey.of(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void statReportsSizeOwnerModeAttachmentsPidsAndTimes() throws IOException {
        Instant before = Instant.now().minusSeconds(2);
        SysVKey key = key();
        SysVSharedMemory shm = track(SysVSharedMemory.create(key, 10000));
        SysVShmStat fresh = shm.stat();
        int pid = (int) ProcessHandle.current().pid();
        assertThat(fresh.key()).isEqualTo(key);
        assertThat(fresh.size()).isEqualTo(10000);
        assertThat(fresh.permissions()).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(fresh.attachCount()).isZero();
        assertThat(fresh.creatorPid()).isEqualTo(pid);
        assertThat(fresh.lastAttach()).isNull();
        assertThat(fresh.lastDetach()).isNull();
        assertThat(fresh.lastChange()).isAfter(before);
        assertThat(fresh.uid()).isEqualTo(fresh.creatorUid());
        assertThat(fresh.uid()).isEqualTo(Files.getAttribute(dir, "unix:uid"));
        assertThat(fresh.markedForRemoval()).isFalse();
        try (Mapping a = shm.attach(); Mapping b = shm.attachReadOnly()) {
            SysVShmStat attached = shm.stat();
            assertThat(attached.attachCount()).isEqualTo(2);
            assertThat(attached.lastPid()).isEqualTo(pid);
            assertThat(attached.lastAttach()).isAfter(before);
        }
        SysVShmStat detached = shm.stat();
        assertThat(detached.attachCount()).isZero();
        assertThat(detached.lastDetach()).isAfter(before);
        shm.setPermissions(PosixFilePermissions.fromString("rw-r-----"));
        assertThat(shm.stat().permissions()).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
        assertThat(track(SysVSharedMemory.openId(shm.id())).key()).isEqualTo(key);
    }

    @Test
    void ipcsShowsTheSegmentWithItsSizeAndAttachCountAndIpcrmRemovesIt() throws Exception {
        SysVSharedMemory shm = track(SysVSharedMemory.create(key(), 12345));
        try (Mapping a = shm.attach(); Mapping b = shm.attach()) {
            String[] row = ipcsRow(shm.id());
            // key shmid owner perms bytes nattch status
            assertThat(row[4]).isEqualTo("12345");
            assertThat(row[5]).isEqualTo("2");
            assertThat(row[3]).isEqualTo("600");
        }
        assertThat(ipcsRow(shm.id())[5]).isEqualTo("0");
        Peers.run("ipcrm", "-m", Integer.toString(shm.id()));
        assertThat(shm.exists()).isFalse();
        assertThat(ipcsRow(shm.id())).isNull();
        assertThatThrownBy(shm::stat).isInstanceOf(ObjectRemovedException.class).hasMessageContaining("IPC_STAT")
                .satisfies(e -> assertThat(((ErrnoException) e).errnoNumber()).isIn(22, 43));
        assertThatThrownBy(shm::attach).isInstanceOf(ObjectRemovedException.class);
        assertThatThrownBy(() -> SysVSharedMemory.openId(shm.id())).isInstanceOf(ObjectRemovedException.class);
    }

    @Test
    void removingWhileAttachedMarksTheSegmentAndKeepsTheAttachmentsWorking() throws Exception {
        SysVKey key = key();
        SysVSharedMemory shm = track(SysVSharedMemory.create(key, 4096));
        try (Mapping m = shm.attach()) {
            shm.remove();
            SysVShmStat stat = shm.stat();
            assertThat(stat.markedForRemoval()).isTrue();
            assertThat(stat.key()).isEqualTo(SysVKey.PRIVATE);
            assertThat(shm.exists()).isFalse();
            assertThatThrownBy(() -> SysVSharedMemory.open(key)).isInstanceOf(NoSuchFileException.class);
            m.segment().set(JAVA_INT, 0, 1);
            assertThat(m.segment().get(JAVA_INT, 0)).isEqualTo(1);
            assertThat(ipcsRow(shm.id())[6]).isEqualTo("dest");
        }
        assertThat(ipcsRow(shm.id())).isNull();
        assertThatThrownBy(shm::stat).isInstanceOf(ObjectRemovedException.class);
    }

    @Test
    void readOnlyAttachmentsRejectWritesAndDetachedSegmentsRejectEverything() throws IOException {
        SysVSharedMemory shm = track(SysVSharedMemory.createPrivate(4096));
        Mapping ro = shm.attachReadOnly();
        assertThat(ro.segment().isReadOnly()).isTrue();
        assertThatThrownBy(() -> ro.segment().set(JAVA_INT, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        ro.close();
        ro.close();
        assertThatThrownBy(() -> ro.segment().get(JAVA_INT, 0)).isInstanceOf(IllegalStateException.class);
        MemorySegment s;
        try (Arena arena = Arena.ofConfined()) {
            s = shm.attach(false, arena);
            s.set(JAVA_INT, 0, 5);
            assertThat(shm.stat().attachCount()).isEqualTo(1);
        }
        assertThatThrownBy(() -> s.get(JAVA_INT, 0)).isInstanceOf(IllegalStateException.class);
        assertThat(shm.stat().attachCount()).isZero();
    }

    @Test
    void aPrivateSegmentIsFoundByItsId() throws IOException {
        SysVSharedMemory shm = track(SysVSharedMemory.createPrivate(4096));
        assertThat(shm.key().isPrivate()).isTrue();
        SysVSharedMemory byId = track(SysVSharedMemory.openId(shm.id()));
        try (Mapping a = shm.attach(); Mapping b = byId.attach()) {
            a.segment().set(JAVA_LONG, 0, 8);
            assertThat(b.segment().get(JAVA_LONG, 0)).isEqualTo(8);
        }
    }

    @Test
    void anIdWithNoSegmentAndASecondRemoveFailWithTheCallsError() throws IOException {
        SysVSharedMemory shm = track(SysVSharedMemory.createPrivate(4096));
        int id = shm.id();
        shm.remove();
        assertThatThrownBy(shm::remove).isInstanceOf(ObjectRemovedException.class).hasMessageContaining("IPC_RMID")
                .hasMessageContaining("id=" + id);
        assertThatThrownBy(() -> SysVSharedMemory.openId(id)).isInstanceOf(ObjectRemovedException.class)
                .hasMessageContaining("IPC_STAT");
        assertThat(shm.exists()).isFalse();
    }

    @Test
    void badSizesAreRefused() {
        assertThatThrownBy(() -> SysVSharedMemory.create(key(), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size=0");
        assertThatThrownBy(() -> SysVSharedMemory.create(key(), -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SysVSharedMemory.create(key(), Long.MAX_VALUE))
                .isInstanceOf(IOException.class).hasMessageContaining("shmget");
    }

    @Test
    void hugePageSegmentsWorkOrFailClearly() throws IOException {
        try {
            SysVSharedMemory shm = track(SysVSharedMemory.create(key(), 2 << 20,
                    PosixFilePermissions.fromString("rw-------"), EnumSet.of(SysVShmOption.HUGE_PAGES)));
            try (Mapping m = shm.attach()) {
                m.segment().set(JAVA_LONG, 0, 1);
            }
        } catch (IOException e) {
            assertThat(MemfdTest.hugePagesReserved()).isZero();
            assertThat(e).hasMessageContaining("SHM_HUGETLB").hasMessageContaining("nr_hugepages");
        }
    }

    private static String[] ipcsRow(int id) throws Exception {
        return Peers.run("ipcs", "-m").lines()
                .map(line -> line.trim().split("\\s+"))
                .filter(cols -> cols.length >= 6 && cols[1].equals(Integer.toString(id)))
                .findFirst()
                .map(cols -> Arrays.copyOf(cols, 7))
                .orElse(null);
    }
}
