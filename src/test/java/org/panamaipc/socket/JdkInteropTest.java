package org.panamaipc.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.panamaipc.testing.IpcTest;

/** Our stream sockets and the JDK's {@code SocketChannel} on the same path talk to each other. */
@IpcTest
class JdkInteropTest {
    private Path dir;
    private UnixDomainSocketAddress address;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("panama-ipc-jdk-");
        address = UnixDomainSocketAddress.of(dir.resolve("s"));
    }

    @AfterEach
    void tearDown() throws IOException {
        Files.deleteIfExists(address.getPath());
        Files.delete(dir);
    }

    @Test
    void ourClientTalksToAJdkServer() throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(address);
            try (UnixSocket client = UnixSocket.connect(SocketType.STREAM, address);
                 SocketChannel accepted = server.accept()) {
                exchange(client, accepted);
                assertThat((long) client.peerCredentials().pid()).isEqualTo(ProcessHandle.current().pid());
            }
        }
    }

    @Test
    void aJdkClientTalksToOurServer() throws IOException {
        try (UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, address).unlinkOnClose();
             SocketChannel client = SocketChannel.open(address);
             UnixSocket accepted = server.accept()) {
            exchange(accepted, client);
            assertThat(client.getRemoteAddress()).isEqualTo(accepted.localAddress());
        }
        assertThat(Files.exists(address.getPath())).isFalse();
    }

    private static void exchange(UnixSocket ours, SocketChannel jdk) throws IOException {
        byte[] data = new byte[200_000];
        new java.util.Random(7).nextBytes(data);
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                ours.write(ByteBuffer.wrap(data));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        ByteBuffer got = ByteBuffer.allocate(data.length);
        while (got.hasRemaining()) {
            assertThat(jdk.read(got)).isNotNegative();
        }
        assertThat(got.array()).isEqualTo(data);
        jdk.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        jdk.shutdownOutput();
        assertThat(ours.inputStream().readAllBytes()).containsExactly(1, 2, 3);
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
