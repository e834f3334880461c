package org.panamaipc.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.panamaipc.testing.Blocked;
import org.panamaipc.testing.BlockingChecks;
import org.panamaipc.testing.IpcTest;

/** Interrupt, close and many waiters on sockets: every blocking call runs through the one engine. */
@IpcTest
@Timeout(60)
class SocketBlockingTest {
    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    @Test
    void interruptEndsAReceiveClosesTheSocketAndThePeerSeesTheClose() throws Exception {
        try (SocketPair pair = UnixSocket.pair(SocketType.STREAM); Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(8);
            Blocked<Long> blocked = Blocked.start(Blocked.RECVFROM, () -> pair.second().receive(buf));
            assertInterruptedWithin100Ms(blocked, ClosedByInterruptException.class);
            assertThat(pair.second().isOpen()).isFalse();
            assertThat(pair.first().receive(buf, Duration.ofSeconds(5))).as("the peer reads end of stream").isEqualTo(-1);
            assertThatThrownBy(() -> pair.second().receive(buf)).isInstanceOf(ClosedChannelException.class);
        }
    }

    @Test
    void interruptEndsATimedReceiveWaitingInPoll() throws Exception {
        try (SocketPair pair = UnixSocket.pair(SocketType.DATAGRAM); Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(8);
            Blocked<ReceivedMessage> blocked = Blocked.start(Blocked.POLL,
                    () -> pair.second().receiveMessage(buf, 1, Duration.ofSeconds(30)));
            assertInterruptedWithin100Ms(blocked, ClosedByInterruptException.class);
            assertThat(pair.second().isOpen()).isFalse();
        }
    }

    @Test
    void interruptEndsASendBlockedOnAFullBuffer() throws Exception {
        try (SocketPair pair = UnixSocket.pair(SocketType.STREAM); Arena arena = Arena.ofShared()) {
            MemorySegment data = arena.allocate(16 << 20); // far more than the socket buffers hold
            Blocked<Long> blocked = Blocked.start(Blocked.SENDTO, () -> pair.first().send(data));
            assertInterruptedWithin100Ms(blocked, ClosedByInterruptException.class);
            assertThat(pair.first().isOpen()).isFalse();
            MemorySegment buf = arena.allocate(1 << 16);
            long total = 0;
            long r;
            while ((r = pair.second().receive(buf, Duration.ofSeconds(5))) > 0) {
                total += r;
            }
            assertThat(r).as("the peer reads what was sent, then end of stream").isEqualTo(-1);
            assertThat(total).isPositive().isLessThan(data.byteSize());
        }
    }

    @Test
    void interruptEndsAConnectWaitingOnAFullBacklog() throws Exception {
        AbstractSocketAddress address = AbstractSocketAddress.unique("panama-ipc-backlog");
        List<UnixSocket> queued = new ArrayList<>();
        try (UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, address, 1)) {
            while (true) { // fill the backlog without accepting
                UnixSocket s = UnixSocket.open(SocketType.STREAM);
                s.configureBlocking(false);
                try {
                    s.connect(address);
                    queued.add(s);
                } catch (SocketConnectException full) {
                    s.close();
                    break;
                }
            }
            UnixSocket waiting = UnixSocket.open(SocketType.STREAM);
            Blocked<Void> blocked = Blocked.start(Blocked.CONNECT, () -> {
                waiting.connect(address);
                return null;
            });
            assertInterruptedWithin100Ms(blocked, ClosedByInterruptException.class);
            assertThat(waiting.isOpen()).isFalse();
        } finally {
            queued.forEach(UnixSocket::close);
        }
    }

    private static void assertInterruptedWithin100Ms(Blocked<?> blocked, Class<? extends Throwable> expected) {
        long start = System.nanoTime();
        blocked.thread().interrupt();
        assertThatThrownBy(() -> blocked.get(Duration.ofSeconds(5))).hasCauseInstanceOf(expected);
        assertThat(millisSince(start)).isLessThan(100);
    }

    @Test
    void anInterruptedThreadClosesTheSocketWhenItWouldWait() throws Exception {
        try (SocketPair pair = UnixSocket.pair(SocketType.SEQPACKET); Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(8);
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> pair.first().receive(buf)).isInstanceOf(ClosedByInterruptException.class);
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
            assertThat(pair.first().isOpen()).isFalse();
            try (ReceivedMessage m = pair.second().receiveMessage(buf, 0, Duration.ofSeconds(5))) {
                assertThat(m).as("the peer sees the close").isNotNull();
                assertThat(m.length()).isZero();
            }
        }
    }

    @Test
    void interruptEndsAnAcceptAndTheNextAcceptTakesTheNextConnection() throws Exception {
        AbstractSocketAddress address = AbstractSocketAddress.unique("panama-ipc-accept");
        try (UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, address)) {
            Blocked<UnixSocket> blocked = Blocked.start(Blocked.ACCEPT4, server::accept); // one blocking accept4
            assertInterruptedWithin100Ms(blocked, InterruptedIOException.class);
            assertThat(server.isOpen()).isTrue();
            try (UnixSocket client = UnixSocket.connect(SocketType.STREAM, address);
                 UnixSocket accepted = server.accept(Duration.ofSeconds(5))) {
                assertThat(accepted).as("the next accept takes the connection").isNotNull();
                client.send(new byte[] {7});
                byte[] b = new byte[1];
                assertThat(accepted.receive(b)).isEqualTo(1);
                assertThat(b[0]).isEqualTo((byte) 7);
            }
        }
    }

    @Test
    void aThousandReceiversOnOneSocketCostNothingOneGetsTheMessageAndCloseReleasesTheRest() throws Exception {
        try (SocketPair pair = UnixSocket.pair(SocketType.DATAGRAM); Arena arena = Arena.ofShared()) {
            UnixSocket receiver = pair.second();
            long got = BlockingChecks.aThousandWaitersCostNothing(() -> receiver.receive(arena.allocate(8)),
                    receiver::waiting, () -> pair.first().send(new byte[] {1, 2, 3}), receiver::close);
            assertThat(got).isEqualTo(3);
        }
    }
}
