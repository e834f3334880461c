package org.panamaipc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.panamaipc.mq.PosixMessage;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.mq.SysVMessage;
import org.panamaipc.mq.SysVMessageQueue;
import org.panamaipc.mq.TypeFilter;
import org.panamaipc.pipe.Fifo;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.pipe.PipeSource;
import org.panamaipc.socket.AbstractSocketAddress;
import org.panamaipc.socket.SocketPair;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixServerSocket;
import org.panamaipc.socket.UnixSocket;
import org.panamaipc.sync.EventFd;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerJvm;
import org.panamaipc.testing.PeerProcess;

/**
 * Every message-carrying mechanism carries N checksummed messages from a peer process to this
 * one, none lost, duplicated or corrupted: pipe, FIFO, POSIX queue, System V queue, Unix
 * stream, datagram and seqpacket sockets, and an eventfd (whose counter adds the values up:
 * their sum must come out exact). N is {@value Soak#DEFAULT_MESSAGES} in the normal run; the
 * long form sets {@code -Dpanamaipc.soak.messages=1000000}.
 */
@IpcTest
class SoakTest {
    private static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(20);

    private final Scope scope = new Scope();

    @AfterEach
    void cleanUp() throws Exception {
        scope.close();
    }

    @TestFactory
    Stream<DynamicNode> everyMechanismCarriesEveryMessageOnce() throws Exception {
        long n = Soak.messages();
        // A million messages take minutes on a loaded machine: the limit grows with N.
        Duration limit = Duration.ofSeconds(30 + n / 2_000);
        AbstractSocketAddress address = AbstractSocketAddress.unique("soak");
        UnixServerSocket server = scope.own(UnixServerSocket.create(SocketType.SEQPACKET, address));
        PeerProcess peer = scope.own(PeerJvm.builder(SoakPeer.class).onClassPath().start(
                new String(address.name(), java.nio.charset.StandardCharsets.UTF_8)));
        UnixSocket control = scope.own(server.accept(Duration.ofSeconds(60)));
        peer.expectReady();
        scope.defer(() -> peer.send("exit"));
        Arena arena = scope.own(Arena.ofShared());
        MemorySegment tag = arena.allocateFrom("fd");

        List<DynamicNode> cases = new ArrayList<>();
        cases.add(Case.of("pipe: " + n + " messages", limit, s -> {
            Pipe pipe = s.own(Pipe.open());
            control.sendDescriptors(tag, pipe.sink().fd());
            pipe.sink().close();
            peer.send("pipe " + n);
            receiveStream(s, pipe.source(), n, "pipe");
            peer.expectLine("done pipe", RECEIVE_TIMEOUT);
        }));
        cases.add(Case.of("FIFO: " + n + " messages", limit, s -> {
            Path fifo = Fixtures.tempFile(s).resolveSibling("fifo");
            Fifo.create(fifo);
            s.defer(() -> Fifo.unlinkIfExists(fifo));
            peer.send("fifo " + n + " " + fifo);
            PipeSource source = s.own(Fifo.openForReading(fifo, RECEIVE_TIMEOUT));
            receiveStream(s, source, n, "FIFO");
            peer.expectLine("done fifo", RECEIVE_TIMEOUT);
        }));
        cases.add(Case.of("POSIX message queue: " + n + " messages", limit, s -> {
            String name = PosixMessageQueue.uniqueName("soak");
            s.defer(() -> PosixMessageQueue.unlinkIfExists(name));
            PosixMessageQueue q = s.own(PosixMessageQueue.create(name, 10, Soak.MESSAGE_BYTES));
            peer.send("posix-queue " + n + " " + name);
            PosixMessage m = PosixMessage.allocate(s.own(Arena.ofConfined()), Soak.MESSAGE_BYTES);
            for (long seq = 0; seq < n; seq++) {
                assertThat(q.receive(m, RECEIVE_TIMEOUT)).as("message " + seq + " within " + RECEIVE_TIMEOUT).isTrue();
                assertThat(m.length()).isEqualTo(Soak.MESSAGE_BYTES);
                Soak.check(m.data(), seq, "POSIX queue");
            }
            peer.expectLine("done posix-queue", RECEIVE_TIMEOUT);
            assertThat(q.tryReceive(m)).as("nothing more").isFalse();
        }));
        cases.add(Case.of("System V message queue: " + n + " messages", limit, s -> {
            SysVMessageQueue q = Fixtures.sysVQueue(s);
            peer.send("sysv-queue " + n + " " + q.id());
            SysVMessage m = SysVMessage.allocate(s.own(Arena.ofConfined()), Soak.MESSAGE_BYTES);
            for (long seq = 0; seq < n; seq++) {
                assertThat(q.receive(m, TypeFilter.any(), RECEIVE_TIMEOUT)).as("message " + seq).isTrue();
                assertThat(m.length()).isEqualTo(Soak.MESSAGE_BYTES);
                Soak.check(m.text(), seq, "System V queue");
            }
            peer.expectLine("done sysv-queue", RECEIVE_TIMEOUT);
            assertThat(q.tryReceive(m, TypeFilter.any())).as("nothing more").isFalse();
        }));
        for (SocketType type : SocketType.values()) {
            String name = type.name().toLowerCase(java.util.Locale.ROOT);
            cases.add(Case.of("Unix " + name + " socket: " + n + " messages", limit, s -> {
                SocketPair pair = s.own(UnixSocket.pair(type));
                control.sendDescriptors(tag, pair.second().fd());
                pair.second().close();
                peer.send(name + " " + n);
                MemorySegment buffer = s.own(Arena.ofConfined()).allocate(Soak.MESSAGE_BYTES);
                for (long seq = 0; seq < n; seq++) {
                    long got = 0;
                    while (got < Soak.MESSAGE_BYTES) {
                        long r = pair.first().receive(buffer.asSlice(got), RECEIVE_TIMEOUT);
                        assertThat(r).as(name + " message " + seq + " within " + RECEIVE_TIMEOUT).isPositive();
                        got += r;
                        assertThat(type == SocketType.STREAM || got == Soak.MESSAGE_BYTES).as("a whole datagram").isTrue();
                    }
                    Soak.check(buffer, seq, name + " socket");
                }
                peer.expectLine("done " + name, RECEIVE_TIMEOUT);
            }));
        }
        cases.add(Case.of("eventfd: " + n + " signals add up exactly", limit, s -> {
            EventFd event = s.own(EventFd.create(0, EventFd.Mode.COUNTER));
            control.sendDescriptors(tag, event.fd());
            peer.send("eventfd " + n);
            long expected = n * (n + 1) / 2;
            long sum = 0;
            while (sum < expected) {
                long taken = event.await(RECEIVE_TIMEOUT);
                assertThat(taken).as("signals within " + RECEIVE_TIMEOUT + " (sum so far " + sum + ")").isPositive();
                sum += taken;
            }
            peer.expectLine("done eventfd", RECEIVE_TIMEOUT);
            assertThat(sum + event.tryAwait()).as("the sum of 1.." + n).isEqualTo(expected);
        }));
        return cases.stream();
    }

    /** Receives n messages from a byte stream, 16 bytes each however the reads split them, then the end. */
    private static void receiveStream(Scope s, PipeSource source, long n, String what) throws IOException {
        MemorySegment buffer = s.own(Arena.ofConfined()).allocate(Soak.MESSAGE_BYTES);
        for (long seq = 0; seq < n; seq++) {
            long got = 0;
            while (got < Soak.MESSAGE_BYTES) {
                long r = source.read(buffer.asSlice(got), RECEIVE_TIMEOUT);
                assertThat(r).as(what + " message " + seq + " within " + RECEIVE_TIMEOUT).isPositive();
                got += r;
            }
            Soak.check(buffer, seq, what);
        }
        assertThat(source.read(buffer, RECEIVE_TIMEOUT)).as(what + ": the end after message " + n).isEqualTo(-1);
    }
}
