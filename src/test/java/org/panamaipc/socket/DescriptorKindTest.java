package org.panamaipc.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.junit.jupiter.api.io.TempDir;
import org.panamaipc.DescriptorKind;
import org.panamaipc.OwnedFd;
import org.panamaipc.WaitSet;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.SocketCalls;
import org.panamaipc.internal.Sys;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.pipe.PipeSink;
import org.panamaipc.pipe.PipeSource;
import org.panamaipc.process.PidFd;
import org.panamaipc.shm.Memfd;
import org.panamaipc.sync.EventFd;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.PythonPeer;

/**
 * Received and inherited descriptors become what they are: {@link DescriptorKind} tells every
 * kind apart, {@link OwnedFd#toFileChannel()} and the stream conversions give the JDK's
 * types, and every {@code adopt} refuses a wrong kind with one message, leaving it open.
 */
@IpcTest
class DescriptorKindTest {

    private static OwnedFd open(Arena arena, String path, int flags) {
        int fd = Sys.open(arena.allocateFrom(path), flags | LibC.O_CLOEXEC(), 0);
        assertThat(fd).as("open " + path).isNotNegative();
        return OwnedFd.adopt(fd);
    }

    @Test
    void everyKindIsToldApart(@TempDir Path dir) throws Exception {
        String queue = "/panama-ipc-kind-" + UUID.randomUUID().toString().substring(0, 8);
        Path file = Files.writeString(dir.resolve("f"), "x");
        Path fifo = dir.resolve("fifo");
        org.panamaipc.pipe.Fifo.create(fifo);
        int inet = SocketCalls.socket(2 /* AF_INET */, LibC.SOCK_STREAM() | LibC.SOCK_CLOEXEC(), 0);
        assertThat(inet).isNotNegative();
        try (Arena arena = Arena.ofConfined();
             Pipe pipe = Pipe.open();
             SocketPair pair = UnixSocket.pair(SocketType.DATAGRAM);
             Memfd memfd = Memfd.create("kind", 16);
             OwnedFd regular = open(arena, file.toString(), LibC.O_RDONLY());
             OwnedFd directory = open(arena, dir.toString(), LibC.O_RDONLY() | LibC.O_DIRECTORY());
             OwnedFd devNull = open(arena, "/dev/null", LibC.O_RDWR());
             OwnedFd fifoFd = open(arena, fifo.toString(), LibC.O_RDWR());
             OwnedFd tcp = OwnedFd.adopt(inet);
             PosixMessageQueue mq = PosixMessageQueue.create(queue, 2, 16).unlinkOnClose();
             EventFd eventFd = EventFd.create(0, EventFd.Mode.COUNTER);
             PidFd pidFd = PidFd.open(ProcessHandle.current().pid());
             WaitSet waitSet = WaitSet.create()) {
            Map<OwnedFd, DescriptorKind> expected = new LinkedHashMap<>();
            expected.put(pipe.source().fd(), DescriptorKind.PIPE);
            expected.put(pipe.sink().fd(), DescriptorKind.PIPE);
            expected.put(fifoFd, DescriptorKind.PIPE);
            expected.put(pair.first().fd(), DescriptorKind.UNIX_SOCKET);
            expected.put(tcp, DescriptorKind.OTHER_SOCKET);
            expected.put(memfd.fd(), DescriptorKind.MEMFD);
            expected.put(regular, DescriptorKind.REGULAR_FILE);
            expected.put(directory, DescriptorKind.DIRECTORY);
            expected.put(devNull, DescriptorKind.CHARACTER_DEVICE);
            expected.put(mq.fd(), DescriptorKind.MESSAGE_QUEUE);
            expected.put(eventFd.fd(), DescriptorKind.EVENTFD);
            expected.put(pidFd.fd(), DescriptorKind.PIDFD);
            expected.put(waitSet.fd(), DescriptorKind.EPOLL);
            for (Map.Entry<OwnedFd, DescriptorKind> e : expected.entrySet()) {
                assertThat(DescriptorKind.of(e.getKey())).as(e.getValue().description()).isEqualTo(e.getValue());
                assertThat(e.getKey().kind()).isEqualTo(e.getValue());
                assertThat(e.getKey().isOpen()).isTrue();
            }
        }
    }

    /**
     * A python3 peer sends, in one message ({@code socket.send_fds}), a regular file opened
     * read-write at offset 6, the read end of a pipe and a socket: each becomes a JDK type. The
     * file's channel starts at the sender's offset but does not share it (the peer still sees
     * 6 after Java read to the end), and writes reach the file.
     */
    @Test
    void aFileAPipeAndASocketFromPythonBecomeAChannelAndStreams(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("data.txt"), "skip: the rest");
        AbstractSocketAddress address = AbstractSocketAddress.of("panama-ipc-kinds-" + UUID.randomUUID());
        String name = "@" + new String(address.name(), StandardCharsets.UTF_8);
        try (UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, address);
             PeerProcess peer = PythonPeer.start("socket_peer.py", "send-kinds", name, file.toString());
             UnixSocket conn = server.accept(Duration.ofSeconds(20));
             Arena arena = Arena.ofConfined()) {
            assertThat(conn).isNotNull();
            try (ReceivedMessage m = conn.receiveMessage(arena.allocate(8), 3, Duration.ofSeconds(20))) {
                assertThat(m).isNotNull();
                List<OwnedFd> fds = m.descriptors();
                assertThat(fds).hasSize(3);
                assertThat(fds.stream().map(fd -> {
                    try {
                        return fd.kind();
                    } catch (java.io.IOException e) {
                        throw new AssertionError(e);
                    }
                })).containsExactly(DescriptorKind.REGULAR_FILE, DescriptorKind.PIPE, DescriptorKind.UNIX_SOCKET);

                assertThatThrownBy(() -> fds.get(1).toFileChannel())
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("OwnedFd.toFileChannel: fd=" + fds.get(1).get() + " is a pipe or FIFO (pipe:[")
                        .hasMessageContaining("becomes a PipeSource (read end) or PipeSink (write end)");
                assertThat(fds.get(1).isOpen()).isTrue();

                try (FileChannel channel = fds.get(0).toFileChannel()) {
                    assertThat(fds.get(0).isOpen()).as("the channel holds the file; the descriptor is closed").isFalse();
                    assertThat(channel.position()).isEqualTo(6);
                    ByteBuffer rest = ByteBuffer.allocate(64);
                    channel.read(rest);
                    assertThat(new String(rest.array(), 0, rest.position(), StandardCharsets.UTF_8)).isEqualTo("the rest");
                    channel.write(ByteBuffer.wrap("SKIP".getBytes(StandardCharsets.UTF_8)), 0);
                }
                try (InputStream pipe = fds.get(1).toInputStream(); InputStream socket = fds.get(2).toInputStream()) {
                    assertThat(new String(pipe.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("through a pipe\n");
                    assertThat(new String(socket.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("through a socket\n");
                }
            }
            conn.send(new byte[] {1});
            assertThat(peer.readLine(Duration.ofSeconds(20))).isEqualTo("sent pos=6");
            peer.expectExit(0, Duration.ofSeconds(20));
        }
        assertThat(Files.readString(file)).isEqualTo("SKIP: the rest");
    }

    @Test
    void everyAdoptRefusesAWrongKindNamingWhatItIsAndLeavesItOpen() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            OwnedFd read = pipe.source().fd();
            List<ThrowingConsumer<OwnedFd>> wrong = new ArrayList<>(List.of(
                    UnixSocket::adopt, Memfd::adopt, PosixMessageQueue::adopt, PidFd::adopt,
                    fd -> EventFd.adopt(fd, EventFd.Mode.COUNTER), OwnedFd::toFileChannel));
            List<String> calls = List.of("UnixSocket.adopt", "Memfd.adopt", "PosixMessageQueue.adopt", "PidFd.adopt",
                    "EventFd.adopt", "OwnedFd.toFileChannel");
            for (int i = 0; i < wrong.size(); i++) {
                ThrowingConsumer<OwnedFd> call = wrong.get(i);
                assertThatThrownBy(() -> call.accept(read)).as(calls.get(i))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith(calls.get(i) + ": fd=" + read.get() + " is a pipe or FIFO (pipe:[")
                        .hasMessageContaining("(DescriptorKind.PIPE)");
                assertThat(read.isOpen()).isTrue();
            }
            assertThatThrownBy(() -> PipeSink.adopt(read)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("opened read-only: it is a read end");
            assertThatThrownBy(() -> PipeSource.adopt(pipe.sink().fd())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("opened write-only: it is a write end");
            assertThatThrownBy(() -> pipe.sink().fd().toInputStream()).isInstanceOf(IllegalArgumentException.class);
            assertThat(pipe.sink().fd().isOpen()).isTrue();
        }
    }

    @Test
    void aFileKeepsItsAccessModeThroughTheConversions(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("log"), "first\n");
        try (Arena arena = Arena.ofConfined()) {
            OwnedFd readOnly = open(arena, file.toString(), LibC.O_RDONLY());
            try (FileChannel channel = readOnly.toFileChannel()) {
                assertThatThrownBy(() -> channel.write(ByteBuffer.allocate(1))).isInstanceOf(NonWritableChannelException.class);
            }
            try (OwnedFd writeOnly = open(arena, file.toString(), LibC.O_WRONLY())) {
                assertThatThrownBy(writeOnly::toInputStream).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("was opened write-only, not for READ");
                assertThat(writeOnly.isOpen()).isTrue();
            }
            try (OutputStream appending = open(arena, file.toString(), LibC.O_WRONLY() | LibC.O_APPEND()).toOutputStream()) {
                appending.write("second\n".getBytes(StandardCharsets.UTF_8));
            }
            try (InputStream in = open(arena, file.toString(), LibC.O_RDONLY()).toInputStream()) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("first\nsecond\n");
            }
        }
    }

    /**
     * The caveat of {@link OwnedFd#toFileChannel()}: it opens the file again, so the
     * receiver's permissions are checked again. A root-owned file of mode 0600, passed to a
     * peer JVM running as nobody, cannot become a channel there (AccessDeniedException, the
     * descriptor left open), though the descriptor itself still maps.
     */
    @Test
    void aFileChannelChecksTheReceiversPermissionsAgain(@TempDir Path dir) throws Exception {
        assumeTrue(Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0)
                && Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs root to run a peer as user nobody");
        Path secret = Files.writeString(dir.resolve("secret"), "only root may open this");
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        AbstractSocketAddress address = AbstractSocketAddress.of("panama-ipc-unprivileged-" + UUID.randomUUID());
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        command.addAll(org.panamaipc.testing.PeerJvm.builder(UnprivilegedReceiverPeer.class).onClassPath()
                .command(new String(address.name(), StandardCharsets.UTF_8)));
        try (UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, address);
             PeerProcess peer = PeerProcess.start("UnprivilegedReceiverPeer", new ProcessBuilder(command));
             UnixSocket conn = server.accept(Duration.ofSeconds(30));
             Arena arena = Arena.ofConfined();
             OwnedFd fd = open(arena, secret.toString(), LibC.O_RDONLY())) {
            assertThat(conn).isNotNull();
            conn.sendDescriptors(arena.allocate(1), fd);
            assertThat(peer.readLine(Duration.ofSeconds(30))).isEqualTo("kind REGULAR_FILE");
            assertThat(peer.readLine(Duration.ofSeconds(30))).startsWith("denied /proc/self/fd/")
                    .contains(secret.toString(), "OwnedFd.toFileChannel opens the file again through /proc/self/fd");
            assertThat(peer.readLine(Duration.ofSeconds(30))).isEqualTo("still open true");
            assertThat(peer.readLine(Duration.ofSeconds(30))).isEqualTo("mapped only root may open this");
            peer.expectExit(0, Duration.ofSeconds(30));
        }
    }

    /** The adopted object owns the number: the received message's close no longer closes it. */
    @Test
    void anAdoptedDescriptorOutlivesItsMessage() throws Exception {
        try (SocketPair pair = UnixSocket.pair(SocketType.SEQPACKET); Arena arena = Arena.ofConfined();
             EventFd original = EventFd.create(0, EventFd.Mode.COUNTER)) {
            pair.first().sendDescriptors(arena.allocateFrom("e"), original.fd());
            EventFd received;
            try (ReceivedMessage m = pair.second().receiveMessage(arena.allocate(8), 1)) {
                received = EventFd.adopt(m.descriptors().getFirst(), EventFd.Mode.COUNTER);
            }
            try (received) {
                received.signal(5);
                assertThat(original.tryAwait()).isEqualTo(5);
            }
        }
    }
}
