package org.panamaipc.bench.jdk;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.PeerSupport;
import org.panamaipc.bench.infra.Streams;

/**
 * Peer of the JDK socket benchmarks: listens on the path given, accepts one connection,
 * then echoes 8-byte messages ({@code echo}) or reads 64-byte messages ({@code sink}).
 */
public final class JdkSocketChannelPeer {
    private JdkSocketChannelPeer() {
    }

    /**
     * Runs the peer.
     *
     * @param args {@code echo|sink path}
     * @throws Exception on a socket error
     */
    public static void main(String[] args) throws Exception {
        PeerSupport.run(() -> serve(args));
    }

    private static void serve(String[] args) throws IOException {
        boolean echo = args[0].equals("echo");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(Path.of(args[1])));
            PeerSupport.ready();
            try (SocketChannel ch = server.accept()) {
                ByteBuffer buf = ByteBuffer.allocateDirect(echo ? Messages.ROUND_TRIP_BYTES : Messages.ONE_WAY_BYTES);
                while (true) {
                    buf.clear();
                    Streams.readFully(ch, buf);
                    if (echo) {
                        buf.flip();
                        Streams.writeFully(ch, buf);
                    }
                }
            } catch (EOFException end) {
                // the benchmark closed its end
            }
        }
    }
}
