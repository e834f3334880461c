package org.panamaipc.shm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.panamaipc.ErrnoException;
import org.panamaipc.ObjectMismatchException;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.TestRun;

@IpcTest
class SharedMemoryTest {
    private final List<String> names = new ArrayList<>();

    private String name() {
        String name = SharedMemory.uniqueName(TestRun.prefix("shmtest"));
        names.add(name);
        return name;
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @AfterEach
    void unlinkAll() throws IOException {
        for (String name : names) {
            SharedMemory.unlinkIfExists(name);
        }
    }

    @Test
    void createdObjectIsSeenByASecondOpenAndInDevShm() throws IOException {
        String name = name();
        try (SharedMemory created = SharedMemory.create(name, 4096);
             Mapping writer = created.map();
             SharedMemory opened = SharedMemory.open(name);
             Mapping reader = opened.map()) {
            writer.segment().set(JAVA_LONG, 64, 0x1122334455667788L);
            assertThat(reader.segment().get(JAVA_LONG, 64)).isEqualTo(0x1122334455667788L);
            assertThat(reader.byteSize()).isEqualTo(4096);
            assertThat(Files.size(Path.of("/dev/shm", name.substring(1)))).isEqualTo(4096);
        }
    }

    @Test
    void createTwiceThrowsFileAlreadyExistsAndLeavesTheFirstObjectToItsPeer() throws Exception {
        String name = name();
        try (SharedMemory first = SharedMemory.create(name, 8192); Mapping m = first.map()) {
            m.segment().setString(0, "first");
            assertThatThrownBy(() -> SharedMemory.create(name, 4096))
                    .isInstanceOf(FileAlreadyExistsException.class)
                    .hasMessageContaining("shm_open").hasMessageContaining(name).hasMessageContaining("EEXIST");
            assertThatThrownBy(() -> SharedMemory.create(name, 8192, PosixFilePermissions.fromString("rw-rw-rw-")))
                    .isInstanceOf(FileAlreadyExistsException.class);
            assertThat(first.size()).isEqualTo(8192);
            assertThat(first.stat().permissions()).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Peers.runPython("read", name.substring(1), "6")).isEqualTo(hex("first\0"));
            assertThat(Peers.runPython("write", name.substring(1), hex("peer!"))).isEqualTo("ok");
            assertThat(m.segment().getString(0)).isEqualTo("peer!");
        }
    }

    @Test
    void openOrCreateOpensAPeersObjectAsItIsAndRefusesOneTooSmall() throws Exception {
        String name = name();
        assertThat(Peers.runPython("create", name.substring(1), "8192", hex("python's"))).isEqualTo("ok");
        try (SharedMemory smaller = SharedMemory.openOrCreate(name, 4096); Mapping m = smaller.map()) {
            assertThat(smaller.size()).isEqualTo(8192);
            assertThat(m.segment().getString(0, java.nio.charset.StandardCharsets.US_ASCII)).startsWith("python's");
        }
        try (SharedMemory same = SharedMemory.openOrCreate(name, 8192, PosixFilePermissions.fromString("rw-rw-rw-"))) {
            assertThat(same.size()).isEqualTo(8192);
            assertThat(same.stat().permissions()).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        assertThatThrownBy(() -> SharedMemory.openOrCreate(name, 8193))
                .isInstanceOf(ObjectMismatchException.class)
                .hasMessageContaining(name).hasMessageContaining("size=8192").hasMessageContaining("size=8193");
        assertThat(Files.size(Path.of("/dev/shm", name.substring(1)))).isEqualTo(8192);
        assertThat(Peers.runPython("read", name.substring(1), "8")).isEqualTo(hex("python's"));
    }

    @Test
    void openOrCreateCreatesAMissingObjectWithTheAskedSize() throws IOException {
        String name = name();
        try (SharedMemory created = SharedMemory.openOrCreate(name, 12288);
             SharedMemory opened = SharedMemory.openOrCreate(name, 12288)) {
            assertThat(created.size()).isEqualTo(12288);
            assertThat(opened.size()).isEqualTo(12288);
            assertThat(created.stat().permissions()).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
    }

    @Test
    @Timeout(60)
    void racingOpenOrCreateCallsAllGetTheOneObjectAtItsSize() throws Exception {
        for (int round = 0; round < 20; round++) {
            String name = name();
            List<Callable<Long>> racers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                racers.add(() -> {
                    try (SharedMemory shm = SharedMemory.openOrCreate(name, 8192)) {
                        return shm.size();
                    }
                });
            }
            try (ExecutorService pool = Executors.newFixedThreadPool(racers.size())) {
                for (Future<Long> size : pool.invokeAll(racers)) {
                    assertThat(size.get()).isEqualTo(8192);
                }
            }
            SharedMemory.unlink(name);
        }
    }

    @Test
    void openOrCreateRefusesAnObjectNobodySizedAfterAGrace() throws IOException {
        String name = name();
        try (SharedMemory sized = SharedMemory.create(name, 4096)) {
            sized.truncate(0);
            assertThatThrownBy(() -> SharedMemory.openOrCreate(name, 4096))
                    .isInstanceOf(ObjectMismatchException.class).hasMessageContaining("size=0");
            assertThat(sized.size()).isZero();
        }
    }

    @Test
    void unlinkOnCloseRemovesTheNameOnceAndKeepsMappingsWorking() throws IOException {
        String name = name();
        Path file = Path.of("/dev/shm", name.substring(1));
        SharedMemory shm = SharedMemory.create(name, 4096).unlinkOnClose();
        try (Mapping m = shm.map()) {
            assertThat(Files.exists(file)).isTrue();
            shm.close();
            assertThat(Files.exists(file)).isFalse();
            m.segment().set(JAVA_INT, 0, 3);
            assertThat(m.segment().get(JAVA_INT, 0)).isEqualTo(3);
            try (SharedMemory again = SharedMemory.create(name, 4096)) {
                shm.close();
                assertThat(Files.exists(file)).isTrue();
            }
        }
        assertThatThrownBy(shm::unlinkOnClose).isInstanceOf(IllegalStateException.class);
        try (SharedMemory gone = SharedMemory.open(name).unlinkOnClose()) {
            SharedMemory.unlink(name);
        }
    }

    @Test
    void openingAMissingObjectThrowsNoSuchFile() {
        String name = name();
        assertThatThrownBy(() -> SharedMemory.open(name))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("ENOENT")
                .satisfies(e -> assertThat(((ErrnoException) e).call()).isEqualTo("shm_open"));
        assertThatThrownBy(() -> SharedMemory.openReadOnly(name)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> SharedMemory.unlink(name)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void unlinkRemovesTheNameButNotTheMemory() throws IOException {
        String name = name();
        try (SharedMemory shm = SharedMemory.create(name, 4096); Mapping m = shm.map()) {
            shm.unlink();
            assertThat(Files.exists(Path.of("/dev/shm", name.substring(1)))).isFalse();
            m.segment().set(JAVA_INT, 0, 5);
            assertThat(m.segment().get(JAVA_INT, 0)).isEqualTo(5);
            assertThat(SharedMemory.unlinkIfExists(name)).isFalse();
        }
    }

    @Test
    void aClosedHandleRefusesToUnlinkAndTheNameStays() throws IOException {
        String name = name();
        SharedMemory shm = SharedMemory.create(name, 4096);
        shm.close();
        assertThatThrownBy(shm::unlink).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(Files.exists(Path.of("/dev/shm", name.substring(1)))).as("the name stays").isTrue();
        SharedMemory.unlink(name);
    }

    @Test
    void newObjectsHaveMode0600AndBelongToThisUser() throws IOException {
        String name = name();
        try (SharedMemory shm = SharedMemory.create(name, 4096)) {
            ShmStat stat = shm.stat();
            assertThat(stat.size()).isEqualTo(4096);
            assertThat(stat.permissions()).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.getPosixFilePermissions(Path.of("/dev/shm", name.substring(1))))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(stat.uid()).isEqualTo(Files.getAttribute(Path.of("/dev/shm", name.substring(1)), "unix:uid"));
            shm.setPermissions(PosixFilePermissions.fromString("rw-r-----"));
            assertThat(shm.stat().permissions()).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
        }
    }

    @Test
    void explicitPermissionsApplyAtCreation() throws IOException {
        String name = name();
        Set<PosixFilePermission> perms = PosixFilePermissions.fromString("r--------");
        try (SharedMemory shm = SharedMemory.create(name, 4096, perms)) {
            assertThat(shm.stat().permissions()).isEqualTo(perms);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"noslash", "/two/slashes", "", "/", "//", "/nul\0inside"})
    void badNamesAreRefusedBeforeAnyCall(String bad) {
        assertThatThrownBy(() -> SharedMemory.create(bad, 4096))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> SharedMemory.open(bad)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SharedMemory.unlink(bad)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesLongerThanNameMaxAreRefused() throws IOException {
        String unique = name();
        String longest = unique + "a".repeat(256 - unique.length());
        assertThat(longest).hasSize(256);
        names.add(longest);
        try (SharedMemory ok = SharedMemory.create(longest, 4096)) {
            assertThat(ok.name()).isEqualTo(longest);
        }
        assertThatThrownBy(() -> SharedMemory.create("/" + "a".repeat(256), 4096))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NAME_MAX");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void sizesThatAreNotPositiveAreRefused(long size) {
        String name = name();
        assertThatThrownBy(() -> SharedMemory.create(name, size))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size=" + size);
        assertThatThrownBy(() -> SharedMemory.openOrCreate(name, size)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Files.exists(Path.of("/dev/shm", name.substring(1)))).isFalse();
    }

    @Test
    void aSizeBeyondTheSystemsLimitsFailsClearlyAndLeavesNothingBehind() throws IOException {
        String name = name();
        // tmpfs accepts sparse sizes up to its file size limit; a size past it fails in ftruncate,
        // and one it accepts cannot be mapped whole (the address space is 128 TiB).
        try (SharedMemory shm = SharedMemory.create(name, Long.MAX_VALUE)) {
            assertThatThrownBy(shm::map).isInstanceOf(IOException.class).hasMessageContaining("mmap");
        } catch (IOException e) {
            assertThat(e).hasMessageContaining("ftruncate");
            assertThat(Files.exists(Path.of("/dev/shm", name.substring(1)))).isFalse();
        }
    }

    @Test
    void aSizeBeyondTheFileSizeLimitFailsWithEfbigAndLeavesNothingBehind() throws Exception {
        String name = name();
        List<String> out;
        try (PeerProcess peer = Peers.jvmWithLimit("-f 8", SizeLimitPeer.class, name, Integer.toString(1 << 20))) {
            out = Peers.linesUntilExit(peer, 2);
        }
        assertThat(out.get(0)).contains("ftruncate(\"" + name + "\", length=1048576): EFBIG (File too large)");
        assertThat(out.get(1)).isEqualTo("left behind: false");
    }

    @Test
    void mappingARangePastTheEndIsRefused() throws IOException {
        try (SharedMemory shm = SharedMemory.create(name(), 8192)) {
            assertThatThrownBy(() -> shm.map(MapMode.READ_WRITE, 4096, 8192))
                    .isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("offset=4096 length=8192 size=8192");
            assertThatThrownBy(() -> shm.map(MapMode.READ_WRITE, 8192, 1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> shm.map(MapMode.READ_WRITE, -1, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> shm.map(MapMode.READ_WRITE, 0, 0)).isInstanceOf(IllegalArgumentException.class);
            try (Mapping m = shm.map(MapMode.READ_WRITE, 4096, 4096)) {
                assertThatThrownBy(() -> m.segment().get(JAVA_BYTE, 4096)).isInstanceOf(IndexOutOfBoundsException.class);
            }
        }
    }

    @Test
    void aMappingAtAnUnalignedOffsetSeesTheRightBytes() throws IOException {
        try (SharedMemory shm = SharedMemory.create(name(), 3 * 4096); Mapping whole = shm.map()) {
            for (int i = 0; i < 3 * 4096; i++) {
                whole.segment().set(JAVA_BYTE, i, (byte) (i * 7));
            }
            try (Mapping part = shm.map(MapMode.READ_ONLY, 5000, 3000)) {
                assertThat(part.offset()).isEqualTo(5000);
                assertThat(part.byteSize()).isEqualTo(3000);
                assertThat(part.segment().get(JAVA_BYTE, 0)).isEqualTo((byte) (5000 * 7));
                assertThat(part.segment().get(JAVA_BYTE, 2999)).isEqualTo((byte) (7999 * 7));
                part.advise(Advice.WILL_NEED, 10, 100);
            }
        }
    }

    @Test
    void readOnlyMappingsRejectWritesThroughTheApi() throws IOException {
        String name = name();
        try (SharedMemory shm = SharedMemory.create(name, 4096);
             Mapping ro = shm.map(MapMode.READ_ONLY, 0, 4096);
             SharedMemory opened = SharedMemory.openReadOnly(name)) {
            assertThat(ro.segment().isReadOnly()).isTrue();
            assertThatThrownBy(() -> ro.segment().set(JAVA_LONG, 0, 1L)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
            assertThatThrownBy(() -> ro.segment().fill((byte) 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
            assertThatThrownBy(() -> SharedAtomics.putLongRelease(ro.segment(), 0, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
            assertThatThrownBy(() -> MemorySegment.copy(new byte[8], 0, ro.segment(), JAVA_BYTE, 0, 8))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
            assertThat(opened.isWritable()).isFalse();
            assertThatThrownBy(() -> opened.map(MapMode.READ_WRITE)).isInstanceOf(NonWritableChannelException.class);
            try (Mapping m = opened.map()) {
                assertThat(m.mode()).isEqualTo(MapMode.READ_ONLY);
                assertThatThrownBy(() -> m.segment().set(JAVA_BYTE, 0, (byte) 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
            }
            assertThat(ro.segment().get(JAVA_LONG, 0)).isZero();
        }
    }

    @Test
    void anyAccessAfterCloseThrowsIllegalStateAndDoubleCloseDoesNothing() throws IOException {
        try (SharedMemory shm = SharedMemory.create(name(), 4096)) {
            Mapping m = shm.map();
            MemorySegment s = m.segment();
            MemorySegment slice = s.asSlice(8, 8);
            m.close();
            m.close();
            assertThat(m.isOpen()).isFalse();
            assertThatThrownBy(() -> s.get(JAVA_LONG, 0)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> slice.set(JAVA_LONG, 0, 1)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> SharedAtomics.getAndAddLong(s, 0, 1)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> m.sync(SyncMode.SYNC)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> m.remap(4096)).isInstanceOf(IllegalStateException.class);
            shm.close();
            shm.close();
            assertThat(shm.isOpen()).isFalse();
            assertThatThrownBy(shm::map).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(shm::size).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> shm.truncate(1)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void closingAMappingWhileAnotherThreadReadsItMakesThatThreadThrowNotCrash() throws Exception {
        try (SharedMemory shm = SharedMemory.create(name(), 1 << 20)) {
            Mapping m = shm.map();
            MemorySegment s = m.segment();
            java.util.concurrent.CompletableFuture<Throwable> reader = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    long sum = 0;
                    while (true) {
                        for (long i = 0; i < s.byteSize(); i += 4096) {
                            sum += s.get(JAVA_LONG, i);
                            SharedAtomics.getAndAddLong(s, i, 1);
                        }
                        if (sum == Long.MIN_VALUE) {
                            return null;
                        }
                    }
                } catch (Throwable t) {
                    return t;
                }
            });
            org.panamaipc.testing.Deadline.after(java.time.Duration.ofSeconds(10))
                    .await(() -> SharedAtomics.getLongVolatile(s, 0) > 100, "the reader runs");
            m.close();
            assertThat(reader.get(10, java.util.concurrent.TimeUnit.SECONDS))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void mappingsOutliveTheDescriptorTheyCameFrom() throws IOException {
        SharedMemory shm = SharedMemory.create(name(), 4096);
        try (Mapping m = shm.map()) {
            shm.close();
            m.segment().set(JAVA_LONG, 0, 9);
            assertThat(m.segment().get(JAVA_LONG, 0)).isEqualTo(9);
        }
    }

    @Test
    void resizingAndRemappingInvalidatesTheOldSegment() throws IOException {
        try (SharedMemory shm = SharedMemory.create(name(), 4096)) {
            Mapping small = shm.map();
            small.segment().set(JAVA_LONG, 0, 77);
            shm.truncate(3 * 4096);
            try (Mapping large = small.remap(3 * 4096)) {
                assertThat(small.isOpen()).isFalse();
                assertThatThrownBy(() -> small.segment().get(JAVA_LONG, 0)).isInstanceOf(IllegalStateException.class);
                assertThat(large.byteSize()).isEqualTo(3 * 4096);
                assertThat(large.segment().get(JAVA_LONG, 0)).isEqualTo(77);
                large.segment().set(JAVA_LONG, 2 * 4096, 78);
                assertThatThrownBy(() -> large.remap(4 * 4096)).isInstanceOf(IndexOutOfBoundsException.class);
                assertThat(large.isOpen()).isTrue();
            }
        }
    }

    @Test
    void resizeGrowsAndShrinksTheObjectWithItsMapping() throws IOException {
        try (SharedMemory shm = SharedMemory.create(name(), 4096)) {
            Mapping first = shm.map();
            first.segment().set(JAVA_LONG, 0, 11);
            Mapping grown = first.resize(5 * 4096);
            assertThat(first.isOpen()).isFalse();
            assertThat(shm.size()).isEqualTo(5 * 4096);
            grown.segment().set(JAVA_LONG, 4 * 4096, 12);
            try (Mapping shrunk = grown.resize(100)) {
                assertThat(grown.isOpen()).isFalse();
                assertThat(shm.size()).isEqualTo(100);
                assertThat(shrunk.byteSize()).isEqualTo(100);
                assertThat(shrunk.segment().get(JAVA_LONG, 0)).isEqualTo(11);
                assertThatThrownBy(() -> shrunk.resize(0)).isInstanceOf(IllegalArgumentException.class);
            }
            try (SharedMemory readOnly = SharedMemory.openReadOnly(shm.name()); Mapping ro = readOnly.map()) {
                assertThatThrownBy(() -> ro.resize(8192)).isInstanceOf(NonWritableChannelException.class);
            }
        }
    }

    @Test
    void shrinkingBelowALiveMappingIsRefusedUntilItIsClosed() throws IOException {
        try (SharedMemory shm = SharedMemory.create(name(), 2 * 4096)) {
            Mapping m = shm.map();
            assertThatThrownBy(() -> shm.truncate(4096))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("live mapping");
            m.close();
            shm.truncate(4096);
            assertThat(shm.size()).isEqualTo(4096);
        }
    }

    @Test
    void aMappingInTheCallersArenaEndsWithTheArena() throws IOException {
        try (SharedMemory shm = SharedMemory.create(name(), 8192)) {
            MemorySegment s;
            try (Arena arena = Arena.ofConfined()) {
                s = shm.map(MapMode.READ_WRITE, 100, 200, arena);
                s.set(JAVA_BYTE, 0, (byte) 42);
                assertThatThrownBy(() -> shm.truncate(50)).isInstanceOf(IllegalStateException.class);
            }
            assertThatThrownBy(() -> s.get(JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
            shm.truncate(4096);
            try (Mapping m = shm.map()) {
                assertThat(m.segment().get(JAVA_BYTE, 100)).isEqualTo((byte) 42);
            }
            Arena closed = Arena.ofConfined();
            closed.close();
            assertThatThrownBy(() -> shm.map(MapMode.READ_WRITE, 0, 10, closed)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void privateMappingsDoNotWriteThrough() throws IOException {
        try (SharedMemory shm = SharedMemory.create(name(), 2 * 4096);
             Mapping shared = shm.map();
             Mapping cow = shm.map(MapMode.PRIVATE)) {
            cow.segment().set(JAVA_LONG, 0, 5);
            assertThat(shared.segment().get(JAVA_LONG, 0)).isZero();
            // a page this process has not written to yet still shows the object
            shared.segment().set(JAVA_LONG, 4096, 6);
            assertThat(cow.segment().get(JAVA_LONG, 4096)).isEqualTo(6);
        }
    }

    @Test
    void uniqueNamesAreValidAndDistinct() {
        String a = SharedMemory.uniqueName("x");
        String b = SharedMemory.uniqueName("x");
        assertThat(a).matches("/x-[0-9a-f]{16}").isNotEqualTo(b);
        assertThatThrownBy(() -> SharedMemory.uniqueName("a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SharedMemory.uniqueName("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pythonReadsWhatJavaWrote() throws Exception {
        String name = name();
        try (SharedMemory shm = SharedMemory.create(name, 4096); Mapping m = shm.map()) {
            byte[] data = "written by java".getBytes();
            MemorySegment.copy(data, 0, m.segment(), JAVA_BYTE, 0, data.length);
            assertThat(Peers.runPython("read", name.substring(1), Integer.toString(data.length)))
                    .isEqualTo(HexFormat.of().formatHex(data));
            assertThat(Peers.runPython("write", name.substring(1), HexFormat.of().formatHex("python".getBytes())))
                    .isEqualTo("ok");
            assertThat(m.segment().getString(0)).isEqualTo("pythonn by java");
        }
        assertThat(Files.exists(Path.of("/dev/shm", name.substring(1)))).isTrue();
    }

    @Test
    void javaReadsWhatPythonWrote() throws Exception {
        String name = name();
        assertThat(Peers.runPython("create", name.substring(1), "8192",
                HexFormat.of().formatHex("from python\0".getBytes()))).isEqualTo("ok");
        try (SharedMemory shm = SharedMemory.openReadOnly(name); Mapping m = shm.map()) {
            assertThat(m.byteSize()).isEqualTo(8192);
            assertThat(m.segment().getString(0)).isEqualTo("from python");
        }
    }
}
