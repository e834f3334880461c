package org.panamaipc.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerJvm;
import org.panamaipc.testing.PeerProcess;

/** 100,000 numbered, checksummed messages each way between this JVM and a peer JVM, per socket type. */
@IpcTest
class JvmPeerSocketTest {
    private static final int COUNT = 100_000;

    @ParameterizedTest
    @EnumSource(SocketType.class)
    void hundredThousandMessagesEachWayArriveInOrderAndIntact(SocketType type) throws Exception {
        AbstractSocketAddress serverAddress = AbstractSocketAddress.of("panama-ipc-jvm-" + UUID.randomUUID());
        AbstractSocketAddress peerAddress = AbstractSocketAddress.of("panama-ipc-jvm-peer-" + UUID.randomUUID());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(SocketPeer.FRAME);
            if (type == SocketType.DATAGRAM) {
                try (UnixSocket s = UnixSocket.bind(type, serverAddress);
                     PeerProcess peer = PeerJvm.start(SocketPeer.class, type.name(), SocketPeer.name(serverAddress),
                             SocketPeer.name(peerAddress), Integer.toString(COUNT))) {
                    s.setOption(UnixSocketOptions.SO_RCVTIMEO, Duration.ofSeconds(30));
                    exchange(s, buf, type, () -> s.connect(peerAddress));
                    assertThat(peer.readLine(Duration.ofSeconds(30))).isEqualTo("OK " + COUNT);
                    peer.expectExit(0, Duration.ofSeconds(30));
                }
            } else {
                try (UnixServerSocket server = UnixServerSocket.create(type, serverAddress);
                     PeerProcess peer = PeerJvm.start(SocketPeer.class, type.name(), SocketPeer.name(serverAddress),
                             SocketPeer.name(peerAddress), Integer.toString(COUNT));
                     UnixSocket s = server.accept(Duration.ofSeconds(30))) {
                    assertThat(s).as("peer connected").isNotNull();
                    assertThat((long) s.peerCredentials().pid()).isEqualTo(peer.pid());
                    exchange(s, buf, type, () -> { });
                    assertThat(peer.readLine(Duration.ofSeconds(30))).isEqualTo("OK " + COUNT);
                    peer.expectExit(0, Duration.ofSeconds(30));
                }
            }
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void exchange(UnixSocket s, MemorySegment buf, SocketType type, Step afterFirst) throws Exception {
        for (long i = 0; i < COUNT; i++) {
            SocketPeer.receiveAndCheck(s, buf, i, type);
            if (i == 0) {
                afterFirst.run();
            }
        }
        for (long i = 0; i < COUNT; i++) {
            s.send(buf.asSlice(0, SocketPeer.fill(buf, i, type)));
        }
    }
}
