package org.panamaipc.shm;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.panamaipc.Errno;
import org.panamaipc.ErrnoException;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.posix_spawn_file_actions_t;
import org.panamaipc.internal.Sys;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.TestRun;

@IpcTest
class MemfdTest {

    @Test
    void aMemfdMapsSharedBetweenTwoMappings() throws IOException {
        try (Memfd memfd = Memfd.create("frames", 8192); Mapping a = memfd.map(); Mapping b = memfd.map()) {
            a.segment().set(JAVA_LONG, 4096, 123);
            assertThat(b.segment().get(JAVA_LONG, 4096)).isEqualTo(123);
            assertThat(memfd.size()).isEqualTo(8192);
            assertThat(memfd.name()).isEqualTo("frames");
            assertThat(Files.readSymbolicLink(memfd.pathForPeers()).toString()).startsWith("/memfd:frames");
        }
    }

    @Test
    void aPeerProcessMapsTheMemfdAndSeesWhatJavaWrote() throws Exception {
        try (Memfd memfd = Memfd.create("for-python", 4096); Mapping m = memfd.map()) {
            m.segment().setString(0, "memfd bytes");
            assertThat(Peers.runPython("mapread", memfd.pathForPeers().toString(), "11"))
                    .isEqualTo(java.util.HexFormat.of().formatHex("memfd bytes".getBytes()));
        }
    }

    @Test
    void aChildProcessInheritsTheMemfdAsDescriptor3AndSharesItsMemory() throws Exception {
        try (Memfd memfd = Memfd.create("inherited", 4096); Mapping m = memfd.map(); Arena arena = Arena.ofConfined()) {
            m.segment().setString(0, "hello");
            String script = "import mmap\nm = mmap.mmap(3, 0)\nm[100:111] = b'child:' + m[:5]\n";
            MemorySegment actions = arena.allocate(posix_spawn_file_actions_t.layout());
            assertThat(LibC.posix_spawn_file_actions_init(actions)).isZero();
            try {
                // the launcher's part: place the (close-on-exec) descriptor at 3 in the child
                assertThat(LibC.posix_spawn_file_actions_adddup2(actions, memfd.fd().get(), 3)).isZero();
                String[] argv = {"python3", "-c", script};
                MemorySegment argvArray = arena.allocate(ValueLayout.ADDRESS, argv.length + 1);
                for (int i = 0; i < argv.length; i++) {
                    argvArray.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(argv[i]));
                }
                MemorySegment envp = arena.allocate(ValueLayout.ADDRESS, 2);
                envp.setAtIndex(ValueLayout.ADDRESS, 0, arena.allocateFrom("PATH=" + System.getenv("PATH")));
                MemorySegment pid = arena.allocate(ValueLayout.JAVA_INT);
                assertThat(LibC.posix_spawnp(pid, argvArray.getAtIndex(ValueLayout.ADDRESS, 0), actions,
                        MemorySegment.NULL, argvArray, envp)).isZero();
                MemorySegment status = arena.allocate(ValueLayout.JAVA_INT);
                int waited = -1;
                for (int attempt = 0; attempt < 100 && waited == -1; attempt++) { // -1: EINTR
                    waited = LibC.waitpid(pid.get(ValueLayout.JAVA_INT, 0), status, 0);
                }
                assertThat(waited).isEqualTo(pid.get(ValueLayout.JAVA_INT, 0));
                assertThat(status.get(ValueLayout.JAVA_INT, 0)).as("wait status").isZero();
            } finally {
                LibC.posix_spawn_file_actions_destroy(actions);
            }
            assertThat(m.segment().getString(100)).isEqualTo("child:hello");
        }
    }

    @Test
    void sealsAreATypedSetThatOnlyGrows() throws IOException {
        try (Memfd memfd = Memfd.create("sealed", 4096)) {
            assertThat(memfd.seals()).isEmpty();
            memfd.addSeals(Seal.SHRINK, Seal.GROW);
            assertThat(memfd.seals()).containsExactlyInAnyOrder(Seal.SHRINK, Seal.GROW);
            assertThatThrownBy(() -> memfd.truncate(100))
                    .isInstanceOf(IOException.class).hasMessageContaining("ftruncate").hasMessageContaining("EPERM");
            assertThatThrownBy(() -> memfd.truncate(8192)).hasMessageContaining("EPERM");
            memfd.addSeals(EnumSet.of(Seal.SEAL));
            assertThatThrownBy(() -> memfd.addSeals(Seal.WRITE))
                    .isInstanceOf(IOException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EPERM));
        }
    }

    @Test
    void aMemfdMadeWithoutSealingReportsTheSealSeal() throws IOException {
        try (Memfd memfd = Memfd.create("unsealable", 4096, EnumSet.noneOf(MemfdOption.class))) {
            assertThat(memfd.seals()).containsExactly(Seal.SEAL);
            assertThatThrownBy(() -> memfd.addSeals(Seal.SHRINK)).hasMessageContaining("EPERM");
        }
    }

    @Test
    void theWriteSealWaitsForWritableMappingsThenForbidsThem() throws IOException {
        try (Memfd memfd = Memfd.create("frozen", 4096)) {
            Mapping writable = memfd.map();
            writable.segment().set(JAVA_LONG, 0, 99);
            assertThatThrownBy(() -> memfd.addSeals(Seal.WRITE)).hasMessageContaining("EBUSY");
            writable.close();
            memfd.addSeals(Seal.WRITE);
            assertThatThrownBy(() -> memfd.map(MapMode.READ_WRITE)).hasMessageContaining("mmap")
                    .hasMessageContaining("EPERM");
            try (Mapping ro = memfd.map(MapMode.READ_ONLY)) {
                assertThat(ro.segment().get(JAVA_LONG, 0)).isEqualTo(99);
            }
        }
    }

    @Test
    void theFutureWriteSealKeepsExistingWritersAndRefusesNewOnes() throws IOException {
        try (Memfd memfd = Memfd.create("one-writer", 4096); Mapping writer = memfd.map()) {
            memfd.addSeals(Seal.FUTURE_WRITE);
            writer.segment().set(JAVA_LONG, 0, 1);
            assertThatThrownBy(() -> memfd.map(MapMode.READ_WRITE)).hasMessageContaining("EPERM");
            try (Mapping reader = memfd.map(MapMode.READ_ONLY)) {
                assertThat(reader.segment().get(JAVA_LONG, 0)).isEqualTo(1);
            }
        }
    }

    @Test
    void aPeerCannotShrinkAMemfdSealedAgainstShrinkingAndTheMappingStaysValid() throws Exception {
        try (Memfd memfd = Memfd.create("shared-frame", 4 * 4096); Mapping m = memfd.map()) {
            m.segment().set(JAVA_LONG, 3 * 4096, 31);
            memfd.addSeals(Seal.SHRINK, Seal.SEAL);
            assertThat(Peers.runPython("truncate", memfd.pathForPeers().toString(), "0")).isEqualTo("EPERM");
            assertThat(memfd.size()).isEqualTo(4 * 4096);
            assertThat(m.segment().get(JAVA_LONG, 3 * 4096)).isEqualTo(31);
            // growing is still allowed: only SHRINK was sealed
            assertThat(Peers.runPython("truncate", memfd.pathForPeers().toString(), "65536")).isEqualTo("ok");
            assertThat(memfd.size()).isEqualTo(65536);
        }
    }

    @Test
    void aPeerShrinkingAnUnsealedMemfdMakesAccessPastTheNewEndThrowInsteadOfCrashing() throws Exception {
        try (Memfd memfd = Memfd.create("unsealed", 2 * 4096); Mapping m = memfd.map()) {
            MemorySegment s = m.segment();
            assertThat(Peers.runPython("truncate", memfd.pathForPeers().toString(), "4096")).isEqualTo("ok");
            s.set(JAVA_LONG, 0, 1);
            // the JVM turns the SIGBUS of a lost page into an InternalError
            assertThatThrownBy(() -> s.get(JAVA_LONG, 4096)).isInstanceOf(InternalError.class);
            assertThatThrownBy(() -> s.set(JAVA_LONG, 4096, 1)).isInstanceOf(InternalError.class);
            assertThatThrownBy(() -> SharedAtomics.compareAndSetLong(s, 4096, 0, 1)).isInstanceOf(InternalError.class);
            assertThatThrownBy(() -> SharedAtomics.compareAndExchangeInt(s, 4096, 0, 1)).isInstanceOf(InternalError.class);
            assertThatThrownBy(() -> SharedAtomics.getAndAddLong(s, 4096, 1)).isInstanceOf(InternalError.class);
            assertThatThrownBy(() -> SharedAtomics.putLongRelease(s, 4096, 1)).isInstanceOf(InternalError.class);
            assertThatThrownBy(() -> SharedAtomics.getLongAcquire(s, 4096)).isInstanceOf(InternalError.class);
            assertThatThrownBy(() -> s.asSlice(4096).fill((byte) 1)).isInstanceOf(InternalError.class);
            assertThat(s.get(JAVA_LONG, 0)).isEqualTo(1);
        }
    }

    @Test
    void aReceivedDescriptorIsAdoptedAndMapsTheSameMemory() throws IOException {
        try (Memfd original = Memfd.create("passed", 4096); Mapping m = original.map()) {
            m.segment().set(JAVA_LONG, 0, 4242);
            original.addSeals(Seal.SHRINK);
            // what a socket delivers: a new descriptor for the same open file
            try (Memfd received = Memfd.adopt(original.fd().dup()); Mapping r = received.map()) {
                assertThat(received.isWritable()).isTrue();
                assertThat(received.seals()).containsExactly(Seal.SHRINK);
                assertThat(r.segment().get(JAVA_LONG, 0)).isEqualTo(4242);
                r.segment().set(JAVA_LONG, 8, 1);
                assertThat(m.segment().get(JAVA_LONG, 8)).isEqualTo(1);
            }
        }
    }

    @Test
    void aPosixSharedMemoryDescriptorCanBeAdoptedToo() throws IOException {
        String name = SharedMemory.uniqueName(TestRun.prefix("memfdtest"));
        try (SharedMemory shm = SharedMemory.create(name, 4096);
             Memfd adopted = Memfd.adopt(shm.fd().dup());
             Mapping m = adopted.map()) {
            assertThat(m.byteSize()).isEqualTo(4096);
            assertThat(adopted.seals()).contains(Seal.SEAL);
        } finally {
            SharedMemory.unlinkIfExists(name);
        }
    }

    @Test
    void adoptingADescriptorThatIsNotMemoryIsRefused() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
            assertThat(Sys.pipe2(fds, org.panamaipc.bindings.LibC.O_CLOEXEC())).isZero();
            try (OwnedFd read = OwnedFd.adopt(fds.getAtIndex(ValueLayout.JAVA_INT, 0));
                 OwnedFd write = OwnedFd.adopt(fds.getAtIndex(ValueLayout.JAVA_INT, 1))) {
                assertThatThrownBy(() -> Memfd.adopt(read))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not shared memory");
                assertThat(write.isOpen()).isTrue();
            }
        }
    }

    @Test
    void badNamesAndSizesAreRefused() {
        assertThatThrownBy(() -> Memfd.create("x".repeat(250))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("249");
        assertThatThrownBy(() -> Memfd.create("a\0b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Memfd.create("zero", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Memfd.create("negative", -5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEmptyMemfdHasNothingToMap() throws IOException {
        try (Memfd memfd = Memfd.create("empty")) {
            assertThatThrownBy(memfd::map).isInstanceOf(IllegalStateException.class).hasMessageContaining("size=0");
        }
    }

    @Test
    void hugePageMemfdsWorkOrFailClearly() throws IOException {
        long hugePage = 2 << 20;
        try (Memfd memfd = Memfd.create("huge", hugePage, EnumSet.of(MemfdOption.HUGE_PAGES));
             Mapping m = memfd.map()) {
            m.segment().set(JAVA_LONG, 0, 1);
            assertThat(m.segment().get(JAVA_LONG, 0)).isEqualTo(1);
        } catch (IOException e) {
            assertThat(hugePagesReserved()).isZero();
            assertThat(e).isInstanceOf(ErrnoException.class);
            assertThat(e.getMessage()).containsAnyOf("memfd_create", "ftruncate", "mmap");
            if (e.getMessage().startsWith("mmap")) {
                assertThat(e).hasMessageContaining("ENOMEM").hasMessageContaining("nr_hugepages");
            }
        }
    }

    @Test
    void closingTheMemfdLeavesItsMappingsValidAndIsIdempotent() throws IOException {
        Memfd memfd = Memfd.create("gone", 4096);
        Path path = memfd.pathForPeers();
        try (Mapping m = memfd.map()) {
            memfd.close();
            memfd.close();
            assertThat(Files.exists(path)).isFalse();
            m.segment().set(JAVA_LONG, 0, 3);
            assertThat(m.segment().get(JAVA_LONG, 0)).isEqualTo(3);
            assertThatThrownBy(memfd::seals).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> memfd.addSeals(Seal.GROW)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(memfd::pathForPeers).isInstanceOf(IllegalStateException.class);
        }
    }

    static long hugePagesReserved() throws IOException {
        return Long.parseLong(Files.readString(Path.of("/proc/sys/vm/nr_hugepages")).trim());
    }
}
