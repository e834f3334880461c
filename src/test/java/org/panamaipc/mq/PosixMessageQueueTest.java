package org.panamaipc.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.panamaipc.Errno;
import org.panamaipc.ErrnoException;
import org.panamaipc.Interest;
import org.panamaipc.ObjectMismatchException;
import org.panamaipc.WaitSet;
import org.panamaipc.testing.Allocation;
import org.panamaipc.testing.Blocked;
import org.panamaipc.testing.BlockingChecks;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerJvm;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.TestRun;

@IpcTest
class PosixMessageQueueTest {
    /** x86_64 system calls glibc's mq_send and mq_receive make. */
    private static final int MQ_TIMEDSEND = 242;
    private static final int MQ_TIMEDRECEIVE = 243;
    private static final Duration PEER_TIME = Duration.ofSeconds(60);

    private final List<String> names = new ArrayList<>();
    private final List<AutoCloseable> open = new ArrayList<>();

    private String name() {
        String n = Peers.uniqueName("posix");
        names.add(n);
        return n;
    }

    private <T extends AutoCloseable> T track(T resource) {
        open.add(resource);
        return resource;
    }

    private PosixMessageQueue queue(long maxMessages, long maxMessageSize) throws IOException {
        return track(PosixMessageQueue.create(name(), maxMessages, maxMessageSize));
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        for (String n : names) {
            PosixMessageQueue.unlinkIfExists(n);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(PriorityMessage m) {
        return new String(m.data(), StandardCharsets.UTF_8);
    }

    @Test
    void higherPrioritiesAreReceivedFirstAndEqualPrioritiesInOrder() throws IOException {
        PosixMessageQueue q = queue(10, 64);
        q.send(bytes("a1"), 1);
        q.send(bytes("b5"), 5);
        q.send(bytes("c1"), 1);
        q.send(bytes("d9"), 9);
        q.send(bytes("e5"), 5);
        List<String> got = new ArrayList<>();
        PriorityMessage m;
        while ((m = q.tryReceive()) != null) {
            got.add(text(m) + "@" + m.priority());
        }
        assertThat(got).containsExactly("d9@9", "b5@5", "e5@5", "a1@1", "c1@1");
    }

    @Test
    void receivesIntoAReusableBufferWithLengthAndPriority() throws IOException {
        PosixMessageQueue q = queue(4, 128);
        PosixMessage m = PosixMessage.allocate(Arena.ofAuto(), q.maxMessageSize());
        q.send(bytes("hello"), 7);
        q.receive(m);
        assertThat(m.length()).isEqualTo(5);
        assertThat(m.priority()).isEqualTo(7);
        assertThat(m.toByteArray()).isEqualTo(bytes("hello"));
        ByteBuffer out = ByteBuffer.allocate(16);
        m.copyTo(out);
        assertThat(out.position()).isEqualTo(5);
    }

    @Test
    void sendsNativeHeapSegmentsDirectAndHeapBuffers() throws IOException {
        PosixMessageQueue q = queue(8, 64);
        MemorySegment nativeSeg = Arena.ofAuto().allocateFrom("native", StandardCharsets.UTF_8);
        q.send(nativeSeg.asSlice(0, 6), 0);
        q.send(MemorySegment.ofArray(bytes("heapseg")), 0);
        ByteBuffer direct = ByteBuffer.allocateDirect(16).put(bytes("direct")).flip();
        q.send(direct, 0);
        assertThat(direct.hasRemaining()).isFalse();
        ByteBuffer heap = ByteBuffer.wrap(bytes("xxheap")).position(2);
        assertThat(q.trySend(heap, 0)).isTrue();
        assertThat(q.send(bytes("timed"), 0, Duration.ofSeconds(1))).isTrue();
        assertThat(text(q.receive())).isEqualTo("native");
        assertThat(text(q.receive())).isEqualTo("heapseg");
        assertThat(text(q.receive())).isEqualTo("direct");
        assertThat(text(q.receive())).isEqualTo("heap");
        assertThat(text(q.receive(Duration.ofSeconds(1)))).isEqualTo("timed");
    }

    @Test
    void emptyQueueGivesFalseOrNullNotAnException() throws IOException {
        PosixMessageQueue q = queue(2, 16);
        PosixMessage m = PosixMessage.allocate(Arena.ofAuto(), 16);
        assertThat(q.tryReceive(m)).isFalse();
        assertThat(q.tryReceive()).isNull();
        assertThat(q.receive(m, Duration.ZERO)).isFalse();
    }

    @Test
    void receiveTimesOutOnEmptyQueue() throws IOException {
        PosixMessageQueue q = queue(2, 16);
        long start = System.nanoTime();
        assertThat(q.receive(Duration.ofMillis(150))).isNull();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(140).toNanos());
    }

    @Test
    void fullQueueGivesFalseForTrySendAndTimedSend() throws IOException {
        PosixMessageQueue q = queue(2, 16);
        assertThat(q.trySend(bytes("1"), 0)).isTrue();
        assertThat(q.trySend(bytes("2"), 0)).isTrue();
        assertThat(q.trySend(bytes("3"), 0)).isFalse();
        long start = System.nanoTime();
        assertThat(q.send(bytes("3"), 0, Duration.ofMillis(100))).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(90).toNanos());
        assertThat(q.attributes().currentMessages()).isEqualTo(2);
    }

    @Test
    void attributesReportSizesCountAndNonBlocking() throws IOException {
        PosixMessageQueue q = queue(3, 100);
        q.send(bytes("x"), 0);
        PosixQueueAttributes a = q.attributes();
        assertThat(a).isEqualTo(new PosixQueueAttributes(false, 3, 100, 1));
        q.setNonBlocking(true);
        assertThat(q.attributes().nonBlocking()).isTrue();
        q.setNonBlocking(false);
        assertThat(q.attributes().nonBlocking()).isFalse();
    }

    @Test
    void blockingReceiveStillWaitsWhenTheDescriptionIsNonBlocking() throws Exception {
        PosixMessageQueue q = queue(3, 32);
        q.setNonBlocking(true);
        assertThat(q.tryReceive()).isNull();
        java.util.concurrent.atomic.AtomicReference<PriorityMessage> got = new java.util.concurrent.atomic.AtomicReference<>();
        BlockedCall r = BlockedCall.start(() -> got.set(q.receive())); // blocks in poll: EAGAIN first
        try (PosixMessageQueue sender = PosixMessageQueue.open(q.name(), PosixMessageQueue.Access.WRITE_ONLY)) {
            sender.send(bytes("late"), 3);
        }
        assertThat(r.outcome(Duration.ofSeconds(10))).isNull();
        assertThat(text(got.get())).isEqualTo("late");
        assertThat(q.receive(Duration.ofMillis(50))).isNull();
    }

    @Test
    void openOrCreateOpensAnExistingQueueLeavingItAsItWas() throws IOException {
        PosixMessageQueue q = queue(3, 40);
        q.send(bytes("kept"), 0);
        PosixMessageQueue again = track(PosixMessageQueue.openOrCreate(q.name(), 3, 40));
        assertThat(again.attributes()).isEqualTo(new PosixQueueAttributes(false, 3, 40, 1));
        assertThat(text(again.receive())).isEqualTo("kept");
        String fresh = name();
        PosixMessageQueue created = track(PosixMessageQueue.openOrCreate(fresh, 2, 8));
        assertThat(created.attributes()).isEqualTo(new PosixQueueAttributes(false, 2, 8, 0));
    }

    @Test
    void openOrCreateWithOtherLimitsIsAMismatchAndAltersNothing() throws IOException {
        PosixMessageQueue q = queue(3, 40);
        q.send(bytes("kept"), 0);
        assertThatThrownBy(() -> PosixMessageQueue.openOrCreate(q.name(), 7, 40))
                .isInstanceOf(ObjectMismatchException.class)
                .hasMessageContaining(q.name())
                .hasMessageContaining("exists with maxMessages=3, maxMessageSize=40")
                .hasMessageContaining("asked for maxMessages=7, maxMessageSize=40");
        assertThatThrownBy(() -> PosixMessageQueue.openOrCreate(q.name(), 3, 41))
                .isInstanceOf(ObjectMismatchException.class);
        assertThat(q.attributes()).isEqualTo(new PosixQueueAttributes(false, 3, 40, 1));
    }

    @Test
    void createTwiceFailsAndTheFirstQueueStillServesAPeer() throws Exception {
        PosixMessageQueue q = queue(3, 40);
        assertThatThrownBy(() -> PosixMessageQueue.create(q.name(), 5, 50))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("mq_open(\"" + q.name() + "\"")
                .hasMessageContaining("EEXIST");
        assertThat(q.attributes()).isEqualTo(new PosixQueueAttributes(false, 3, 40, 0));
        q.send(bytes("first"), 1);
        try (PeerProcess peer = PeerJvm.builder(MqPeerMain.class).onClassPath()
                .start("receive-one", "posix", q.name())) {
            assertThat(peer.readLine(PEER_TIME)).isEqualTo("got first");
            assertThat(peer.waitFor(PEER_TIME)).isZero();
        }
        assertThat(q.tryReceive()).isNull();
    }

    @Test
    void uniqueNamesAreNamesAndUnlinkOnCloseRemovesTheName() throws IOException {
        String n = PosixMessageQueue.uniqueName(TestRun.prefix("posix-test"));
        assertThat(n).startsWith("/" + TestRun.prefix("posix-test") + "-")
                .isNotEqualTo(PosixMessageQueue.uniqueName(TestRun.prefix("posix-test")));
        names.add(n);
        PosixMessageQueue q = PosixMessageQueue.create(n, 2, 8).unlinkOnClose();
        q.close();
        assertThatThrownBy(() -> PosixMessageQueue.open(n, PosixMessageQueue.Access.READ_ONLY))
                .isInstanceOf(NoSuchFileException.class);
        q.close();
        assertThatThrownBy(q::unlinkOnClose).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void createdQueueHasMode0600UnlessPermissionsAreGiven() throws Exception {
        // Without /dev/mqueue mounted there is no file to stat: check through a peer's view of
        // the mode, fstat on the descriptor.
        PosixMessageQueue q = queue(2, 8);
        assertThat(modeOf(q)).isEqualTo(0600);
        String other = name();
        PosixMessageQueue g = track(PosixMessageQueue.create(other, PosixMessageQueue.Access.READ_WRITE,
                2, 8, EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                        PosixFilePermission.GROUP_READ)));
        assertThat(modeOf(g)).isEqualTo(0640);
    }

    private static int modeOf(PosixMessageQueue q) throws IOException {
        int fd = q.fd().get();
        Object mode = Files.getAttribute(Path.of("/proc/self/fd/" + fd), "unix:mode");
        return (Integer) mode & 0777;
    }

    @Test
    void descriptorIsCloseOnExec() throws IOException {
        PosixMessageQueue q = queue(2, 8);
        String fdinfo = Peers.readProc("/proc/self/fdinfo/" + q.fd().get());
        String flags = fdinfo.lines().filter(l -> l.startsWith("flags:")).findFirst().orElseThrow();
        int octal = Integer.parseInt(flags.substring("flags:".length()).trim(), 8);
        assertThat(octal & 02000000).as("O_CLOEXEC in " + flags).isNotZero();
    }

    @Test
    void openingOrUnlinkingAMissingQueueIsNoSuchFile() {
        String missing = name();
        assertThatThrownBy(() -> PosixMessageQueue.open(missing, PosixMessageQueue.Access.READ_ONLY))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(missing).hasMessageContaining("ENOENT");
        assertThatThrownBy(() -> PosixMessageQueue.unlink(missing))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("mq_unlink");
    }

    @Test
    void badNamesAreRefusedBeforeAnyCall() {
        assertThatThrownBy(() -> PosixMessageQueue.create("noslash", 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slash");
        assertThatThrownBy(() -> PosixMessageQueue.create("/a/b", 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PosixMessageQueue.create("/" + "x".repeat(256), 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NAME_MAX");
        assertThatThrownBy(() -> PosixMessageQueue.create("/..", 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
        assertThatThrownBy(() -> PosixMessageQueue.open("/.", PosixMessageQueue.Access.READ_ONLY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PosixMessageQueue.create(Peers.uniqueName("x"), 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxMessages=0");
    }

    @Test
    void messageLongerThanTheQueueAllowsNamesBothSizes() throws IOException {
        PosixMessageQueue q = queue(2, 16);
        assertThatThrownBy(() -> q.send(new byte[17], 0))
                .isInstanceOf(QueueException.class)
                .hasMessageContaining("EMSGSIZE")
                .hasMessageContaining("len=17 exceeds the queue's maxMessageSize=16");
        assertThatThrownBy(() -> q.trySend(new byte[17], 0)).isInstanceOf(QueueException.class);
    }

    @Test
    void wrongModeSaysHowTheQueueWasOpened() throws IOException {
        PosixMessageQueue q = queue(2, 16);
        PosixMessageQueue writeOnly = track(PosixMessageQueue.open(q.name(), PosixMessageQueue.Access.WRITE_ONLY));
        PosixMessageQueue readOnly = track(PosixMessageQueue.open(q.name(), PosixMessageQueue.Access.READ_ONLY));
        assertThatThrownBy(writeOnly::tryReceive)
                .isInstanceOf(QueueException.class)
                .hasMessageContaining("EBADF").hasMessageContaining("opened WRITE_ONLY");
        assertThatThrownBy(() -> readOnly.send(bytes("x"), 0))
                .isInstanceOf(QueueException.class)
                .hasMessageContaining("EBADF").hasMessageContaining("opened READ_ONLY");
        writeOnly.send(bytes("ok"), 0);
        assertThat(text(readOnly.receive())).isEqualTo("ok");
    }

    @Test
    void argumentsAreCheckedBeforeAnyCall() throws IOException {
        PosixMessageQueue q = queue(2, 16);
        assertThatThrownBy(() -> q.send(bytes("x"), -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.send(bytes("x"), PosixMessageQueue.MAX_PRIORITY + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("priority=32768");
        PosixMessage small = PosixMessage.allocate(Arena.ofAuto(), 8);
        assertThatThrownBy(() -> q.tryReceive(small))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity=8 is smaller than the queue's maxMessageSize=16");
        assertThatThrownBy(() -> q.receive(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PosixMessage.wrap(MemorySegment.ofArray(new byte[8])))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBufferWhoseArenaIsClosedIsRefusedWithoutACrash() throws IOException {
        PosixMessageQueue q = queue(2, 16);
        q.send(bytes("x"), 0);
        PosixMessage m;
        try (Arena arena = Arena.ofConfined()) {
            m = PosixMessage.allocate(arena, 16);
        }
        PosixMessage closed = m;
        assertThatThrownBy(() -> q.tryReceive(closed)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> q.receive(closed)).isInstanceOf(IllegalStateException.class);
        MemorySegment gone;
        try (Arena arena = Arena.ofConfined()) {
            gone = arena.allocate(4);
        }
        MemorySegment dead = gone;
        assertThatThrownBy(() -> q.send(dead, 0)).isInstanceOf(IllegalStateException.class);
        assertThat(q.attributes().currentMessages()).isEqualTo(1);
    }

    @Test
    void limitsAreReadFromProcAndGetrlimit() throws IOException {
        PosixQueueLimits limits = PosixMessageQueue.limits();
        assertThat(limits.maxMessages()).isEqualTo(readLong("/proc/sys/fs/mqueue/msg_max"));
        assertThat(limits.maxMessageSize()).isEqualTo(readLong("/proc/sys/fs/mqueue/msgsize_max"));
        assertThat(limits.maxQueues()).isEqualTo(readLong("/proc/sys/fs/mqueue/queues_max"));
        String line = Peers.readProc("/proc/self/limits").lines()
                .filter(l -> l.startsWith("Max msgqueue size")).findFirst().orElseThrow();
        String soft = line.substring("Max msgqueue size".length()).trim().split("\\s+")[0];
        assertThat(limits.rlimitSoft()).isEqualTo(soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft));
    }

    private static long readLong(String path) throws IOException {
        return Long.parseLong(Peers.readProc(path).trim());
    }

    @Test
    void exceedingMsgMaxNamesTheLimitAndItsValue() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeFalse(Peers.hasCapSysResource(), "CAP_SYS_RESOURCE lifts the limit");
        PosixQueueLimits limits = PosixMessageQueue.limits();
        String n = name();
        assertThatThrownBy(() -> PosixMessageQueue.create(n, limits.maxMessages() + 1, 8))
                .isInstanceOfSatisfying(QueueLimitException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EINVAL);
                    assertThat(e.limit()).isEqualTo("/proc/sys/fs/mqueue/msg_max");
                    assertThat(e.value()).isEqualTo(limits.maxMessages());
                })
                .hasMessageContaining("maxMessages=" + (limits.maxMessages() + 1) + " exceeds /proc/sys/fs/mqueue/msg_max="
                        + limits.maxMessages());
        assertThatThrownBy(() -> PosixMessageQueue.create(n, 1, limits.maxMessageSize() + 1))
                .isInstanceOfSatisfying(QueueLimitException.class,
                        e -> assertThat(e.limit()).isEqualTo("/proc/sys/fs/mqueue/msgsize_max"))
                .hasMessageContaining("msgsize_max=" + limits.maxMessageSize());
    }

    @Test
    void closeFromAnotherThreadReleasesABlockedReceiver() throws Exception {
        PosixMessageQueue q = queue(2, 16);
        BlockedCall blocked = BlockedCall.start(() -> q.receive());
        q.close();
        assertThat(blocked.outcome(Duration.ofSeconds(5))).isInstanceOf(AsynchronousCloseException.class);
        assertThatThrownBy(q::tryReceive).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        q.close(); // idempotent
    }

    @Test
    void closeFromAnotherThreadReleasesABlockedSenderAndWaiter() throws Exception {
        PosixMessageQueue q = queue(1, 16);
        q.send(bytes("fill"), 0);
        BlockedCall sender = BlockedCall.start(() -> q.send(bytes("more"), 0, Duration.ofMinutes(5)));
        BlockedCall waiter = BlockedCall.start(() -> q.awaitWritable(Duration.ofMinutes(5)));
        q.close();
        assertThat(sender.outcome(Duration.ofSeconds(5))).isInstanceOf(AsynchronousCloseException.class);
        assertThat(waiter.outcome(Duration.ofSeconds(5))).isInstanceOf(AsynchronousCloseException.class);
    }

    @Test
    void interruptEndsABlockedReceiveAndLosesNothing() throws Exception {
        PosixMessageQueue q = queue(2, 16);
        BlockingChecks.interruptEndsTheCallPromptly(MQ_TIMEDRECEIVE, null, () -> q.receive(),
                InterruptedIOException.class);
        assertThat(q.isOpen()).isTrue();
        q.send(bytes("after"), 1);
        assertThat(text(q.receive(Duration.ofSeconds(5)))).isEqualTo("after");
    }

    @Test
    void anInterruptedThreadReceivesNothingEvenWhenAMessageIsThere() throws Exception {
        PosixMessageQueue q = queue(2, 16);
        q.send(bytes("waiting"), 0);
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(q::receive).isInstanceOf(InterruptedIOException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(text(q.receive())).isEqualTo("waiting");
    }

    @Test
    void interruptEndsASendOnAFullQueueAndSendsNothing() throws Exception {
        PosixMessageQueue q = queue(1, 16);
        q.send(bytes("fill"), 0);
        BlockingChecks.interruptEndsTheCallPromptly(MQ_TIMEDSEND, null, () -> {
            q.send(bytes("more"), 0);
            return null;
        }, InterruptedIOException.class);
        assertThat(q.isOpen()).isTrue();
        assertThat(text(q.receive())).isEqualTo("fill");
        assertThat(q.tryReceive()).as("the interrupted send sent nothing").isNull();
        q.send(bytes("after"), 0);
        assertThat(text(q.receive(Duration.ofSeconds(5)))).isEqualTo("after");
    }

    @Test
    void aThousandBlockedReceiversCostNothingOneGetsTheMessageCloseReleasesTheRest() throws Exception {
        PosixMessageQueue q = queue(10, 16);
        PriorityMessage got = BlockingChecks.aThousandWaitersCostNothing(q::receive, q::waiting,
                () -> {
                    q.send(bytes("one"), 3);
                    return null;
                }, q::close);
        assertThat(text(got)).isEqualTo("one");
    }

    @Test
    void interruptEndsABlockedSelectAndTheWaitSetStaysOpen() throws Exception {
        PosixMessageQueue a = queue(2, 16);
        try (WaitSet set = WaitSet.create()) {
            WaitSet.Key ka = set.register(a, Interest.READABLE);
            Blocked<List<WaitSet.Key>> blocked = Blocked.start(Blocked.EPOLL_WAIT, set::select);
            blocked.thread().interrupt();
            assertThatThrownBy(() -> blocked.get(Duration.ofSeconds(5)))
                    .hasCauseInstanceOf(InterruptedIOException.class);
            a.send(bytes("x"), 0);
            assertThat(set.select(Duration.ofSeconds(5))).containsExactly(ka);
            assertThat(ka.isReady(Interest.READABLE)).isTrue();
        }
    }

    @Test
    void awaitReadableAndWritableReflectTheQueue() throws IOException {
        PosixMessageQueue q = queue(1, 16);
        assertThat(q.awaitReadable(Duration.ofMillis(20))).isFalse();
        assertThat(q.awaitWritable(Duration.ZERO)).isTrue();
        q.send(bytes("x"), 0);
        assertThat(q.awaitReadable(Duration.ZERO)).isTrue();
        assertThat(q.awaitWritable(Duration.ofMillis(20))).isFalse();
    }

    @Test
    void aWaitSetWaitsForAnyOfSeveralQueues() throws Exception {
        PosixMessageQueue a = queue(2, 16);
        PosixMessageQueue b = queue(2, 16);
        PosixMessageQueue c = queue(1, 16);
        c.send(bytes("full"), 0);
        try (WaitSet set = WaitSet.create()) {
            WaitSet.Key ka = set.register(a, Interest.READABLE);
            WaitSet.Key kb = set.register(b, Interest.READABLE);
            WaitSet.Key kc = set.register(c, Interest.WRITABLE);
            assertThat(set.select(Duration.ofMillis(30))).isEmpty();
            CompletableFuture<List<WaitSet.Key>> selected = Peers.async(() -> {
                try {
                    return set.select(Duration.ofSeconds(10));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            b.send(bytes("wake"), 0);
            assertThat(selected.get(10, TimeUnit.SECONDS)).containsExactly(kb);
            assertThat(ka.isReady(Interest.READABLE)).isFalse();
            assertThat(kb.isReady(Interest.READABLE)).isTrue();
            assertThat(kc.isReady(Interest.WRITABLE)).isFalse();
            c.receive();
            assertThat(set.selectNow()).containsExactlyInAnyOrder(kb, kc);
            assertThat(kc.isReady(Interest.WRITABLE)).isTrue();
        }
    }

    @Test
    void closingTheWaitSetReleasesABlockedSelect() throws Exception {
        PosixMessageQueue a = queue(2, 16);
        WaitSet set = track(WaitSet.create());
        set.register(a, Interest.READABLE);
        BlockedCall blocked = BlockedCall.start(() -> set.select(Duration.ofMinutes(5)));
        set.close();
        assertThat(blocked.outcome(Duration.ofSeconds(5))).isInstanceOf(AsynchronousCloseException.class);
    }

    @Test
    void onlyOneNotificationRegistrationPerQueueIsReportedAsBusy() throws IOException {
        PosixMessageQueue q = queue(2, 16);
        PosixMessageQueue other = track(PosixMessageQueue.open(q.name(), PosixMessageQueue.Access.READ_ONLY));
        q.registerNotificationWithoutSignal();
        assertThatThrownBy(other::registerNotificationWithoutSignal)
                .isInstanceOfSatisfying(QueueException.class,
                        e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EBUSY))
                .hasMessageContaining("one registration per queue");
        q.cancelNotification();
        other.registerNotificationWithoutSignal();
        other.cancelNotification();
    }

    @Test
    void nativeSendAndBufferReceiveAllocateNothingOnceWarm() throws IOException {
        PosixMessageQueue q = queue(4, 64);
        MemorySegment msg = Arena.ofAuto().allocate(64);
        msg.fill((byte) 1);
        PosixMessage into = PosixMessage.allocate(Arena.ofAuto(), 64);
        byte[] array = new byte[64];
        java.util.Arrays.fill(array, (byte) 1);
        java.nio.ByteBuffer heap = java.nio.ByteBuffer.wrap(array);
        java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(64).put(array);
        // Until C2 has compiled the path, interpreted code allocates: measure rounds until one is clean.
        Duration patience = Duration.ofSeconds(5);
        long perMessage = Long.MAX_VALUE;
        for (int round = 0; round < 60 && perMessage > 0; round++) {
            long before = Allocation.currentThread();
            for (int i = 0; i < 4_000; i++) {
                q.send(msg, i & 7);
                q.receive(into);
                q.trySend(msg, 1);
                q.tryReceive(into);
                q.send(msg, 2, patience);
                q.receive(into, patience);
                q.send(array, 3);
                q.receive(into);
                q.send(heap.clear(), 4);
                q.receive(into);
                q.send(direct.clear(), 5);
                q.receive(into);
            }
            perMessage = (Allocation.currentThread() - before) / 4_000;
        }
        assertThat(perMessage).as("bytes allocated per send+receive").isLessThan(8);
        assertThat(into.buffer().get(ValueLayout.JAVA_BYTE, 63)).isEqualTo((byte) 1);
    }
}
