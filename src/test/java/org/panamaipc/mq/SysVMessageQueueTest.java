package org.panamaipc.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panamaipc.Errno;
import org.panamaipc.ObjectRemovedException;
import org.panamaipc.SysVKey;
import org.panamaipc.testing.Allocation;
import org.panamaipc.testing.BlockingChecks;
import org.panamaipc.testing.Blocked;
import org.panamaipc.testing.PeerJvm;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.IpcTest;

@IpcTest
class SysVMessageQueueTest {
    /** x86_64 system call numbers. */
    private static final int MSGSND = 69;
    private static final int MSGRCV = 70;
    private static final Duration PEER_TIME = Duration.ofSeconds(60);

    private final List<SysVMessageQueue> queues = new ArrayList<>();

    private SysVMessageQueue track(SysVMessageQueue q) {
        queues.add(q);
        return q;
    }

    private SysVMessageQueue queue() throws IOException {
        return track(SysVMessageQueue.createPrivate());
    }

    @AfterEach
    void removeQueues() {
        for (SysVMessageQueue q : queues) {
            try {
                SysVMessageQueue.openId(q.id()).remove();
            } catch (IOException alreadyGone) {
                // removed by the test
            }
            q.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(TypedMessage m) {
        return new String(m.data(), StandardCharsets.UTF_8);
    }

    private static void fill(SysVMessageQueue q) throws IOException {
        q.send(3, bytes("a3"));
        q.send(1, bytes("b1"));
        q.send(2, bytes("c2"));
        q.send(1, bytes("d1"));
        q.send(5, bytes("e5"));
    }

    private static List<String> drain(SysVMessageQueue q, TypeFilter filter) throws IOException {
        List<String> got = new ArrayList<>();
        TypedMessage m;
        while ((m = q.tryReceive(filter)) != null) {
            got.add(text(m) + "@" + m.type());
        }
        return got;
    }

    @Test
    void anyTakesMessagesInArrivalOrder() throws IOException {
        SysVMessageQueue q = queue();
        fill(q);
        assertThat(drain(q, TypeFilter.any())).containsExactly("a3@3", "b1@1", "c2@2", "d1@1", "e5@5");
    }

    @Test
    void exactlyTakesOnlyThatType() throws IOException {
        SysVMessageQueue q = queue();
        fill(q);
        assertThat(drain(q, TypeFilter.exactly(1))).containsExactly("b1@1", "d1@1");
        assertThat(q.status().messages()).isEqualTo(3);
    }

    @Test
    void lowestUpToTakesTheLowestTypeFirst() throws IOException {
        SysVMessageQueue q = queue();
        fill(q);
        assertThat(drain(q, TypeFilter.lowestUpTo(3))).containsExactly("b1@1", "d1@1", "c2@2", "a3@3");
        assertThat(drain(q, TypeFilter.any())).containsExactly("e5@5");
    }

    @Test
    void anyExceptSkipsThatType() throws IOException {
        SysVMessageQueue q = queue();
        fill(q);
        assertThat(drain(q, TypeFilter.anyExcept(1))).containsExactly("a3@3", "c2@2", "e5@5");
        assertThat(drain(q, TypeFilter.any())).containsExactly("b1@1", "d1@1");
    }

    @Test
    void reusableBufferSendsAndReceivesWithTypeAndLength() throws IOException {
        SysVMessageQueue q = queue();
        SysVMessage out = SysVMessage.allocate(Arena.ofAuto(), 64).set(42, bytes("forty-two"));
        q.send(out);
        assertThat(q.trySend(out.type(7).length(3))).isTrue();
        assertThat(q.send(out, Duration.ofSeconds(1))).isTrue();
        SysVMessage in = SysVMessage.allocate(Arena.ofAuto(), 64);
        q.receive(in, TypeFilter.exactly(42));
        assertThat(in.type()).isEqualTo(42);
        assertThat(in.toByteArray()).isEqualTo(bytes("forty-two"));
        assertThat(q.tryReceive(in, TypeFilter.any())).isTrue();
        assertThat(in.type()).isEqualTo(7);
        assertThat(in.toByteArray()).isEqualTo(bytes("for"));
        assertThat(q.receive(in, TypeFilter.any(), Duration.ofSeconds(1))).isTrue();
        assertThat(in.truncated()).isFalse();
    }

    @Test
    void sendsSegmentsAndArrays() throws IOException {
        SysVMessageQueue q = queue();
        q.send(1, MemorySegment.ofArray(bytes("heap")));
        q.send(2, Arena.ofAuto().allocateFrom("native", StandardCharsets.UTF_8).asSlice(0, 6));
        assertThat(q.trySend(3, MemorySegment.ofArray(bytes("try")))).isTrue();
        assertThat(q.send(4, bytes("timed"), Duration.ofSeconds(1))).isTrue();
        assertThat(q.send(5, MemorySegment.ofArray(new byte[0]), Duration.ZERO)).isTrue();
        java.nio.ByteBuffer heap = java.nio.ByteBuffer.wrap(bytes("xxbuf")).position(2);
        q.send(6, heap);
        assertThat(heap.hasRemaining()).isFalse();
        assertThat(q.trySend(7, java.nio.ByteBuffer.allocateDirect(3).put(bytes("dir")).flip())).isTrue();
        assertThat(q.send(8, java.nio.ByteBuffer.wrap(bytes("t")), Duration.ofSeconds(1))).isTrue();
        assertThat(drain(q, TypeFilter.any()))
                .containsExactly("heap@1", "native@2", "try@3", "timed@4", "@5", "buf@6", "dir@7", "t@8");
    }

    @Test
    void nothingSelectedGivesFalseOrNull() throws IOException {
        SysVMessageQueue q = queue();
        q.send(2, bytes("two"));
        SysVMessage in = SysVMessage.allocate(Arena.ofAuto(), 16);
        assertThat(q.tryReceive(in, TypeFilter.exactly(1))).isFalse();
        assertThat(q.tryReceive(TypeFilter.anyExcept(2))).isNull();
        assertThat(q.receive(TypeFilter.exactly(1), Duration.ZERO)).isNull();
    }

    @Test
    void receiveTimesOutWhenNothingIsSelected() throws IOException {
        SysVMessageQueue q = queue();
        q.send(2, bytes("two"));
        long start = System.nanoTime();
        assertThat(q.receive(TypeFilter.exactly(1), Duration.ofMillis(150))).isNull();
        long waited = System.nanoTime() - start;
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(150).toNanos());
        assertThat(q.status().messages()).isEqualTo(1);
    }

    @Test
    void timedReceiveTakesAMessageThatArrivesInTime() throws Exception {
        SysVMessageQueue q = queue();
        java.util.concurrent.atomic.AtomicReference<TypedMessage> got = new java.util.concurrent.atomic.AtomicReference<>();
        BlockedCall r = BlockedCall.start(() -> got.set(q.receive(TypeFilter.exactly(9), Duration.ofSeconds(20))));
        q.send(9, bytes("nine"));
        assertThat(r.outcome(Duration.ofSeconds(10))).isNull();
        assertThat(text(got.get())).isEqualTo("nine");
    }

    @Test
    void fullQueueGivesFalseForTrySendAndTimedSend() throws IOException {
        SysVMessageQueue q = queue();
        q.setMaxBytes(16);
        assertThat(q.trySend(1, new byte[10])).isTrue();
        assertThat(q.trySend(1, new byte[10])).isFalse();
        long start = System.nanoTime();
        assertThat(q.send(1, new byte[10], Duration.ofMillis(100))).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(q.status().messages()).isEqualTo(1);
    }

    @Test
    void longerMessageIsRefusedAndStaysQueuedUnlessTruncationIsAllowed() throws IOException {
        SysVMessageQueue q = queue();
        q.send(1, bytes("0123456789"));
        SysVMessage small = SysVMessage.allocate(Arena.ofAuto(), 4);
        assertThatThrownBy(() -> q.tryReceive(small, TypeFilter.any()))
                .isInstanceOfSatisfying(QueueException.class, e -> assertThat(e.errno()).isEqualTo(Errno.E2BIG))
                .hasMessageContaining("longer than the buffer's capacity=4 and stays queued");
        assertThat(q.status().messages()).isEqualTo(1);
        small.allowTruncation(true);
        assertThat(q.receive(small, TypeFilter.any(), Duration.ofSeconds(1))).isTrue();
        assertThat(small.truncated()).isTrue();
        assertThat(small.length()).isEqualTo(4);
        assertThat(small.toByteArray()).isEqualTo(bytes("0123"));
        q.send(1, bytes("ab"));
        q.receive(small, TypeFilter.any());
        assertThat(small.truncated()).isFalse();
        assertThat(small.length()).isEqualTo(2);
    }

    @Test
    void statusReportsCountsBytesPidsAndTimes() throws IOException {
        SysVMessageQueue q = queue();
        Instant before = Instant.now().minusSeconds(2);
        SysVQueueStatus fresh = q.status();
        assertThat(fresh.messages()).isZero();
        assertThat(fresh.lastSend()).isNull();
        assertThat(fresh.lastSendPid()).isZero();
        assertThat(fresh.permissions()).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);
        assertThat(fresh.maxBytes()).isEqualTo(Long.parseLong(Peers.readProc("/proc/sys/kernel/msgmnb").trim()));
        q.send(1, new byte[100]);
        q.send(2, new byte[20]);
        q.tryReceive(TypeFilter.exactly(2));
        SysVQueueStatus s = q.status();
        assertThat(s.messages()).isEqualTo(1);
        assertThat(s.bytes()).isEqualTo(100);
        int pid = (int) ProcessHandle.current().pid();
        assertThat(s.lastSendPid()).isEqualTo(pid);
        assertThat(s.lastReceivePid()).isEqualTo(pid);
        assertThat(s.lastSend()).isAfter(before);
        assertThat(s.lastReceive()).isAfter(before);
        assertThat(s.key()).isEqualTo(SysVKey.PRIVATE);
    }

    @Test
    void ipcSetChangesMaxBytesAndPermissions() throws IOException {
        SysVMessageQueue q = queue();
        q.setMaxBytes(1000);
        q.setPermissions(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ));
        SysVQueueStatus s = q.status();
        assertThat(s.maxBytes()).isEqualTo(1000);
        assertThat(s.permissions()).hasSize(4);
        String ipcs = Peers.run("ipcs", "-q", "-i", Integer.toString(q.id()));
        assertThat(ipcs).contains("mode=0644");
    }

    @Test
    void raisingMaxBytesAboveMsgmnbNamesTheLimit() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeFalse(Peers.hasCapSysResource(), "CAP_SYS_RESOURCE lifts the limit");
        SysVMessageQueue q = queue();
        long mnb = SysVMessageQueue.limits().defaultMaxBytes();
        assertThatThrownBy(() -> q.setMaxBytes(mnb + 1))
                .isInstanceOfSatisfying(QueueLimitException.class, e -> {
                    assertThat(e.limit()).isEqualTo("/proc/sys/kernel/msgmnb");
                    assertThat(e.value()).isEqualTo(mnb);
                    assertThat(e.errno()).isEqualTo(Errno.EPERM);
                })
                .hasMessageContaining("exceeds /proc/sys/kernel/msgmnb=" + mnb);
    }

    @Test
    void messageLongerThanTheQueuesMaxBytesIsRefusedInsteadOfWaitingForever() throws IOException {
        SysVMessageQueue q = queue();
        q.setMaxBytes(10);
        assertThatThrownBy(() -> q.send(1, new byte[11]))
                .isInstanceOfSatisfying(QueueLimitException.class, e -> {
                    assertThat(e.limit()).isEqualTo("msg_qbytes");
                    assertThat(e.value()).isEqualTo(10);
                })
                .hasMessageContaining("could never be sent");
        assertThatThrownBy(() -> q.trySend(1, new byte[11])).isInstanceOf(QueueLimitException.class);
        assertThat(q.trySend(1, new byte[10])).isTrue();
        assertThat(q.trySend(1, new byte[1])).as("full now").isFalse();
    }

    @Test
    void messageLongerThanMsgmaxNamesTheLimit() throws IOException {
        SysVMessageQueue q = queue();
        long msgmax = SysVMessageQueue.limits().maxMessageSize();
        assertThatThrownBy(() -> q.trySend(1, new byte[(int) msgmax + 1]))
                .isInstanceOfSatisfying(QueueLimitException.class, e -> {
                    assertThat(e.limit()).isEqualTo("/proc/sys/kernel/msgmax");
                    assertThat(e.value()).isEqualTo(msgmax);
                })
                .hasMessageContaining("msgsz=" + (msgmax + 1) + " exceeds /proc/sys/kernel/msgmax=" + msgmax);
        assertThat(q.trySend(1, new byte[(int) msgmax])).isTrue();
    }

    @Test
    void limitsAreReadFromProc() throws IOException {
        SysVQueueLimits l = SysVMessageQueue.limits();
        assertThat(l.maxMessageSize()).isEqualTo(Long.parseLong(Peers.readProc("/proc/sys/kernel/msgmax").trim()));
        assertThat(l.defaultMaxBytes()).isEqualTo(Long.parseLong(Peers.readProc("/proc/sys/kernel/msgmnb").trim()));
        assertThat(l.maxQueues()).isEqualTo(Long.parseLong(Peers.readProc("/proc/sys/kernel/msgmni").trim()));
    }

    @Test
    void keysComeFromFtokAndOpenTheSameQueue(@TempDir Path dir) throws IOException {
        Path file = Files.createFile(dir.resolve("anchor"));
        SysVKey key = SysVKey.of(file, 'M');
        assertThat(key).isEqualTo(SysVKey.of(file, 'M')).isNotEqualTo(SysVKey.of(file, 'N'));
        SysVMessageQueue created = track(SysVMessageQueue.create(key));
        assertThat(created.key()).isEqualTo(key);
        try (SysVMessageQueue opened = SysVMessageQueue.open(key)) {
            assertThat(opened.id()).isEqualTo(created.id());
            opened.send(1, bytes("via key"));
        }
        assertThat(text(created.receive(TypeFilter.any()))).isEqualTo("via key");
        assertThat(created.status().key()).isEqualTo(key);
    }

    @Test
    void keyErrorsAreTheJdkTypes() throws IOException {
        SysVKey key = SysVKey.of(Peers.uniqueKey());
        assertThatThrownBy(() -> SysVMessageQueue.open(key))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("msgget(key=" + key)
                .hasMessageContaining("ENOENT");
        assertThatThrownBy(() -> SysVMessageQueue.open(SysVKey.PRIVATE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SysVMessageQueue.create(SysVKey.PRIVATE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void createTwiceFailsAndTheFirstQueueStillServesAPeer() throws Exception {
        SysVKey key = SysVKey.of(Peers.uniqueKey());
        SysVMessageQueue q = track(SysVMessageQueue.create(key));
        q.send(1, bytes("first"));
        assertThatThrownBy(() -> SysVMessageQueue.create(key))
                .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("EEXIST");
        assertThat(q.status().messages()).isEqualTo(1);
        try (PeerProcess peer = PeerJvm.builder(MqPeerMain.class).onClassPath()
                .start("receive-one", "sysv", Integer.toString(key.value()))) {
            assertThat(peer.readLine(PEER_TIME)).isEqualTo("got first");
            assertThat(peer.waitFor(PEER_TIME)).isZero();
        }
        assertThat(q.status().messages()).isZero();
    }

    @Test
    void openOrCreateOpensAnExistingQueueLeavingItAsItWas() throws IOException {
        SysVKey key = SysVKey.of(Peers.uniqueKey());
        SysVMessageQueue q = track(SysVMessageQueue.openOrCreate(key));
        q.setMaxBytes(100);
        q.send(1, bytes("kept"));
        try (SysVMessageQueue same = SysVMessageQueue.openOrCreate(key, EnumSet.allOf(PosixFilePermission.class))) {
            assertThat(same.id()).isEqualTo(q.id());
            SysVQueueStatus s = same.status();
            assertThat(s.maxBytes()).isEqualTo(100);
            assertThat(s.messages()).isEqualTo(1);
            assertThat(s.permissions()).isEqualTo(EnumSet.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE));
        }
    }

    @Test
    void removeOnCloseRemovesTheQueueOnce() throws IOException {
        SysVMessageQueue q = track(SysVMessageQueue.createPrivate()).removeOnClose();
        int id = q.id();
        q.close();
        assertThatThrownBy(() -> SysVMessageQueue.openId(id)).isInstanceOf(ObjectRemovedException.class);
        q.close();
        assertThatThrownBy(q::removeOnClose).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void interruptEndsABlockedReceiveAndLosesNothing() throws Exception {
        SysVMessageQueue q = queue();
        BlockingChecks.interruptEndsTheCallPromptly(MSGRCV, null, () -> q.receive(TypeFilter.any()),
                InterruptedIOException.class);
        assertThat(q.isOpen()).isTrue();
        q.send(1, bytes("after"));
        assertThat(text(q.receive(TypeFilter.any(), Duration.ofSeconds(5)))).isEqualTo("after");
    }

    @Test
    void anInterruptedThreadReceivesNothingEvenWhenAMessageIsThere() throws Exception {
        SysVMessageQueue q = queue();
        q.send(1, bytes("waiting"));
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> q.receive(TypeFilter.any())).isInstanceOf(InterruptedIOException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(text(q.receive(TypeFilter.any()))).isEqualTo("waiting");
    }

    @Test
    void interruptEndsASendOnAFullQueueAndSendsNothing() throws Exception {
        SysVMessageQueue q = queue();
        q.setMaxBytes(8);
        q.send(1, bytes("fill0000"));
        BlockingChecks.interruptEndsTheCallPromptly(MSGSND, null, () -> {
            q.send(1, bytes("more0000"));
            return null;
        }, InterruptedIOException.class);
        assertThat(q.isOpen()).isTrue();
        assertThat(text(q.receive(TypeFilter.any()))).isEqualTo("fill0000");
        assertThat(q.tryReceive(TypeFilter.any())).as("the interrupted send sent nothing").isNull();
        q.send(1, bytes("after"));
        assertThat(text(q.receive(TypeFilter.any(), Duration.ofSeconds(5)))).isEqualTo("after");
    }

    @Test
    void removeWakesABlockedReceiverWithObjectRemoved() throws Exception {
        SysVMessageQueue q = queue();
        BlockedCall blocked = BlockedCall.start(() -> q.receive(TypeFilter.any()));
        try (SysVMessageQueue other = SysVMessageQueue.openId(q.id())) {
            other.remove();
        }
        assertThat(blocked.outcome(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ObjectRemovedException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EIDRM));
        assertThatThrownBy(() -> q.trySend(1, bytes("x"))).isInstanceOf(ObjectRemovedException.class);
        assertThatThrownBy(() -> SysVMessageQueue.openId(q.id())).isInstanceOf(ObjectRemovedException.class);
    }

    @Test
    void closeFromAnotherThreadReleasesBlockedReceiversAndSenders() throws Exception {
        SysVMessageQueue q = queue();
        q.setMaxBytes(8);
        q.send(1, new byte[8]);
        BlockedCall receiver = BlockedCall.start(() -> q.receive(TypeFilter.exactly(2)));
        BlockedCall timedReceiver = BlockedCall.start(() -> q.receive(TypeFilter.exactly(2), Duration.ofMinutes(5)));
        BlockedCall sender = BlockedCall.start(() -> q.send(1, new byte[8]));
        q.close();
        assertThat(receiver.outcome(Duration.ofSeconds(5))).isInstanceOf(AsynchronousCloseException.class);
        assertThat(timedReceiver.outcome(Duration.ofSeconds(5))).isInstanceOf(AsynchronousCloseException.class);
        assertThat(sender.outcome(Duration.ofSeconds(5))).isInstanceOf(AsynchronousCloseException.class);
        assertThatThrownBy(() -> q.tryReceive(TypeFilter.any()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        q.close();
        assertThat(SysVMessageQueue.openId(q.id()).status().messages()).as("close does not remove").isEqualTo(1);
    }

    @Test
    void manyTimedReceivesTimeOutAndLeaveNoSignalBehind() throws IOException {
        SysVMessageQueue q = queue();
        for (int i = 0; i < 50; i++) {
            assertThat(q.receive(TypeFilter.any(), Duration.ofMillis(2))).isNull();
        }
        q.send(1, bytes("after"));
        assertThat(text(q.receive(TypeFilter.any()))).isEqualTo("after");
    }

    @Test
    void aBufferWhoseArenaIsClosedIsRefusedWithoutACrash() throws IOException {
        SysVMessageQueue q = queue();
        q.send(1, bytes("x"));
        SysVMessage in;
        try (Arena arena = Arena.ofConfined()) {
            in = SysVMessage.allocate(arena, 8);
        }
        SysVMessage closed = in;
        assertThatThrownBy(() -> q.tryReceive(closed, TypeFilter.any())).isInstanceOf(IllegalStateException.class);
        assertThat(q.status().messages()).isEqualTo(1);
    }

    @Test
    void typesAndArgumentsAreChecked() throws IOException {
        SysVMessageQueue q = queue();
        assertThatThrownBy(() -> q.send(0, bytes("x"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("type=0 must be positive");
        assertThatThrownBy(() -> TypeFilter.exactly(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SysVMessage.allocate(Arena.ofAuto(), 4).length(5))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void bufferSendAndReceiveAllocateNothingOnceWarmIncludingTimedFormsThatNeedNotWait() throws IOException {
        SysVMessageQueue q = queue();
        SysVMessage out = SysVMessage.allocate(Arena.ofAuto(), 64).type(3).length(64);
        SysVMessage in = SysVMessage.allocate(Arena.ofAuto(), 64);
        TypeFilter filter = TypeFilter.lowestUpTo(5);
        Duration patience = Duration.ofSeconds(5);
        byte[] array = new byte[64];
        java.nio.ByteBuffer heap = java.nio.ByteBuffer.allocate(64);
        java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(64);
        long perMessage = Long.MAX_VALUE;
        for (int round = 0; round < 60 && perMessage > 0; round++) {
            long before = Allocation.currentThread();
            for (int i = 0; i < 4_000; i++) {
                q.send(out);
                q.receive(in, filter);
                q.trySend(out);
                q.tryReceive(in, filter);
                q.send(out, patience);
                q.receive(in, filter, patience);
                q.send(4, array);
                q.receive(in, filter);
                q.send(4, heap.clear());
                q.receive(in, filter);
                q.send(4, direct.clear());
                q.receive(in, filter);
            }
            perMessage = (Allocation.currentThread() - before) / 4_000;
        }
        assertThat(perMessage).as("bytes allocated per send+receive").isZero();
    }
}
