package org.panamaipc.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.panamaipc.Errno;
import org.panamaipc.ErrnoException;
import org.panamaipc.mq.PosixMessage;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.shm.MapMode;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.MappedFile;
import org.panamaipc.shm.Memfd;
import org.panamaipc.shm.MemfdOption;
import org.panamaipc.shm.Seal;
import org.panamaipc.shm.SharedMemory;
import org.panamaipc.shm.SysVSharedMemory;
import org.panamaipc.socket.SocketPair;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixSocket;
import org.panamaipc.sync.Futex;
import org.panamaipc.sync.ProcessCondition;
import org.panamaipc.sync.ProcessMutex;
import org.panamaipc.sync.UnnamedSemaphore;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.PythonPeer;

/**
 * A peer process ({@code python3}, {@code os.ftruncate}) truncates shared memory under what
 * the library hands to the C library or the kernel. The JVM must survive: the C library's
 * objects (mutex, condition, unnamed semaphore) are refused up front in memory that can
 * shrink, and live on in memory that cannot; the kernel's paths (futex, queue, pipe, socket)
 * fail with {@code EFAULT}. Before the refusal, the first tests crashed the JVM with
 * {@code SIGBUS} inside {@code pthread_mutex_timedlock}, {@code sem_trywait} and
 * {@code pthread_cond_signal}: a crashed test fork fails the run.
 */
@IpcTest
class TruncationTest {
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(20);
    private static final long SIZE = 1 << 20;
    private static final long PAGE = 4096;

    private final String name = SharedMemory.uniqueName("trunc");
    private final String queueName = PosixMessageQueue.uniqueName("trunc");

    @AfterEach
    void removeNames() throws IOException {
        SharedMemory.unlinkIfExists(name);
        PosixMessageQueue.unlinkIfExists(queueName);
    }

    /** {@code os.ftruncate} by another process; returns "ok" or the errno's name. */
    private static String truncateByPeer(Path path, long size) {
        try (PeerProcess peer = PythonPeer.start("shm_peer.py", "truncate", path.toString(), Long.toString(size))) {
            String line = peer.readLine(PEER_TIMEOUT);
            peer.expectExit(0, PEER_TIMEOUT);
            return line;
        }
    }

    private Path shmPath() {
        return Path.of("/dev/shm", name.substring(1));
    }

    @Test
    void aMutexInPosixSharedMemoryIsRefusedBeforeAPeerCanTruncateIt() throws IOException {
        try (SharedMemory shm = SharedMemory.create(name, SIZE); Mapping m = shm.map()) {
            assertThatThrownBy(() -> {
                try (ProcessMutex mutex = ProcessMutex.initialize(m.segment(), 0)) {
                    assertThat(truncateByPeer(shmPath(), 0)).isEqualTo("ok");
                    mutex.tryLock(Duration.ofMillis(200)); // SIGBUS in pthread_mutex_timedlock without the refusal
                }
            }).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ProcessMutex")
                    .hasMessageContaining(name)
                    .hasMessageContaining("Seal.SHRINK");
            assertThatThrownBy(() -> ProcessMutex.attach(m.segment(), 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(name);
        }
    }

    @Test
    void anUnnamedSemaphoreInPosixSharedMemoryIsRefused() throws IOException {
        try (SharedMemory shm = SharedMemory.create(name, SIZE); Mapping m = shm.map()) {
            assertThatThrownBy(() -> {
                try (UnnamedSemaphore sem = UnnamedSemaphore.initialize(m.segment(), 0, 1)) {
                    assertThat(truncateByPeer(shmPath(), 0)).isEqualTo("ok");
                    sem.tryAcquire(); // SIGBUS in sem_trywait without the refusal
                }
            }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UnnamedSemaphore");
            assertThatThrownBy(() -> UnnamedSemaphore.attach(m.segment(), 0))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aConditionInPosixSharedMemoryIsRefused() throws IOException {
        try (SharedMemory shm = SharedMemory.create(name, SIZE); Mapping m = shm.map()) {
            assertThatThrownBy(() -> {
                try (ProcessCondition condition = ProcessCondition.initialize(m.segment(), 0)) {
                    assertThat(truncateByPeer(shmPath(), 0)).isEqualTo("ok");
                    condition.signal(); // SIGBUS in pthread_cond_signal without the refusal
                }
            }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ProcessCondition");
            assertThatThrownBy(() -> ProcessCondition.attach(m.segment(), 0))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void everyViewOfAShrinkableLibraryMappingIsRefused() throws IOException {
        try (SharedMemory shm = SharedMemory.create(name, SIZE); Arena arena = Arena.ofConfined()) {
            MemorySegment inArena = shm.map(MapMode.READ_WRITE, PAGE, PAGE, arena);
            assertThatThrownBy(() -> ProcessMutex.initialize(inArena, 0)).isInstanceOf(IllegalArgumentException.class);
            // the same memory reached through a raw address is recognised by where it lies
            MemorySegment raw = MemorySegment.ofAddress(inArena.address()).reinterpret(PAGE);
            assertThatThrownBy(() -> ProcessMutex.initialize(raw, 64)).isInstanceOf(IllegalArgumentException.class);
        }
        try (MappedFile file = MappedFile.open(shmPath()); Mapping m = file.map()) {
            assertThatThrownBy(() -> UnnamedSemaphore.initialize(m.segment(), 0, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no Seal.SHRINK");
        }
    }

    @Test
    void anUnsealedMemfdIsRefusedAndOneSealedAfterMappingIsAccepted() throws IOException {
        try (Memfd memfd = Memfd.create("unsealed", SIZE, EnumSet.of(MemfdOption.ALLOW_SEALING));
             Mapping m = memfd.map()) {
            assertThatThrownBy(() -> ProcessMutex.initialize(m.segment(), 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("memfd:unsealed");
            memfd.addSeals(Seal.SHRINK);
            try (ProcessMutex mutex = ProcessMutex.initialize(m.segment(), 0)) {
                assertThat(mutex.tryLock()).isNotNull();
                mutex.unlock();
            }
        }
    }

    @Test
    void aPeerCannotTruncateASealedMemfdSoTheMutexSemaphoreAndConditionLiveOn() throws IOException {
        try (Memfd memfd = Memfd.create("sealed", SIZE, EnumSet.of(MemfdOption.ALLOW_SEALING))) {
            memfd.addSeals(Seal.SHRINK);
            try (Mapping m = memfd.map();
                 ProcessMutex mutex = ProcessMutex.initialize(m.segment(), 0);
                 ProcessCondition condition = ProcessCondition.initialize(m.segment(), 64);
                 UnnamedSemaphore sem = UnnamedSemaphore.initialize(m.segment(), 128, 1)) {
                assertThat(truncateByPeer(memfd.pathForPeers(), 0)).isEqualTo("EPERM");
                memfd.close(); // the mapping, and what it was found to be, outlive the descriptor
                try (ProcessMutex again = ProcessMutex.attach(m.segment(), 0)) {
                    assertThat(again.tryLock(Duration.ofMillis(200))).isNotNull();
                    condition.signal();
                    again.unlock();
                }
                assertThat(sem.tryAcquire()).isTrue();
                assertThat(mutex.isOpen()).isTrue();
            }
        }
    }

    @Test
    void systemVAndAnonymousMemoryAreAccepted() throws IOException {
        SysVSharedMemory shm = SysVSharedMemory.createPrivate(PAGE).removeOnClose();
        try (shm; Mapping m = shm.attach(); ProcessMutex mutex = ProcessMutex.initialize(m.segment(), 0)) {
            assertThat(mutex.tryLock()).isNotNull();
            mutex.unlock();
        }
        try (Mapping m = Mapping.anonymous(PAGE, EnumSet.noneOf(org.panamaipc.shm.MapOption.class));
             UnnamedSemaphore sem = UnnamedSemaphore.initialize(m.segment(), 0, 1)) {
            assertThat(sem.tryAcquire()).isTrue();
        }
    }

    @Test
    void aFutexOnTruncatedMemoryFailsWithEfaultInTheKernel() throws IOException {
        try (SharedMemory shm = SharedMemory.create(name, SIZE); Mapping m = shm.map();
             Futex futex = Futex.of(m.segment(), PAGE)) {
            assertThat(truncateByPeer(shmPath(), 0)).isEqualTo("ok");
            assertThatThrownBy(() -> futex.wake(1)).isInstanceOf(ErrnoException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EFAULT));
            assertThatThrownBy(() -> futex.await(0, Duration.ofMillis(100))).isInstanceOf(ErrnoException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EFAULT));
            assertThatThrownBy(futex::value).isInstanceOf(InternalError.class); // a Java access
        }
    }

    @Test
    void aQueueReceiveIntoTruncatedMemoryFailsWithEfaultAndTheMessageIsGone() throws IOException {
        try (SharedMemory shm = SharedMemory.create(name, SIZE); Mapping m = shm.map();
             PosixMessageQueue q = PosixMessageQueue.create(queueName, 4, 64)) {
            q.send("kept?".getBytes(), 1);
            assertThat(truncateByPeer(shmPath(), 0)).isEqualTo("ok");
            assertThatThrownBy(() -> q.send(m.segment().asSlice(0, 8), 1)).isInstanceOf(ErrnoException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EFAULT));
            assertThatThrownBy(() -> q.tryReceive(PosixMessage.wrap(m.segment().asSlice(0, 64))))
                    .isInstanceOf(ErrnoException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EFAULT));
            assertThat(q.tryReceive()).as("the kernel dequeued the message before it failed to copy it").isNull();
        }
    }

    @Test
    void aPipeReadIntoTruncatedMemoryFailsWithEfaultAndKeepsTheData() throws IOException {
        try (SharedMemory shm = SharedMemory.create(name, SIZE); Mapping m = shm.map(); Pipe pipe = Pipe.open()) {
            pipe.sink().write(new byte[] {1, 2, 3}, 0, 3);
            assertThat(truncateByPeer(shmPath(), 0)).isEqualTo("ok");
            assertThatThrownBy(() -> pipe.source().read(m.segment().asSlice(0, 16))).isInstanceOf(ErrnoException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EFAULT));
            assertThatThrownBy(() -> pipe.sink().write(m.segment().asSlice(0, 16))).isInstanceOf(ErrnoException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EFAULT));
            byte[] b = new byte[3];
            assertThat(pipe.source().read(b, 0, 3)).isEqualTo(3);
            assertThat(b).containsExactly(1, 2, 3);
        }
    }

    @Test
    void aSocketSendFromTruncatedMemoryFailsWithEfault() throws IOException {
        try (SharedMemory shm = SharedMemory.create(name, SIZE); Mapping m = shm.map();
             SocketPair pair = UnixSocket.pair(SocketType.STREAM)) {
            assertThat(truncateByPeer(shmPath(), 0)).isEqualTo("ok");
            assertThatThrownBy(() -> pair.first().send(m.segment().asSlice(0, 16))).isInstanceOf(ErrnoException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EFAULT));
            pair.first().send(new byte[] {7});
            assertThatThrownBy(() -> pair.second().receive(m.segment().asSlice(0, 16))).isInstanceOf(ErrnoException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EFAULT));
            assertThat(pair.second().receive(new byte[1])).as("a stream keeps the bytes").isEqualTo(1);
        }
    }

    @Test
    void aDatagramReceiveIntoTruncatedMemoryFailsWithEfaultAndTheDatagramIsGone() throws IOException {
        try (SharedMemory shm = SharedMemory.create(name, SIZE); Mapping m = shm.map();
             SocketPair pair = UnixSocket.pair(SocketType.DATAGRAM)) {
            pair.first().send(new byte[] {7});
            assertThat(truncateByPeer(shmPath(), 0)).isEqualTo("ok");
            assertThatThrownBy(() -> pair.second().receive(m.segment().asSlice(0, 16))).isInstanceOf(ErrnoException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EFAULT));
            assertThat(pair.second().receive(MemorySegment.ofArray(new byte[1]), Duration.ZERO))
                    .as("the kernel dequeued it before the copy failed").isEqualTo(0);
        }
    }
}
