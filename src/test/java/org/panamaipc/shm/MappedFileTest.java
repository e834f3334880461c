package org.panamaipc.shm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.NonWritableChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.panamaipc.ErrnoException;
import org.panamaipc.ObjectMismatchException;
import org.panamaipc.testing.IpcTest;

@IpcTest
class MappedFileTest {
    @TempDir
    Path dir;

    @Test
    void writesThroughASharedMappingReachTheFile() throws IOException {
        Path path = dir.resolve("data");
        try (MappedFile file = MappedFile.create(path, 8192); Mapping m = file.map()) {
            m.segment().setString(4096, "hello, file");
            m.sync(SyncMode.SYNC);
            m.sync(SyncMode.ASYNC, 4096, 100);
            m.sync(SyncMode.SYNC_AND_INVALIDATE, 10, 5000);
        }
        byte[] bytes = Files.readAllBytes(path);
        assertThat(bytes).hasSize(8192);
        assertThat(new String(bytes, 4096, 11, StandardCharsets.UTF_8)).isEqualTo("hello, file");
        assertThat(Files.getPosixFilePermissions(path)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void aPrivateMappingNeverChangesTheFile() throws IOException {
        Path path = dir.resolve("cow");
        Files.write(path, new byte[4096]);
        try (MappedFile file = MappedFile.openReadOnly(path);
             Mapping m = file.map(MapMode.PRIVATE)) {
            m.segment().set(JAVA_LONG, 0, -1);
            assertThat(m.segment().get(JAVA_LONG, 0)).isEqualTo(-1);
            assertThatThrownBy(() -> file.map(MapMode.READ_WRITE)).isInstanceOf(NonWritableChannelException.class);
        }
        assertThat(Files.readAllBytes(path)).containsOnly(0);
    }

    @Test
    void growingAMappedFileIsARemapNotATouchPastTheEnd() throws IOException {
        Path path = dir.resolve("growing");
        try (MappedFile file = MappedFile.create(path, 4096)) {
            Mapping m = file.map();
            m.segment().set(JAVA_LONG, 0, 1);
            file.truncate(4 * 4096);
            assertThatThrownBy(() -> m.segment().get(JAVA_LONG, 3 * 4096)).isInstanceOf(IndexOutOfBoundsException.class);
            try (Mapping grown = m.remap(4 * 4096)) {
                grown.segment().set(JAVA_LONG, 3 * 4096, 2);
                grown.sync(SyncMode.SYNC);
                assertThat(grown.segment().get(JAVA_LONG, 0)).isEqualTo(1);
            }
        }
        assertThat(Files.size(path)).isEqualTo(4 * 4096);
    }

    @Test
    void adviceLockingAndPopulateWork() throws IOException {
        try (MappedFile file = MappedFile.create(dir.resolve("advice"), 16 * 1024);
             Mapping m = file.map(MapMode.READ_WRITE, 0, 16 * 1024, EnumSet.of(MapOption.POPULATE))) {
            for (Advice advice : EnumSet.of(Advice.NORMAL, Advice.SEQUENTIAL, Advice.RANDOM, Advice.WILL_NEED,
                    Advice.DONT_DUMP, Advice.DONT_FORK)) {
                m.advise(advice);
            }
            m.advise(Advice.DONT_NEED, 4096, 4096);
            m.lock(); // 16 KiB: within the smallest common RLIMIT_MEMLOCK (64 KiB)
            m.segment().fill((byte) 7);
            m.unlock();
            assertThat(m.segment().get(JAVA_BYTE, 16 * 1024 - 1)).isEqualTo((byte) 7);
            assertThatThrownBy(() -> m.advise(Advice.NORMAL, 12 * 1024, 8192)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void openingAMissingFileThrowsNoSuchFileAndCreatingAnExistingOneFails() throws IOException {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> MappedFile.open(missing)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(missing.toString());
        Path existing = Files.createFile(dir.resolve("existing"));
        assertThatThrownBy(() -> MappedFile.create(existing, 10, Set.of()))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThatThrownBy(() -> MappedFile.open(dir)).isInstanceOf(IOException.class).hasMessageContaining("EISDIR");
        assertThatThrownBy(() -> MappedFile.openReadOnly(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a regular file");
    }

    @Test
    void createTwiceThrowsFileAlreadyExistsAndLeavesTheFirstFileToItsPeer() throws Exception {
        Path path = dir.resolve("first");
        try (MappedFile first = MappedFile.create(path, 8192); Mapping m = first.map()) {
            m.segment().setString(0, "first");
            assertThatThrownBy(() -> MappedFile.create(path, 4096)).isInstanceOf(FileAlreadyExistsException.class)
                    .hasMessageContaining(path.toString()).hasMessageContaining("EEXIST");
            assertThatThrownBy(() -> MappedFile.openOrCreate(path, 8193)).isInstanceOf(ObjectMismatchException.class);
            assertThat(Files.size(path)).isEqualTo(8192);
            assertThat(Peers.runPython("mapread", path.toString(), "5")).isEqualTo("6669727374");
            assertThat(Peers.runPython("truncate", path.toString(), "8192")).isEqualTo("ok");
            assertThat(m.segment().getString(0)).isEqualTo("first");
        }
    }

    @Test
    void openOrCreateOpensAPeersFileAsItIsAndRefusesOneTooSmall() throws Exception {
        Path path = dir.resolve("peers");
        Peers.run("truncate", "-s", "8192", path.toString());
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r-----"));
        try (MappedFile file = MappedFile.openOrCreate(path, 4096); Mapping m = file.map()) {
            assertThat(file.size()).isEqualTo(8192);
            m.segment().setString(0, "java");
        }
        try (MappedFile file = MappedFile.openOrCreate(path, 8192, PosixFilePermissions.fromString("rw-rw-rw-"))) {
            assertThat(file.stat().permissions()).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
        }
        assertThatThrownBy(() -> MappedFile.openOrCreate(path, 8193)).isInstanceOf(ObjectMismatchException.class)
                .hasMessageContaining(path.toString()).hasMessageContaining("size=8192")
                .hasMessageContaining("size=8193");
        assertThat(Files.size(path)).isEqualTo(8192);
        assertThat(Peers.runPython("mapread", path.toString(), "4")).isEqualTo("6a617661");
    }

    @Test
    void openOrCreateCreatesAMissingFileWithTheAskedSize() throws IOException {
        Path path = dir.resolve("missing");
        try (MappedFile created = MappedFile.openOrCreate(path, 12288)) {
            assertThat(created.size()).isEqualTo(12288);
        }
        assertThat(Files.size(path)).isEqualTo(12288);
        assertThat(Files.getPosixFilePermissions(path)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    @Timeout(10)
    void aFifoIsRefusedWithoutWaitingForAWriter() throws Exception {
        Path fifo = dir.resolve("fifo");
        Peers.run("mkfifo", fifo.toString());
        assertThatThrownBy(() -> MappedFile.openReadOnly(fifo)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a regular file");
    }

    @Test
    void anonymousMemoryIsZeroedAndPrivate() throws IOException {
        try (Mapping m = Mapping.anonymous(1 << 20, Set.of(MapOption.POPULATE))) {
            assertThat(m.segment().get(JAVA_LONG, (1 << 20) - 8)).isZero();
            m.segment().fill((byte) 1);
            m.advise(Advice.DONT_NEED);
            assertThat(m.segment().get(JAVA_BYTE, 12345)).isZero();
            assertThatThrownBy(() -> m.remap(4096)).isInstanceOf(IllegalStateException.class);
        }
        assertThatThrownBy(() -> Mapping.anonymous(0, Set.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hugePageAnonymousMemoryWorksOrFailsClearly() throws IOException {
        try (Mapping m = Mapping.anonymous(2 << 20, Set.of(MapOption.HUGE_PAGES))) {
            m.segment().set(JAVA_LONG, 0, 5);
        } catch (IOException e) {
            assertThat(MemfdTest.hugePagesReserved()).isZero();
            assertThat(e).hasMessageContaining("mmap").hasMessageContaining("ENOMEM")
                    .hasMessageContaining("nr_hugepages");
            assertThat(((ErrnoException) e).errnoNumber()).isEqualTo(12);
        }
    }

    @Test
    void aMappingOfAFileAnotherProcessWroteSeesItsBytes() throws IOException {
        Path path = dir.resolve("theirs");
        Files.writeString(path, "x".repeat(5000) + "tail");
        try (MappedFile file = MappedFile.openReadOnly(path); Mapping m = file.map(MapMode.READ_ONLY, 5000, 4)) {
            byte[] tail = m.segment().toArray(JAVA_BYTE);
            assertThat(new String(tail, StandardCharsets.US_ASCII)).isEqualTo("tail");
            assertThat(m.segment()).isInstanceOf(MemorySegment.class);
        }
    }
}
