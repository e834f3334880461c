package org.panamaipc.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.panamaipc.socket.Peers;
import org.panamaipc.testing.Blocked;
import org.panamaipc.testing.BlockingChecks;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.PythonPeer;

@IpcTest
class LockableFileTest {
    /** x86_64 system call numbers, for {@link Blocked}. */
    private static final int SYS_FCNTL = 72;
    private static final int SYS_FLOCK = 73;

    private Path path;

    @BeforeEach
    void setUp() throws IOException {
        path = Files.createTempFile("panama-ipc-lock-", ".lock");
        Files.write(path, new byte[4096]);
    }

    @AfterEach
    void tearDown() throws IOException {
        Files.deleteIfExists(path);
    }

    private PeerProcess python(String action, String family, String mode, long start, long length) {
        return PythonPeer.start("lock_peer.py", action, family, mode, path.toString(), Long.toString(start),
                Long.toString(length));
    }

    private String pythonTries(String family, String mode, long start, long length) throws Exception {
        try (PeerProcess p = python("try", family, mode, start, length)) {
            String line = p.readLine();
            assertThat(p.waitFor()).isZero();
            return line;
        }
    }

    private String flockCommandTries(String mode) throws Exception {
        Process p = new ProcessBuilder("flock", "-n", "-" + (mode.equals("ex") ? "x" : "s"), path.toString(), "true")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() == 0 ? "got" : "busy";
    }

    @Test
    void aDeadlockBetweenJavaAndPythonIsReportedAsEdeadlk() throws Exception {
        try (LockableFile file = LockableFile.open(path);
             HeldLock mine = file.lock(LockKind.PROCESS, LockMode.EXCLUSIVE, 10, 10);
             PeerProcess peer = PythonPeer.start("lock_peer.py", "hold-then-wait", "lockf", "ex",
                     path.toString(), "0", "10", "10", "10")) {
            String held = peer.readLine();
            assertThat(held).startsWith("held ");
            String pid = held.substring(5);
            peer.send("go");
            // Wait until the kernel shows python blocked on our range ("->" marks a waiter in /proc/locks).
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Files.readAllLines(Path.of("/proc/locks")).stream()
                    .noneMatch(l -> l.contains("->") && l.contains(" " + pid + " "))) {
                assertThat(System.nanoTime()).as("python blocks on our lock").isLessThan(end);
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // polling: no notification exists
            }
            assertThatThrownBy(() -> file.lock(LockKind.PROCESS, LockMode.EXCLUSIVE, 0, 10))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("fcntl(").hasMessageContaining("F_SETLKW")
                    .hasMessageContaining("EDEADLK (Resource deadlock avoided)");
            mine.release();
            assertThat(peer.readLine()).isEqualTo("got");
        }
    }

    @Test
    void pythonLockfSeesJavaProcessLocksByRangeAndJavaSeesItsPid() throws Exception {
        try (LockableFile file = LockableFile.open(path);
             HeldLock lock = file.lock(LockKind.PROCESS, LockMode.EXCLUSIVE, 100, 50)) {
            assertThat(lock.isValid()).isTrue();
            assertThat(pythonTries("lockf", "ex", 120, 10)).isEqualTo("busy");
            assertThat(pythonTries("lockf", "sh", 0, 100)).isEqualTo("got");
            assertThat(pythonTries("lockf", "ex", 150, 0)).isEqualTo("got");
        }
        assertThat(pythonTries("lockf", "ex", 120, 10)).as("released on close").isEqualTo("got");
    }

    @Test
    void javaWaitsForPythonsLockAndGetLkReportsItsPid() throws Exception {
        try (LockableFile file = LockableFile.open(path);
             PeerProcess holder = python("hold", "lockf", "ex", 0, 10)) {
            String held = holder.readLine();
            assertThat(held).startsWith("held ");
            int pid = Integer.parseInt(held.substring(5));
            LockConflict conflict = file.conflicting(LockKind.PROCESS, LockMode.SHARED, 5, 1);
            assertThat(conflict).isEqualTo(new LockConflict(LockMode.EXCLUSIVE, 0, 10, pid));
            assertThat(file.conflicting(LockKind.OPEN_FILE, LockMode.SHARED, 5, 1).pid()).isEqualTo(pid);
            assertThat(file.conflicting(LockKind.PROCESS, LockMode.EXCLUSIVE, 10, 5)).isNull();
            assertThat(file.tryLock(LockKind.PROCESS, LockMode.SHARED, 0, 1)).isNull();
            assertThat(file.tryLock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE, 9, 1)).isNull();
            assertThat(file.lock(LockKind.PROCESS, LockMode.EXCLUSIVE, 0, 10, Duration.ofMillis(100))).isNull();
            CompletableFuture<HeldLock> waiting = new CompletableFuture<>();
            Peers.daemon(() -> {
                try {
                    waiting.complete(file.lock(LockKind.PROCESS, LockMode.EXCLUSIVE, 0, 10));
                } catch (Throwable t) {
                    waiting.completeExceptionally(t);
                }
            });
            holder.send("go");
            assertThat(holder.readLine()).isEqualTo("released");
            try (HeldLock lock = waiting.get(20, TimeUnit.SECONDS)) {
                assertThat(lock.isValid()).isTrue();
                assertThat(pythonTries("lockf", "sh", 0, 1)).isEqualTo("busy");
            }
        }
    }

    @Test
    void flockContendsWithUtilLinuxFlockAndPythonBothWays() throws Exception {
        try (LockableFile file = LockableFile.open(path)) {
            try (HeldLock lock = file.lock(LockKind.FLOCK, LockMode.EXCLUSIVE)) {
                assertThat(flockCommandTries("sh")).isEqualTo("busy");
                assertThat(pythonTries("flock", "sh", 0, 0)).isEqualTo("busy");
                assertThat(pythonTries("lockf", "ex", 0, 0)).as("fcntl and flock locks are apart").isEqualTo("got");
            }
            assertThat(flockCommandTries("ex")).isEqualTo("got");
            try (HeldLock shared = file.lock(LockKind.FLOCK, LockMode.SHARED)) {
                assertThat(flockCommandTries("sh")).isEqualTo("got");
                assertThat(flockCommandTries("ex")).isEqualTo("busy");
            }
            try (PeerProcess holder = PeerProcess.start("flock", new ProcessBuilder("flock", "-x", path.toString(),
                    "sh", "-c", "echo held; read line; echo released"))) {
                assertThat(holder.readLine()).isEqualTo("held");
                assertThat(file.tryLock(LockKind.FLOCK, LockMode.SHARED)).isNull();
                assertThat(file.lock(LockKind.FLOCK, LockMode.EXCLUSIVE, 0, 0, Duration.ofMillis(50))).isNull();
                holder.send("go");
                assertThat(holder.readLine()).isEqualTo("released");
                try (HeldLock lock = file.lock(LockKind.FLOCK, LockMode.EXCLUSIVE, 0, 0, Duration.ofSeconds(20))) {
                    assertThat(lock).isNotNull();
                }
            }
            try (PeerProcess holder = python("hold", "flock", "sh", 0, 0)) {
                assertThat(holder.readLine()).startsWith("held");
                assertThat(file.tryLock(LockKind.FLOCK, LockMode.EXCLUSIVE)).isNull();
                try (HeldLock shared = file.tryLock(LockKind.FLOCK, LockMode.SHARED)) {
                    assertThat(shared).isNotNull();
                }
                holder.send("go");
                assertThat(holder.readLine()).isEqualTo("released");
            }
        }
    }

    @Test
    void closingAnyDescriptorDropsProcessLocksButNotOpenFileLocks() throws Exception {
        try (LockableFile file = LockableFile.open(path)) {
            HeldLock process = file.lock(LockKind.PROCESS, LockMode.EXCLUSIVE, 0, 100);
            assertThat(pythonTries("lockf", "ex", 0, 100)).isEqualTo("busy");
            LockableFile.openReadOnly(path).close(); // an unrelated descriptor of the same file
            assertThat(pythonTries("lockf", "ex", 0, 100)).as("the classic pitfall").isEqualTo("got");
            assertThat(process.isValid()).isFalse();
            process.release(); // nothing left to release

            try (HeldLock ofd = file.lock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE, 0, 100)) {
                assertThat(pythonTries("lockf", "ex", 0, 100)).isEqualTo("busy");
                LockableFile.openReadOnly(path).close();
                assertThat(pythonTries("lockf", "ex", 0, 100)).as("OFD locks survive").isEqualTo("busy");
                assertThat(ofd.isValid()).isTrue();
            }
            assertThat(pythonTries("lockf", "ex", 0, 100)).isEqualTo("got");
        }
    }

    @Test
    void openFileLocksOfTwoFilesInOneProcessConflict() throws Exception {
        try (LockableFile a = LockableFile.open(path); LockableFile b = LockableFile.open(path)) {
            try (HeldLock held = a.lock(LockKind.OPEN_FILE, LockMode.SHARED, 0, 10)) {
                assertThat(b.tryLock(LockKind.OPEN_FILE, LockMode.SHARED, 0, 10)).isNotNull().satisfies(HeldLock::close);
                assertThat(b.tryLock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE, 5, 10)).isNull();
                LockConflict c = b.conflicting(LockKind.OPEN_FILE, LockMode.EXCLUSIVE, 0, 0);
                assertThat(c).isEqualTo(new LockConflict(LockMode.SHARED, 0, 10, -1));
                assertThat(b.lock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE, 0, 1, Duration.ofMillis(50))).isNull();
            }
            assertThat(b.tryLock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE, 5, 10)).isNotNull();
        }
    }

    @ParameterizedTest
    @EnumSource(LockKind.class)
    void interruptEndsALockWaitWithNoLockHeld(LockKind kind) throws Exception {
        String family = kind == LockKind.FLOCK ? "flock" : "lockf";
        int syscall = kind == LockKind.FLOCK ? SYS_FLOCK : SYS_FCNTL;
        try (LockableFile file = LockableFile.open(path);
             PeerProcess holder = python("hold", family, "ex", 0, 0)) {
            assertThat(holder.readLine()).startsWith("held ");
            BlockingChecks.interruptEndsTheCallPromptly(syscall, null, () -> file.lock(kind, LockMode.EXCLUSIVE),
                    InterruptedIOException.class);
            assertThat(file.isOpen()).isTrue();
            holder.send("release");
            assertThat(holder.readLine()).isEqualTo("released");
            // the interrupted call took nothing: a peer gets the lock, and so does this file
            String peer = kind == LockKind.FLOCK ? flockCommandTries("ex") : pythonTries("lockf", "ex", 0, 0);
            assertThat(peer).isEqualTo("got");
            try (HeldLock mine = file.tryLock(kind, LockMode.EXCLUSIVE)) {
                assertThat(mine).isNotNull();
            }
        }
    }

    @Test
    void closeReleasesAThreadWaitingForALock() throws Exception {
        try (LockableFile a = LockableFile.open(path);
             HeldLock held = a.lock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE)) {
            for (LockKind kind : new LockKind[] {LockKind.OPEN_FILE, LockKind.FLOCK}) {
                HeldLock flockHeld = kind == LockKind.FLOCK ? a.lock(LockKind.FLOCK, LockMode.EXCLUSIVE) : null;
                LockableFile b = LockableFile.open(path);
                CompletableFuture<Throwable> waiter = new CompletableFuture<>();
                Peers.daemon(() -> {
                    try {
                        b.lock(kind, LockMode.EXCLUSIVE);
                        waiter.complete(null);
                    } catch (Throwable t) {
                        waiter.complete(t);
                    }
                });
                b.close();
                assertThat(waiter.get(10, TimeUnit.SECONDS))
                        .isInstanceOfAny(AsynchronousCloseException.class, IllegalStateException.class);
                if (flockHeld != null) {
                    flockHeld.release();
                }
            }
        }
    }

    @Test
    void badRangesAndOverlapsAreRefusedClearly() throws Exception {
        try (LockableFile file = LockableFile.open(path); LockableFile other = LockableFile.open(path)) {
            assertThatThrownBy(() -> file.lock(LockKind.PROCESS, LockMode.SHARED, -1, 10))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("start=-1 must not be negative");
            assertThatThrownBy(() -> file.tryLock(LockKind.OPEN_FILE, LockMode.SHARED, 0, -5))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("length=-5 must not be negative");
            assertThatThrownBy(() -> file.tryLock(LockKind.OPEN_FILE, LockMode.SHARED, Long.MAX_VALUE, 2))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overflows");
            assertThatThrownBy(() -> file.tryLock(LockKind.FLOCK, LockMode.SHARED, 1, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole file");
            assertThatThrownBy(() -> file.conflicting(LockKind.FLOCK, LockMode.SHARED, 0, 0))
                    .isInstanceOf(UnsupportedOperationException.class);
            try (HeldLock a = file.lock(LockKind.PROCESS, LockMode.SHARED, 10, 10);
                 HeldLock b = file.lock(LockKind.OPEN_FILE, LockMode.SHARED, 10, 10);
                 HeldLock c = file.lock(LockKind.FLOCK, LockMode.SHARED)) {
                assertThatThrownBy(() -> file.lock(LockKind.PROCESS, LockMode.EXCLUSIVE, 15, 0))
                        .isInstanceOf(OverlappingFileLockException.class);
                assertThatThrownBy(() -> other.tryLock(LockKind.PROCESS, LockMode.SHARED, 19, 1))
                        .as("process locks are the process's, whichever file object")
                        .isInstanceOf(OverlappingFileLockException.class);
                assertThatThrownBy(() -> file.tryLock(LockKind.OPEN_FILE, LockMode.SHARED, 0, 11))
                        .isInstanceOf(OverlappingFileLockException.class);
                assertThatThrownBy(() -> file.tryLock(LockKind.FLOCK, LockMode.EXCLUSIVE))
                        .isInstanceOf(OverlappingFileLockException.class);
                assertThatThrownBy(() -> file.tryLock(LockKind.PROCESS, LockMode.EXCLUSIVE, 0, 0))
                        .as("a process lock over this file's own OFD lock would wait for itself")
                        .isInstanceOf(OverlappingFileLockException.class);
                try (HeldLock adjacent = file.lock(LockKind.PROCESS, LockMode.SHARED, 20, 5)) {
                    assertThat(adjacent.isValid()).isTrue();
                }
            }
        }
        try (LockableFile readOnly = LockableFile.openReadOnly(path)) {
            assertThatThrownBy(() -> readOnly.tryLock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE))
                    .isInstanceOf(IOException.class).hasMessageContaining("F_OFD_SETLK").hasMessageContaining("EBADF");
        }
        assertThatThrownBy(() -> LockableFile.open(path.resolveSibling("missing-" + path.getFileName())))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("open(");
        LockableFile closed = LockableFile.open(path);
        closed.close();
        assertThatThrownBy(() -> closed.tryLock(LockKind.OPEN_FILE, LockMode.SHARED))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
    }

    @Test
    void openOrCreateMakesAPrivateFile() throws Exception {
        Path fresh = path.resolveSibling(path.getFileName() + ".new");
        try (LockableFile file = LockableFile.openOrCreate(fresh)) {
            assertThat(Files.getPosixFilePermissions(fresh)).containsExactlyInAnyOrder(
                    java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
            assertThat(file.tryLock(LockKind.FLOCK, LockMode.EXCLUSIVE)).isNotNull();
        } finally {
            Files.deleteIfExists(fresh);
        }
    }

    @Test
    void openOrCreateLeavesAnExistingFileAsItWas() throws Exception {
        Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        try (LockableFile file = LockableFile.openOrCreate(path)) {
            assertThat(file.fd().isOpen()).isTrue();
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path)))
                    .isEqualTo("rw-r--r--");
            assertThat(Files.size(path)).isEqualTo(4096);
            try (HeldLock lock = file.tryLock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE)) {
                assertThat(lock).isNotNull();
                assertThat(pythonTries("lockf", "ex", 0, 0)).isEqualTo("busy");
            }
        }
    }

    @Test
    void aReceivedDescriptorLocksAsALockableFile() throws Exception {
        try (var pair = org.panamaipc.socket.UnixSocket.pair(org.panamaipc.socket.SocketType.DATAGRAM);
             LockableFile original = LockableFile.open(path);
             java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            try (org.panamaipc.OwnedFd copy = org.panamaipc.OwnedFd.adopt(org.panamaipc.internal.Sys.fcntl(
                    descriptorOf(original), org.panamaipc.bindings.LibC.F_DUPFD_CLOEXEC(), 0))) {
                pair.first().sendDescriptors(arena.allocateFrom("f"), copy);
            }
            try (var m = pair.second().receiveMessage(arena.allocate(4), 1);
                 LockableFile received = LockableFile.adopt(m.descriptors().getFirst());
                 HeldLock lock = received.lock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE, 0, 10)) {
                assertThat(lock.isValid()).isTrue();
                assertThat(pythonTries("lockf", "sh", 5, 1)).isEqualTo("busy");
                assertThat(received.name()).startsWith("fd=");
            }
        }
    }

    private static int descriptorOf(LockableFile file) throws IOException {
        // The test reaches the descriptor through /proc: LockableFile does not expose it.
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(file.name())) {
                        return Integer.parseInt(fd.getFileName().toString());
                    }
                } catch (IOException gone) {
                    // the directory's own descriptor, closed meanwhile
                }
            }
        }
        throw new AssertionError("no descriptor for " + file.name());
    }

    @ParameterizedTest
    @EnumSource(value = LockKind.class)
    void javaHoldsAndPythonWaitsUntilRelease(LockKind kind) throws Exception {
        String family = kind == LockKind.FLOCK ? "flock" : "lockf";
        try (LockableFile file = LockableFile.open(path)) {
            HeldLock lock = file.lock(kind, LockMode.EXCLUSIVE);
            try (PeerProcess waiter = python("wait", family, "ex", 0, 0)) {
                assertThat(pythonTries(family, "sh", 0, 0)).isEqualTo("busy");
                lock.release();
                assertThat(waiter.readLine()).isEqualTo("got");
                assertThat(waiter.waitFor()).isZero();
            }
        }
    }
}
