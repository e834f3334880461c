package org.panamaipc.bench.socket;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Locale;
import org.panamaipc.bench.infra.Names;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixSocket;

/**
 * Connecting the benchmark to its socket peer, for each socket type: stream and seqpacket
 * through a listening socket the peer creates; datagram through two bound sockets, each
 * connected to the other.
 */
final class Sockets {
    private Sockets() {
    }

    static SocketType type(String name) {
        return SocketType.valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** The benchmark's end and its peer; {@code paths} receives the files to remove. */
    record Connection(UnixSocket socket, Peer peer) {
    }

    static Connection connect(Placement placement, SocketType type, String mode, Path[] paths, String... extra)
            throws IOException {
        Path peerPath = Names.tempPath("sock");
        paths[0] = peerPath;
        String[] args = new String[3 + extra.length];
        args[0] = mode;
        args[1] = type.name();
        args[2] = peerPath.toString();
        System.arraycopy(extra, 0, args, 3, extra.length);
        if (type == SocketType.DATAGRAM) {
            Path ownPath = Names.tempPath("sock");
            paths[1] = ownPath;
            UnixSocket own = UnixSocket.bind(type, UnixDomainSocketAddress.of(ownPath)).unlinkOnClose();
            String[] withOwn = java.util.Arrays.copyOf(args, args.length + 1);
            withOwn[args.length] = ownPath.toString();
            Peer peer = Peer.jvm(placement, SocketPeer.class, withOwn);
            own.connect(UnixDomainSocketAddress.of(peerPath));
            return new Connection(own, peer);
        }
        Peer peer = Peer.jvm(placement, SocketPeer.class, args);
        return new Connection(UnixSocket.connect(type, UnixDomainSocketAddress.of(peerPath)), peer);
    }

    /** Receives exactly {@code buf.byteSize()} bytes (a whole message, or stream bytes). */
    static void receiveFully(UnixSocket socket, MemorySegment buf, boolean stream) throws IOException {
        if (!stream) {
            if (socket.receive(buf) < 0) {
                throw new EOFException();
            }
            return;
        }
        long got = 0;
        long size = buf.byteSize();
        while (got < size) {
            long r = socket.receive(got == 0 ? buf : buf.asSlice(got));
            if (r < 0) {
                throw new EOFException();
            }
            got += r;
        }
    }

    /** Sends all of {@code buf} (a whole message, or stream bytes). */
    static void sendFully(UnixSocket socket, MemorySegment buf, boolean stream) throws IOException {
        long sent = socket.send(buf);
        while (stream && sent < buf.byteSize()) {
            sent += socket.send(buf.asSlice(sent));
        }
    }
}
