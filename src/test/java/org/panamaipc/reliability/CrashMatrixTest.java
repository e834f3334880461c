package org.panamaipc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.panamaipc.OwnedFd;
import org.panamaipc.lock.HeldLock;
import org.panamaipc.lock.LockKind;
import org.panamaipc.lock.LockMode;
import org.panamaipc.lock.LockableFile;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.SysVSharedMemory;
import org.panamaipc.socket.AbstractSocketAddress;
import org.panamaipc.socket.ReceivedMessage;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixServerSocket;
import org.panamaipc.socket.UnixSocket;
import org.panamaipc.sync.LockState;
import org.panamaipc.sync.NamedSemaphore;
import org.panamaipc.sync.ProcessMutex;
import org.panamaipc.sync.SemaphoreFlag;
import org.panamaipc.sync.SemaphoreOps;
import org.panamaipc.sync.SysVSemaphoreSet;
import org.panamaipc.sync.UnnamedSemaphore;
import org.panamaipc.testing.Deadline;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerJvm;
import org.panamaipc.testing.PeerProcess;

/**
 * {@code kill -9} of a peer that holds every kind of lock and semaphore, and of a peer in the
 * middle of sending descriptors: the survivor recovers (robust mutex, SEM_UNDO, file locks) or
 * gets a clear answer (a semaphore the dead peer took stays taken, and a timed wait says so),
 * nothing the peer had sent is lost, no descriptor leaks and this JVM lives. (A peer that
 * truncates shared memory under a sync object is in the truncation cases of this package.)
 */
@IpcTest
class CrashMatrixTest {
    /** Where the unnamed semaphore lies in the shared segment, after the mutex. */
    static final long SEMAPHORE_OFFSET = 128;

    private final Scope scope = new Scope();

    @AfterEach
    void cleanUp() throws Exception {
        scope.close();
    }

    @TestFactory
    Stream<DynamicNode> aPeerKilledWhileHoldingEveryKindOfLock() throws Exception {
        SysVSharedMemory shm = Fixtures.sysVSharedMemory(scope, 4096);
        int shmId = shm.id();
        Mapping mapping = scope.own(shm.attach());
        MemorySegment region = mapping.segment();
        ProcessMutex mutex = scope.own(ProcessMutex.initialize(region, 0));
        UnnamedSemaphore unnamed = scope.own(UnnamedSemaphore.initialize(region, SEMAPHORE_OFFSET, 1));
        String semName = NamedSemaphore.uniqueName("crash");
        scope.defer(() -> NamedSemaphore.unlinkIfExists(semName));
        NamedSemaphore named = scope.own(NamedSemaphore.create(semName, 1));
        SysVSemaphoreSet undo = sysVSet();
        SysVSemaphoreSet plain = sysVSet();
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            files.add(Fixtures.tempFile(scope));
        }
        PeerProcess peer = scope.own(PeerJvm.builder(CrashPeer.class).onClassPath().start("hold",
                Integer.toString(shmId), semName, Integer.toString(undo.id()), Integer.toString(plain.id()),
                files.get(0).toString(), files.get(1).toString(), files.get(2).toString()));
        peer.expectLine("held", Duration.ofSeconds(60));

        List<DynamicNode> cases = new ArrayList<>();
        // Before the kill: each is held by the peer.
        cases.add(Case.of("the peer holds the process mutex", s -> assertThat(mutex.tryLock()).isNull()));
        cases.add(Case.of("the peer holds the unnamed semaphore", s -> assertThat(unnamed.tryAcquire()).isFalse()));
        cases.add(Case.of("the peer holds the named semaphore", s -> assertThat(named.tryAcquire()).isFalse()));
        cases.add(Case.of("the peer holds the System V semaphore with SEM_UNDO",
                s -> assertThat(undo.value(0)).isZero()));
        cases.add(Case.of("the peer holds the System V semaphore without SEM_UNDO",
                s -> assertThat(plain.value(0)).isZero()));
        LockKind[] kinds = {LockKind.PROCESS, LockKind.OPEN_FILE, LockKind.FLOCK};
        for (int i = 0; i < kinds.length; i++) {
            Path file = files.get(i);
            LockKind kind = kinds[i];
            cases.add(Case.of("the peer holds the " + kind + " lock", s -> {
                LockableFile f = s.own(LockableFile.open(file));
                assertThat(f.tryLock(kind, LockMode.EXCLUSIVE)).isNull();
            }));
        }
        cases.add(Case.of("kill -9 of the peer", s -> {
            peer.kill9();
            assertThat(peer.isAlive()).isFalse();
        }));
        // After the kill: recovered, or a clear answer.
        cases.add(Case.of("the process mutex: OWNER_DIED, then consistent and usable", s -> {
            assertThat(mutex.tryLock(Duration.ofSeconds(10))).isEqualTo(LockState.OWNER_DIED);
            mutex.markConsistent();
            mutex.unlock();
            assertThat(mutex.tryLock()).isEqualTo(LockState.ACQUIRED);
            mutex.unlock();
        }));
        cases.add(Case.of("the unnamed semaphore: the dead peer's unit stays taken, a timed wait says so", s -> {
            assertThat(unnamed.tryAcquire(Duration.ofMillis(100))).isFalse();
            unnamed.release();
            assertThat(unnamed.tryAcquire()).isTrue();
        }));
        cases.add(Case.of("the named semaphore: the dead peer's unit stays taken, a timed wait says so", s -> {
            assertThat(named.tryAcquire(Duration.ofMillis(100))).isFalse();
            named.release();
            assertThat(named.tryAcquire()).isTrue();
        }));
        cases.add(Case.of("the System V semaphore with SEM_UNDO: given back by the kernel", s -> {
            assertThat(Deadline.after(Duration.ofSeconds(10)).poll(() -> valueOf(undo) == 1)).isTrue();
            assertThat(undo.operate(SemaphoreOps.of(0, -1, SemaphoreFlag.NO_WAIT))).isTrue();
        }));
        cases.add(Case.of("the System V semaphore without SEM_UNDO: stays taken, a timed wait says so", s -> {
            assertThat(plain.operate(SemaphoreOps.of(0, -1), Duration.ofMillis(100))).isFalse();
            assertThat(plain.value(0)).isZero();
        }));
        for (int i = 0; i < kinds.length; i++) {
            Path file = files.get(i);
            LockKind kind = kinds[i];
            cases.add(Case.of("the " + kind + " lock: released by the kernel", s -> {
                LockableFile f = s.own(LockableFile.open(file));
                HeldLock lock = f.lock(kind, LockMode.EXCLUSIVE, 0, 0, Duration.ofSeconds(10));
                assertThat(lock).isNotNull();
                lock.release();
            }));
        }
        return cases.stream();
    }

    @TestFactory
    Stream<DynamicNode> aPeerKilledWhileSendingDescriptors() throws Exception {
        AbstractSocketAddress address = AbstractSocketAddress.unique("crash");
        UnixServerSocket server = scope.own(UnixServerSocket.create(SocketType.SEQPACKET, address));
        PeerProcess peer = scope.own(PeerJvm.builder(CrashPeer.class).onClassPath().start("send",
                new String(address.name(), java.nio.charset.StandardCharsets.UTF_8)));
        UnixSocket socket = scope.own(server.accept(Duration.ofSeconds(60)));
        Arena arena = scope.own(Arena.ofShared());
        MemorySegment buffer = arena.allocate(8);
        List<Long> received = new ArrayList<>();
        List<DynamicNode> cases = new ArrayList<>();
        cases.add(Case.of("100 messages with a descriptor each arrive in order", s -> {
            for (int i = 0; i < 100; i++) {
                receiveOne(socket, buffer, received);
            }
        }));
        cases.add(Case.of("kill -9 of the sender in the middle of its stream", s -> {
            peer.kill9();
            assertThat(peer.isAlive()).isFalse();
        }));
        cases.add(Case.of("every message the sender completed arrives, whole, then the end", s -> {
            while (receiveOne(socket, buffer, received)) {
                // until the end of the stream
            }
            long lastSent = lastSent(peer);
            assertThat(received).hasSizeGreaterThan((int) lastSent);
            for (int i = 0; i < received.size(); i++) {
                assertThat(received.get(i)).isEqualTo(i);
            }
        }));
        return cases.stream();
    }

    /** {@return false at the end of the stream; else checks one message and closes its descriptor} */
    private static boolean receiveOne(UnixSocket socket, MemorySegment buffer, List<Long> received) throws IOException {
        try (ReceivedMessage m = socket.receiveMessage(buffer, 4, Duration.ofSeconds(20))) {
            assertThat(m).as("a message within 20 s").isNotNull();
            if (m.bytesReceived() == 0 && m.descriptors().isEmpty()) {
                return false;
            }
            assertThat(m.bytesReceived()).isEqualTo(8);
            assertThat(m.descriptorsTruncated()).isFalse();
            assertThat(m.descriptors()).hasSize(1).allMatch(OwnedFd::isOpen);
            received.add(buffer.get(ValueLayout.JAVA_LONG, 0));
            return true;
        }
    }

    /** {@return the last sequence number the killed peer printed as sent: its output up to its end} */
    private static long lastSent(PeerProcess peer) {
        long last = -1;
        while (true) {
            String line;
            try {
                line = peer.readLine(Duration.ofSeconds(5));
            } catch (AssertionError endOfOutput) { // PeerProcess reports the end of a dead peer's output so
                return last;
            }
            if (line == null) {
                return last;
            }
            last = Long.parseLong(line.substring("sent ".length()));
        }
    }

    private static int valueOf(SysVSemaphoreSet set) {
        try {
            return set.value(0);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private SysVSemaphoreSet sysVSet() throws Exception {
        SysVSemaphoreSet set = Fixtures.sysVSemaphoreSet(scope, 1);
        set.setValue(0, 1);
        return set;
    }
}
