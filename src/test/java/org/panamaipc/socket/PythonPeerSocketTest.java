package org.panamaipc.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Sys;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.PythonPeer;

/** Descriptor and credential passing with python3's {@code socket.send_fds}/{@code recv_fds} on the other end. */
@IpcTest
class PythonPeerSocketTest {
    private static final MethodHandle MEMFD_CREATE = Linker.nativeLinker().downcallHandle(
            LibC.memfd_create$address(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private AbstractSocketAddress address;
    private Path tempFile;
    private Set<Integer> before;

    @BeforeEach
    void setUp() throws Exception {
        address = AbstractSocketAddress.of("panama-ipc-py-" + UUID.randomUUID());
        tempFile = Files.createTempFile("panama-ipc-socket-", ".txt");
        before = Fds.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        Files.deleteIfExists(tempFile);
        Set<Integer> now = Fds.open();
        now.removeAll(before);
        now.removeIf(fd -> !Fds.target(fd).startsWith("socket:") && !Fds.target(fd).startsWith("/memfd")
                && !Fds.target(fd).startsWith("pipe:") && !Fds.target(fd).startsWith(tempFile.toString()));
        assertThat(now).as("descriptors left open").isEmpty();
    }

    /** The one line a peer prints, once it has exited 0. */
    private static String finish(PeerProcess peer) {
        String line = peer.readLine(java.time.Duration.ofSeconds(20));
        peer.expectExit(0, java.time.Duration.ofSeconds(20));
        return line;
    }

    private String name() {
        return "@" + new String(address.name(), StandardCharsets.UTF_8);
    }

    @Test
    void pythonSendsAnOpenFileAndJavaReadsItsContents() throws Exception {
        Files.writeString(tempFile, "contents from a file python opened");
        try (UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, address);
             PeerProcess peer = PythonPeer.start("socket_peer.py", "send-file", name(), tempFile.toString());
             UnixSocket conn = server.accept(java.time.Duration.ofSeconds(20));
             Arena arena = Arena.ofConfined()) {
            assertThat(conn).isNotNull();
            MemorySegment buf = arena.allocate(8);
            try (ReceivedMessage m = conn.receiveMessage(buf, 1)) {
                assertThat(m.length()).isEqualTo(1);
                assertThat(m.descriptors()).hasSize(1);
                try (var file = m.descriptors().getFirst().toInputStream()) {
                    assertThat(new String(file.readAllBytes(), StandardCharsets.UTF_8))
                            .isEqualTo("contents from a file python opened");
                }
            }
            conn.send(new byte[] {1});
            assertThat(finish(peer)).isEqualTo("sent");
        }
    }

    @Test
    void javaSendsASealedMemfdThatPythonMaps() throws Throwable {
        String text = "written by Java before sealing";
        try (UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, address);
             Arena arena = Arena.ofConfined();
             OwnedFd memfd = OwnedFd.adopt((int) MEMFD_CREATE.invokeExact(arena.allocateFrom("panama-ipc-test"),
                     LibC.MFD_CLOEXEC() | LibC.MFD_ALLOW_SEALING()));
             PeerProcess peer = PythonPeer.start("socket_peer.py", "read-memfd", name());
             UnixSocket conn = server.accept(java.time.Duration.ofSeconds(20))) {
            MemorySegment bytes = arena.allocateFrom(text);
            long size = bytes.byteSize() - 1;
            assertThat(Sys.write(memfd.get(), bytes, size)).isEqualTo(size);
            int seals = LibC.F_SEAL_WRITE() | LibC.F_SEAL_GROW() | LibC.F_SEAL_SHRINK() | LibC.F_SEAL_SEAL();
            assertThat(Sys.fcntl(memfd.get(), LibC.F_ADD_SEALS(), seals)).isZero();
            conn.sendDescriptors(arena.allocateFrom(Long.toString(size)), memfd);
            assertThat(finish(peer)).isEqualTo("seals=" + seals + " text=" + text);
        }
    }

    @Test
    void javaSendsTwoHundredDescriptorsInOneMessageAndPythonGetsAll() throws Exception {
        List<OwnedFd> fds = new ArrayList<>();
        try (UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, address);
             PeerProcess peer = PythonPeer.start("socket_peer.py", "count-fds", name(), "253");
             UnixSocket conn = server.accept(java.time.Duration.ofSeconds(20))) {
            OwnedFd[] pipe = DescriptorPassingTest.pipe();
            fds.add(pipe[0]);
            fds.add(pipe[1]);
            while (fds.size() < 200) {
                fds.add(pipe[1].dup());
            }
            conn.sendDescriptors(MemorySegment.ofArray(new byte[] {'x'}), fds);
            assertThat(finish(peer)).isEqualTo("count=200 distinct=200 valid=200 ctrunc=False");
        } finally {
            fds.forEach(OwnedFd::close);
        }
    }

    @Test
    void javaWritesThroughAPipeEndPythonSent() throws Exception {
        try (UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, address);
             PeerProcess peer = PythonPeer.start("socket_peer.py", "send-pipe-and-wait", name());
             UnixSocket conn = server.accept(java.time.Duration.ofSeconds(20));
             Arena arena = Arena.ofConfined()) {
            try (ReceivedMessage m = conn.receiveMessage(arena.allocate(4), 2)) {
                assertThat(m.descriptors()).hasSize(1);
                MemorySegment hello = arena.allocateFrom("hello python");
                assertThat(Sys.write(m.descriptors().getFirst().get(), hello, hello.byteSize() - 1))
                        .isEqualTo(hello.byteSize() - 1);
            }
            assertThat(finish(peer)).isEqualTo("got=hello python");
        }
    }

    @Test
    void aSecondCreateAtTheSamePathFailsAndTheFirstServerStillServesPython() throws Exception {
        Path dir = Files.createTempDirectory("panama-ipc-socket-");
        UnixDomainSocketAddress path = UnixDomainSocketAddress.of(dir.resolve("server.sock"));
        try (UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, path).unlinkOnClose()) {
            assertThatThrownBy(() -> UnixServerSocket.create(SocketType.STREAM, path))
                    .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("EADDRINUSE");
            assertThatThrownBy(() -> UnixSocket.bind(SocketType.DATAGRAM, path))
                    .isInstanceOf(FileAlreadyExistsException.class);
            try (PeerProcess peer = PythonPeer.start("socket_peer.py", "hold", path.getPath().toString());
                 UnixSocket conn = server.accept(java.time.Duration.ofSeconds(20))) {
                assertThat(conn).as("python connected to the first server").isNotNull();
                byte[] buf = new byte[32];
                int n = conn.receive(buf);
                assertThat(Long.parseLong(new String(buf, 0, n, StandardCharsets.US_ASCII))).isEqualTo(peer.pid());
                conn.send(new byte[] {1});
                assertThat(finish(peer)).isEqualTo("done");
            }
        } finally {
            assertThat(Files.exists(path.getPath())).as("unlinked on close").isFalse();
            Files.delete(dir);
        }
    }

    @Test
    void peerCredentialsReportThePeersRealPid() throws Exception {
        try (UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, address);
             PeerProcess peer = PythonPeer.start("socket_peer.py", "hold", name());
             UnixSocket conn = server.accept(java.time.Duration.ofSeconds(20))) {
            byte[] buf = new byte[32];
            int n = conn.receive(buf);
            long reported = Long.parseLong(new String(buf, 0, n, StandardCharsets.US_ASCII));
            Credentials c = conn.peerCredentials();
            assertThat((long) c.pid()).isEqualTo(peer.pid()).isEqualTo(reported);
            assertThat(c.uid()).isEqualTo(org.panamaipc.internal.SocketCalls.getuid());
            conn.send(new byte[] {1});
            assertThat(finish(peer)).isEqualTo("done");
        }
    }

    @Test
    void pythonsCredentialsArriveWithItsMessage() throws Exception {
        try (UnixServerSocket server = UnixServerSocket.create(SocketType.SEQPACKET, address);
             PeerProcess peer = PythonPeer.start("socket_peer.py", "send-credentials", name());
             UnixSocket conn = server.accept(java.time.Duration.ofSeconds(20));
             Arena arena = Arena.ofConfined()) {
            conn.setOption(UnixSocketOptions.SO_PASSCRED, true);
            try (ReceivedMessage m = conn.receiveMessage(arena.allocate(4), 0)) {
                assertThat(m.length()).isEqualTo(1);
                assertThat(m.credentials()).isNotNull();
                assertThat((long) m.credentials().pid()).isEqualTo(peer.pid());
            }
            conn.send(new byte[] {1});
            assertThat(finish(peer)).isEqualTo("pid=" + peer.pid());
        }
    }
}
