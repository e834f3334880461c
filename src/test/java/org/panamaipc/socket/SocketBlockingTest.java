package org.panamaipc.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.panamaipc.testing.Blocked;
import org.panamaipc.testing.Deadline;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.ProcessCpu;

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
            long start = System.nanoTime();
            blocked.thread().interrupt();
            assertThatThrownBy(() -> blocked.get(Duration.ofSeconds(5)))
                    .hasCauseInstanceOf(ClosedByInterruptException.class);
            assertThat(millisSince(start)).isLessThan(100);
            assertThat(pair.second().isOpen()).isFalse();
            assertThat(pair.first().receive(buf, Duration.ofSeconds(5))).as("the peer reads end of stream").isEqualTo(-1);
            assertThatThrownBy(() -> pair.second().receive(buf)).isInstanceOf(ClosedChannelException.class);
        }
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
            Blocked<UnixSocket> blocked = Blocked.start(Blocked.POLL, server::accept);
            long start = System.nanoTime();
            blocked.thread().interrupt();
            assertThatThrownBy(() -> blocked.get(Duration.ofSeconds(5)))
                    .hasCauseInstanceOf(InterruptedIOException.class);
            assertThat(millisSince(start)).isLessThan(100);
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
        int count = 1000;
        try (SocketPair pair = UnixSocket.pair(SocketType.DATAGRAM); Arena arena = Arena.ofShared()) {
            UnixSocket receiver = pair.second();
            List<CompletableFuture<Long>> receivers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                MemorySegment buf = arena.allocate(8);
                CompletableFuture<Long> f = new CompletableFuture<>();
                Thread.ofPlatform().daemon().stackSize(256 * 1024).start(() -> {
                    try {
                        f.complete(receiver.receive(buf));
                    } catch (Throwable t) {
                        f.completeExceptionally(t);
                    }
                });
                receivers.add(f);
            }
            Deadline.after(Duration.ofSeconds(30)).await(() -> receiver.waiting() == count, "all receivers blocked");
            assertThat(ProcessCpu.shareOfOneCpu(Duration.ofSeconds(2))).isLessThan(0.05);

            pair.first().send(new byte[] {1, 2, 3});
            Deadline.after(Duration.ofSeconds(10))
                    .await(() -> receivers.stream().filter(CompletableFuture::isDone).count() == 1, "one receiver done");
            long start = System.nanoTime();
            receiver.close();
            int got = 0;
            int released = 0;
            for (CompletableFuture<Long> f : receivers) {
                try {
                    assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(3);
                    got++;
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(AsynchronousCloseException.class);
                    released++;
                }
            }
            assertThat(millisSince(start)).as("close releases every receiver promptly").isLessThan(5_000);
            assertThat(got).isEqualTo(1);
            assertThat(released).isEqualTo(count - 1);
            assertThat(receiver.waiting()).isZero();
        }
    }
}
