package org.panamaipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.panamaipc.lock.LockableFile;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.process.ChildProcess;
import org.panamaipc.pipe.Fifo;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.pipe.PipeSource;
import org.panamaipc.shm.MappedFile;
import org.panamaipc.shm.Memfd;
import org.panamaipc.shm.SharedMemory;
import org.panamaipc.process.ExitStatus;
import org.panamaipc.process.PidFd;
import org.panamaipc.signal.Signal;
import org.panamaipc.signal.SignalRegistration;
import org.panamaipc.signal.Signals;
import org.panamaipc.socket.SocketPair;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixServerSocket;
import org.panamaipc.socket.UnixSocket;
import org.panamaipc.sync.EventFd;
import org.panamaipc.testing.Allocation;
import org.panamaipc.testing.Blocked;
import org.panamaipc.testing.BlockingChecks;
import org.panamaipc.testing.Deadline;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.PythonPeer;
import org.panamaipc.testing.TestRun;

@IpcTest
class WaitSetTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<String> queues = new ArrayList<>();

    @TempDir
    Path dir;

    private <T extends AutoCloseable> T track(T resource) {
        open.add(resource);
        return resource;
    }

    private WaitSet set() throws IOException {
        return track(WaitSet.create());
    }

    private EventFd eventFd() throws IOException {
        return track(EventFd.create(0, EventFd.Mode.COUNTER));
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        for (String name : queues) {
            PosixMessageQueue.unlinkIfExists(name);
        }
    }

    /** The attachments of the keys a select reported. */
    private static Set<Object> attachments(List<WaitSet.Key> keys) {
        return keys.stream().map(WaitSet.Key::attachment).collect(Collectors.toSet());
    }

    private static void assertSelects(WaitSet set, String... ready) throws IOException {
        assertThat(attachments(set.select(WAIT))).as("ready after a select").containsExactlyInAnyOrder((Object[]) ready);
        assertThat(attachments(set.selectNow())).as("ready, looked at again").containsExactlyInAnyOrder((Object[]) ready);
    }

    // ---------------------------------------------------------------- every kind

    @Test
    @ResourceLock("signals")
    void everyKindIsReportedExactlyWhileReady() throws Exception {
        WaitSet set = set();
        String queueName = PosixMessageQueue.uniqueName(TestRun.prefix("waitset"));
        queues.add(queueName);
        PosixMessageQueue queue = track(PosixMessageQueue.create(queueName, 4, 64));
        Pipe pipe = track(Pipe.open());
        Path fifoPath = dir.resolve("fifo");
        Fifo.create(fifoPath);
        PipeSource fifo = track(Fifo.openForReadingNonBlocking(fifoPath));
        Path socketPath = dir.resolve("socket");
        UnixServerSocket server = track(UnixServerSocket.create(SocketType.STREAM, UnixDomainSocketAddress.of(socketPath)));
        EventFd event = eventFd();
        SignalRegistration signal = track(Signals.handle(Signal.SIGUSR1, info -> { }));
        Pipe childInput = track(Pipe.open());
        ChildProcess child = track(ChildProcess.builder("sh", "-c", "read line; exit 3")
                .mapFd(0, childInput.source()).start());
        childInput.source().close();
        PeerProcess peer = track(PythonPeer.start("wait_set_peer.py"));
        peer.expectReady();

        set.register(queue, Interest.READABLE, "queue");
        set.register(pipe.source(), Interest.READABLE, "pipe");
        set.register(fifo, Interest.READABLE, "fifo");
        WaitSet.Key serverKey = set.register(server, Interest.ACCEPTABLE, "server");
        set.register(event, Interest.READABLE, "eventfd");
        set.register(signal, Interest.SIGNALED, "signal");
        set.register(child, Interest.EXITED, "child");
        assertThat(set.selectNow()).isEmpty();
        assertThat(set.select(Duration.ofMillis(20))).isEmpty();

        peer.send("mq " + queueName + " hello");
        peer.expectLine("ok");
        assertSelects(set, "queue");

        pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
        assertSelects(set, "queue", "pipe");

        peer.send("fifo " + fifoPath + " through-the-fifo");
        peer.expectLine("ok");
        assertSelects(set, "queue", "pipe", "fifo");

        peer.send("connect " + socketPath);
        peer.expectLine("ok");
        assertSelects(set, "queue", "pipe", "fifo", "server");
        assertThat(serverKey.ready()).containsExactly(Interest.ACCEPTABLE);
        UnixSocket connection = track(server.tryAccept());
        assertSelects(set, "queue", "pipe", "fifo");
        set.register(connection, Interest.READABLE, "socket");
        assertSelects(set, "queue", "pipe", "fifo");

        peer.send("send over-the-socket");
        peer.expectLine("ok");
        assertSelects(set, "queue", "pipe", "fifo", "socket");

        event.signal(2);
        assertSelects(set, "queue", "pipe", "fifo", "socket", "eventfd");

        peer.send("kill " + ProcessHandle.current().pid() + " SIGUSR1");
        peer.expectLine("ok");
        // the JVM runs the handler on a thread of its own, after the kill has returned: wait for
        // the count with a set of its own, which also shows one object in two sets
        try (WaitSet signalOnly = WaitSet.create()) {
            signalOnly.register(signal, Interest.SIGNALED);
            assertThat(signalOnly.select(WAIT)).hasSize(1);
        }
        assertSelects(set, "queue", "pipe", "fifo", "socket", "eventfd", "signal");

        childInput.sink().write(ByteBuffer.wrap("go\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(child.pidFd().awaitExit(WAIT)).isTrue();
        assertSelects(set, "queue", "pipe", "fifo", "socket", "eventfd", "signal", "child");

        // taking what made each ready takes it out of the result, one at a time
        assertThat(new String(queue.tryReceive().data(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertSelects(set, "pipe", "fifo", "socket", "eventfd", "signal", "child");
        assertThat(pipe.source().read(ByteBuffer.allocate(8))).isEqualTo(1);
        assertSelects(set, "fifo", "socket", "eventfd", "signal", "child");
        ByteBuffer text = ByteBuffer.allocate(64);
        assertThat(fifo.read(text)).isEqualTo("through-the-fifo".length());
        assertSelects(set, "socket", "eventfd", "signal", "child");
        text.clear();
        assertThat(connection.read(text)).isEqualTo("over-the-socket".length());
        assertSelects(set, "eventfd", "signal", "child");
        assertThat(event.tryAwait()).isEqualTo(2);
        assertSelects(set, "signal", "child");
        assertThat(signal.takeDeliveries()).isEqualTo(1);
        assertThat(signal.takeDeliveries()).isZero();
        assertSelects(set, "child");
        assertThat(child.waitFor()).isEqualTo(ExitStatus.exited(3));
        assertThat(set.keys()).hasSize(8);
    }

    @Test
    void readyReportsWhatTheLatestSelectFound() throws IOException {
        WaitSet set = set();
        EventFd event = eventFd();
        WaitSet.Key key = set.register(event, EnumSet.of(Interest.READABLE, Interest.WRITABLE), "e");
        assertThat(set.select(WAIT)).containsExactly(key);
        assertThat(key.ready()).containsExactly(Interest.WRITABLE);
        assertThat(key.isReady(Interest.WRITABLE)).isTrue();
        assertThat(key.isReady(Interest.READABLE)).isFalse();
        event.signal(1);
        assertThat(set.selectNow()).containsExactly(key);
        assertThat(key.ready()).containsExactlyInAnyOrder(Interest.READABLE, Interest.WRITABLE);

        key.interests(EnumSet.of(Interest.READABLE));
        assertThat(key.interests()).containsExactly(Interest.READABLE);
        assertThat(set.selectNow()).containsExactly(key);
        assertThat(key.ready()).containsExactly(Interest.READABLE);
        event.tryAwait();
        assertThat(set.selectNow()).isEmpty();
        assertThat(key.ready()).as("not in the latest result").isEmpty();

        key.interests(Set.of()); // registered, but not waited on
        event.signal(1);
        assertThat(set.selectNow()).isEmpty();
        assertThat(set.keys()).containsExactly(key);
        key.interests(Set.of(Interest.READABLE));
        assertThat(set.selectNow()).containsExactly(key);
        assertThat(key.attach("f")).isEqualTo("e");
        assertThat(key.attachment()).isEqualTo("f");
        assertThat(key.object()).isSameAs(event);
        assertThat(key.waitSet()).isSameAs(set);
    }

    @Test
    void aSelectThatFindsWhatTheLastFoundReturnsTheSameListAndAllocatesNothing() throws Exception {
        WaitSet set = set();
        EventFd event = eventFd();
        event.signal(1);
        set.register(event, Interest.READABLE);
        List<WaitSet.Key> first = set.select(WAIT);
        assertThat(set.select(WAIT)).isSameAs(first);
        assertThat(set.selectNow()).isSameAs(first);
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 20 && best > 0; round++) { // until the JIT has compiled the path
            long before = Allocation.currentThread();
            for (int i = 0; i < 10_000; i++) {
                if (set.select(WAIT).size() + set.selectNow().size() != 2) {
                    throw new AssertionError("the eventfd is not ready");
                }
            }
            best = Math.min(best, Allocation.currentThread() - before);
        }
        assertThat(best).as("bytes allocated by 20,000 selects that found the same").isLessThan(20_000);
    }

    @Test
    void cancelStopsWaitingAndLeavesTheObjectOpen() throws IOException {
        WaitSet set = set();
        EventFd event = eventFd();
        event.signal(1);
        WaitSet.Key key = set.register(event, Interest.READABLE);
        assertThat(set.selectNow()).containsExactly(key);
        key.cancel();
        key.cancel();
        assertThat(key.isValid()).isFalse();
        assertThat(set.selectNow()).isEmpty();
        assertThat(set.keys()).isEmpty();
        assertThat(key.ready()).isEmpty();
        assertThatThrownBy(() -> key.interests(Set.of(Interest.READABLE))).isInstanceOf(IllegalStateException.class);
        assertThat(event.tryAwait()).isEqualTo(1);
        assertThat(set.register(event, Interest.WRITABLE)).isNotSameAs(key); // registered anew
    }

    @Test
    void aSetNestsInAnother() throws IOException {
        WaitSet outer = set();
        WaitSet inner = set();
        EventFd event = eventFd();
        WaitSet.Key innerKey = inner.register(event, Interest.READABLE);
        WaitSet.Key outerKey = outer.register(inner, Interest.READABLE, "inner");
        assertThat(outer.selectNow()).isEmpty();
        event.signal(1);
        assertThat(outer.select(WAIT)).containsExactly(outerKey);
        assertThat(inner.selectNow()).containsExactly(innerKey);
    }

    // ---------------------------------------------------------------- wakeup, close, interrupt

    @Test
    void wakeupFromAnotherThreadReturnsAWaitingSelect() throws Exception {
        WaitSet set = set();
        set.register(eventFd(), Interest.READABLE);
        Blocked<List<WaitSet.Key>> blocked = Blocked.start(Blocked.EPOLL_WAIT, set::select);
        assertThat(blocked.result()).isNotDone();
        Thread.ofPlatform().start(set::wakeup).join();
        assertThat(blocked.get(WAIT)).isEmpty();
        assertThat(set.select(Duration.ofMillis(20))).as("one wakeup, one select").isEmpty();
    }

    @Test
    void aWakeupBeforeTheSelectMakesTheNextOneReturn() throws IOException {
        WaitSet set = set();
        WaitSet watcher = set(); // sees whether the set is still readable, without a timed wait
        watcher.register(set, Interest.READABLE);
        set.wakeup();
        set.wakeup();
        assertThat(watcher.selectNow()).hasSize(1);
        assertThat(set.select()).isEmpty();
        assertThat(watcher.selectNow()).as("both wakeups taken by one select").isEmpty();
        set.wakeup();
        assertThat(set.selectNow()).isEmpty();
        assertThat(watcher.selectNow()).as("selectNow takes a wakeup too").isEmpty();
    }

    @Test
    void closingTheSetReleasesAWaitingSelect() throws Exception {
        WaitSet set = set();
        EventFd event = eventFd();
        WaitSet.Key key = set.register(event, Interest.READABLE);
        Blocked<List<WaitSet.Key>> blocked = Blocked.start(Blocked.EPOLL_WAIT, set::select);
        Deadline.after(WAIT).await(() -> set.waiting() == 1, "the select is in the engine");
        set.close();
        assertThatThrownBy(() -> blocked.get(WAIT)).hasCauseInstanceOf(AsynchronousCloseException.class);
        assertThat(set.isOpen()).isFalse();
        assertThat(key.isValid()).isFalse();
        assertThatThrownBy(set::keys).as("the keys went with the set, as Selector.keys")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(event.isOpen()).as("the objects stay open").isTrue();
        set.close();
        set.wakeup(); // nothing to wake: no error either
        assertThatThrownBy(set::select).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(set::selectNow).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> set.register(event, Interest.READABLE)).isInstanceOf(IllegalStateException.class)
                .hasMessage(set + " is closed");
        assertThatThrownBy(() -> key.interests(Set.of(Interest.WRITABLE))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingARegisteredObjectReleasesASelectWhichReportsItsKeyOnce() throws Exception {
        WaitSet set = set();
        EventFd event = EventFd.create(0, EventFd.Mode.COUNTER);
        WaitSet.Key key = set.register(event, Interest.READABLE, "event");
        WaitSet.Key other = set.register(eventFd(), Interest.READABLE, "other");
        Blocked<List<WaitSet.Key>> blocked = Blocked.start(Blocked.EPOLL_WAIT, set::select);
        event.close();
        assertThat(blocked.get(WAIT)).containsExactly(key);
        assertThat(key.isValid()).isFalse();
        assertThat(key.ready()).isEmpty();
        assertThat(set.keys()).containsExactly(other);
        assertThat(set.select(Duration.ofMillis(20))).as("reported once").isEmpty();

        // the number is free and a new eventfd most likely takes it: the set must not see it
        try (EventFd reused = EventFd.create(1, EventFd.Mode.COUNTER)) {
            assertThat(set.selectNow()).isEmpty();
            assertThat(reused.tryAwait()).isEqualTo(1);
        }
    }

    @Test
    void closingARegisteredChannelOrChildReportsTheirKeys() throws Exception {
        WaitSet set = set();
        Pipe pipe = track(Pipe.open());
        ChildProcess child = track(ChildProcess.builder("sleep", "60").start());
        SocketPair pair = track(UnixSocket.pair(SocketType.STREAM));
        WaitSet.Key source = set.register(pipe.source(), Interest.READABLE);
        WaitSet.Key exited = set.register(child, Interest.EXITED);
        WaitSet.Key socket = set.register(pair.first(), Interest.READABLE);
        assertThat(set.selectNow()).isEmpty();
        pipe.source().close();
        pair.first().close();
        child.kill();
        assertThat(child.waitFor(WAIT)).isEqualTo(ExitStatus.killed(Signal.SIGKILL, false));
        child.close();
        // each left the set as it closed: what the child's exit made ready is gone with it
        assertThat(set.select(WAIT)).containsExactlyInAnyOrder(source, exited, socket)
                .allSatisfy(k -> assertThat(k.isValid()).as(k.toString()).isFalse());
        assertThat(set.keys()).isEmpty();
        assertThat(set.select(Duration.ofMillis(20))).isEmpty();
    }

    @Test
    void interruptEndsASelectAndTheSetStaysOpen() throws Exception {
        WaitSet set = set();
        EventFd event = eventFd();
        WaitSet.Key key = set.register(event, Interest.READABLE);
        BlockingChecks.interruptEndsTheCallPromptly(Blocked.EPOLL_WAIT, set::waiting, set::select,
                InterruptedIOException.class);
        // a timed select waits in the engine's poll of the epoll descriptor, then takes the events
        BlockingChecks.interruptEndsTheCallPromptly(Blocked.POLL, set::waiting,
                () -> set.select(Duration.ofMinutes(5)), InterruptedIOException.class);
        assertThat(set.isOpen()).isTrue();
        event.signal(1);
        assertThat(set.select(WAIT)).containsExactly(key);
    }

    // ---------------------------------------------------------------- virtual threads

    @Test
    void aVirtualThreadInSelectIsReleasedByWakeupInterruptAndClose() throws Exception {
        WaitSet set = set();
        EventFd event = eventFd();
        WaitSet.Key key = set.register(event, Interest.READABLE);

        CompletableFuture<Object> timed = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                timed.complete(set.select(Duration.ofMillis(20)));
            } catch (IOException e) {
                timed.complete(e);
            }
        });
        assertThat(timed.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("a timed select times out").isEqualTo(List.of());

        CompletableFuture<Object> woken = selectOnAVirtualThread(set);
        set.wakeup();
        assertThat(woken.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(List.of());

        CompletableFuture<Object> ready = selectOnAVirtualThread(set);
        event.signal(1);
        assertThat(ready.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(List.of(key));
        event.tryAwait();

        Thread[] thread = new Thread[1];
        CompletableFuture<Object> interrupted = new CompletableFuture<>();
        thread[0] = Thread.ofVirtual().start(() -> interrupted.complete(selectCatching(set)));
        Deadline.after(WAIT).await(() -> set.waiting() == 1, "the virtual thread is in the select");
        thread[0].interrupt();
        assertThat(interrupted.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(InterruptedIOException.class);
        assertThat(set.isOpen()).isTrue();

        CompletableFuture<Object> closed = selectOnAVirtualThread(set);
        set.close();
        assertThat(closed.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(AsynchronousCloseException.class);
    }

    private CompletableFuture<Object> selectOnAVirtualThread(WaitSet set) {
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> outcome.complete(selectCatching(set)));
        Deadline.after(WAIT).await(() -> set.waiting() == 1 || outcome.isDone(), "the virtual thread is in the select");
        return outcome;
    }

    private static Object selectCatching(WaitSet set) {
        try {
            return set.select();
        } catch (IOException e) {
            return e;
        }
    }

    @Test
    @Timeout(120)
    void aThousandVirtualThreadsInSelectLeaveTheCarriersFree() throws Exception {
        int count = 1000;
        List<WaitSet> sets = new ArrayList<>();
        List<CompletableFuture<Object>> selects = new ArrayList<>();
        AtomicLong counted = new AtomicLong();
        Thread counter = null;
        try {
            for (int i = 0; i < count; i++) {
                WaitSet set = WaitSet.create();
                sets.add(set);
                CompletableFuture<Object> outcome = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> outcome.complete(selectCatching(set)));
                selects.add(outcome);
            }
            counter = Thread.ofVirtual().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    counted.incrementAndGet();
                    Thread.yield();
                }
            });
            Deadline.after(Duration.ofSeconds(60)).await(() -> sets.stream().allMatch(s -> s.waiting() == 1),
                    "every virtual thread is in its select");
            long before = counted.get();
            Deadline.after(WAIT).await(() -> counted.get() > before + 1000,
                    "a virtual thread keeps running while a thousand wait in select");
            assertThat(selects).noneMatch(CompletableFuture::isDone);
            for (WaitSet set : sets) {
                set.wakeup();
            }
            for (CompletableFuture<Object> outcome : selects) {
                assertThat(outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(List.of());
            }
        } finally {
            if (counter != null) {
                counter.interrupt();
                counter.join();
            }
            sets.forEach(WaitSet::close);
        }
    }

    // ---------------------------------------------------------------- misuse

    @Test
    void anInterestTheObjectDoesNotOfferIsRefusedNamingWhatItOffers() throws Exception {
        WaitSet set = set();
        Pipe pipe = track(Pipe.open());
        assertThatThrownBy(() -> set.register(pipe.source(), Interest.WRITABLE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(pipe.source() + " offers [READABLE], not WRITABLE");
        assertThatThrownBy(() -> set.register(pipe.sink(), EnumSet.of(Interest.WRITABLE, Interest.EXITED), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith(" offers [WRITABLE], not EXITED");
        EventFd event = eventFd();
        assertThatThrownBy(() -> set.register(event, Interest.ACCEPTABLE))
                .hasMessageEndingWith(" offers [READABLE, WRITABLE], not ACCEPTABLE");
        WaitSet.Key key = set.register(event, Interest.READABLE);
        assertThatThrownBy(() -> key.interests(Set.of(Interest.SIGNALED)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offers [READABLE, WRITABLE]");
        assertThat(key.interests()).containsExactly(Interest.READABLE);
        assertThat(set.keys()).hasSize(1);

        String name = PosixMessageQueue.uniqueName(TestRun.prefix("waitset"));
        queues.add(name);
        track(PosixMessageQueue.create(name, 2, 16));
        PosixMessageQueue readOnly = track(PosixMessageQueue.open(name, PosixMessageQueue.Access.READ_ONLY));
        assertThat(readOnly.interests()).containsExactly(Interest.READABLE);
        assertThatThrownBy(() -> set.register(readOnly, Interest.WRITABLE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyPollableTypeOffersWhatItsReadinessMeans() {
        assertThat(WaitSet.class).isAssignableTo(Waitable.class);
        for (Class<?> type : List.of(PipeSource.class, org.panamaipc.pipe.PipeSink.class, PosixMessageQueue.class,
                UnixSocket.class, UnixServerSocket.class, EventFd.class, SignalRegistration.class, PidFd.class,
                ChildProcess.class)) {
            assertThat(Waitable.class).as(type.getName()).isAssignableFrom(type);
        }
        // a descriptor epoll cannot wait on is no Waitable, so registering one does not compile
        for (Class<?> type : List.of(SharedMemory.class, MappedFile.class, Memfd.class, LockableFile.class)) {
            assertThat(DescriptorBased.class).isAssignableFrom(type);
            assertThat(Waitable.class.isAssignableFrom(type)).as(type.getName()).isFalse();
        }
    }

    @Test
    void registeringTwiceOrItselfOrAClosedObjectIsRefused() throws Exception {
        WaitSet set = set();
        EventFd event = eventFd();
        set.register(event, Interest.READABLE);
        assertThatThrownBy(() -> set.register(event, Interest.WRITABLE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already registered");
        assertThatThrownBy(() -> set.register(set, Interest.READABLE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot wait on itself");
        ChildProcess child = track(ChildProcess.builder("true").start());
        set.register(child, Interest.EXITED);
        assertThatThrownBy(() -> set.register(child.pidFd(), Interest.EXITED))
                .as("the same descriptor under another object").hasMessageContaining("already registered");
        assertThat(set.keys()).hasSize(2);

        EventFd closed = EventFd.create(0, EventFd.Mode.COUNTER);
        closed.close();
        assertThatThrownBy(() -> set.register(closed, Interest.READABLE)).isInstanceOf(IllegalStateException.class)
                .hasMessage(closed + " is closed");
        Pipe pipe = Pipe.open();
        pipe.close();
        assertThatThrownBy(() -> set.register(pipe.source(), Interest.READABLE))
                .isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> set.select(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(set.keys()).hasSize(2);
    }

    @Test
    @ResourceLock("signals")
    void closingASignalRegistrationClosesItsCount() throws Exception {
        WaitSet set = set();
        SignalRegistration registration = Signals.handle(Signal.SIGWINCH, info -> { });
        WaitSet.Key key = set.register(registration, Interest.SIGNALED);
        assertThat(registration.takeDeliveries()).isZero();
        registration.close();
        assertThat(set.select(WAIT)).containsExactly(key);
        assertThat(key.isValid()).isFalse();
        assertThatThrownBy(registration::takeDeliveries).isInstanceOf(IllegalStateException.class);
    }
}
