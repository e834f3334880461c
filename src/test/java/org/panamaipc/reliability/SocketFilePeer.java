package org.panamaipc.reliability;

import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixServerSocket;
import org.panamaipc.socket.UnixSocket;
import org.panamaipc.testing.Peer;

/**
 * A peer JVM for {@link SocketFileModeTest}, started under a chosen umask: binds a socket at
 * {@code args[0]} — a listening stream socket, or with {@code args[2] = "datagram"} a bound
 * datagram one — with the default mode ({@code args[1] = "default"}) or the permissions
 * {@code args[1]} (e.g. {@code rw-rw-rw-}), prints the file's permissions, and holds the
 * socket until the test closes it.
 */
public final class SocketFilePeer {
    private SocketFilePeer() {
    }

    /**
     * Runs the peer.
     *
     * @param args the path, "default" or the permissions, and optionally "datagram"
     * @throws Exception if binding fails
     */
    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[0]);
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(path);
        boolean chosen = !args[1].equals("default");
        boolean datagram = args.length > 2 && args[2].equals("datagram");
        AutoCloseable socket;
        if (datagram) {
            socket = chosen ? UnixSocket.bind(SocketType.DATAGRAM, address, PosixFilePermissions.fromString(args[1]))
                    .unlinkOnClose() : UnixSocket.bind(SocketType.DATAGRAM, address).unlinkOnClose();
        } else {
            socket = chosen ? UnixServerSocket.create(SocketType.STREAM, address, 8,
                    PosixFilePermissions.fromString(args[1])).unlinkOnClose()
                    : UnixServerSocket.create(SocketType.STREAM, address).unlinkOnClose();
        }
        try (socket) {
            Peer.println(PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
            while (Peer.readLine() != null) {
                // hold the socket until the test ends this peer
            }
        }
    }
}
