package org.panamaipc.bench.socket;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.PeerSupport;
import org.panamaipc.socket.ReceivedMessage;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixServerSocket;
import org.panamaipc.socket.UnixSocket;

/**
 * Peer of the socket benchmarks: listens (stream, seqpacket) or binds and connects back
 * (datagram) on the paths given, then echoes 8-byte messages ({@code echo}), drains 64-byte
 * messages ({@code sink}), or receives and closes descriptors ({@code fds-echo N}: answers
 * each message; {@code fds-sink N}: acknowledges every {@link Messages#FD_ACK_EVERY}).
 */
public final class SocketPeer {
    private SocketPeer() {
    }

    /**
     * Runs the peer until the benchmark closes its standard input or its socket.
     *
     * @param args {@code mode TYPE peerPath [fdsPerMessage] [benchPath for datagram]}
     * @throws Exception on a socket error
     */
    public static void main(String[] args) throws Exception {
        PeerSupport.run(() -> serve(args));
    }

    private static void serve(String[] args) throws IOException {
        String mode = args[0];
        SocketType type = SocketType.valueOf(args[1]);
        UnixDomainSocketAddress own = UnixDomainSocketAddress.of(Path.of(args[2]));
        boolean fdMode = mode.startsWith("fds");
        int fds = fdMode ? Integer.parseInt(args[3]) : 0;
        UnixSocket socket;
        if (type == SocketType.DATAGRAM) {
            socket = UnixSocket.bind(type, own).unlinkOnClose();
            socket.connect(UnixDomainSocketAddress.of(Path.of(args[args.length - 1])));
            PeerSupport.ready();
        } else {
            UnixServerSocket server = UnixServerSocket.create(type, own).unlinkOnClose();
            PeerSupport.ready();
            socket = server.accept();
            server.close();
        }
        boolean stream = type == SocketType.STREAM;
        Arena arena = Arena.global();
        switch (mode) {
            case "echo" -> {
                MemorySegment buf = arena.allocate(Messages.ROUND_TRIP_BYTES, 8);
                while (true) {
                    Sockets.receiveFully(socket, buf, stream);
                    Sockets.sendFully(socket, buf, stream);
                }
            }
            case "sink" -> {
                MemorySegment buf = arena.allocate(Messages.ONE_WAY_BYTES, 8);
                while (true) {
                    Sockets.receiveFully(socket, buf, stream);
                }
            }
            case "fds-echo", "fds-sink" -> {
                boolean echo = mode.equals("fds-echo");
                MemorySegment one = arena.allocate(1);
                long received = 0;
                while (true) {
                    try (ReceivedMessage m = socket.receiveMessage(one, fds)) {
                        if (m.length() <= 0) {
                            return;
                        }
                    }
                    received++;
                    if (echo || received % Messages.FD_ACK_EVERY == 0) {
                        socket.send(one);
                    }
                }
            }
            default -> throw new IllegalArgumentException("mode=" + mode);
        }
    }
}
