package org.panamaipc.bench.junixsocket;

import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.newsclub.net.unix.AFUNIXServerSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.PeerSupport;
import org.panamaipc.bench.infra.Streams;

/**
 * Peer of the junixsocket benchmarks: listens on the path given, accepts one connection,
 * then echoes 8-byte messages ({@code echo}), reads 64-byte messages ({@code sink}), or
 * receives and closes descriptors ({@code fds N}).
 */
public final class JunixsocketPeer {
    private JunixsocketPeer() {
    }

    /**
     * Runs the peer.
     *
     * @param args {@code echo|sink|fds path [fdsPerMessage]}
     * @throws IOException on a socket error
     */
    public static void main(String[] args) throws IOException {
        String mode = args[0];
        try (AFUNIXServerSocketChannel server = AFUNIXServerSocketChannel.open()) {
            server.bind(AFUNIXSocketAddress.of(Path.of(args[1])));
            PeerSupport.ready();
            try (AFUNIXSocketChannel ch = server.accept()) {
                switch (mode) {
                    case "echo" -> echo(ch);
                    case "sink" -> sink(ch);
                    case "fds" -> {
                        ch.setAncillaryReceiveBufferSize(64 * Integer.parseInt(args[2]) + 256);
                        descriptors(ch);
                    }
                    default -> throw new IllegalArgumentException("mode=" + mode);
                }
            } catch (EOFException end) {
                // the benchmark closed its end
            }
        }
    }

    private static void echo(AFUNIXSocketChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(Messages.ROUND_TRIP_BYTES);
        while (true) {
            buf.clear();
            Streams.readFully(ch, buf);
            buf.flip();
            Streams.writeFully(ch, buf);
        }
    }

    private static void sink(AFUNIXSocketChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(Messages.ONE_WAY_BYTES);
        while (true) {
            buf.clear();
            Streams.readFully(ch, buf);
        }
    }

    private static void descriptors(AFUNIXSocketChannel ch) throws IOException {
        ByteBuffer one = ByteBuffer.allocateDirect(1);
        ByteBuffer ack = ByteBuffer.allocateDirect(1);
        long received = 0;
        while (true) {
            one.clear();
            Streams.readFully(ch, one);
            FileDescriptor[] fds = ch.getReceivedFileDescriptors();
            if (fds != null) {
                for (FileDescriptor fd : fds) {
                    new FileInputStream(fd).close();
                }
            }
            if (++received % Messages.FD_ACK_EVERY == 0) {
                ack.clear();
                Streams.writeFully(ch, ack);
            }
        }
    }
}
