package org.panamaipc.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.panamaipc.BrokenPipeException;
import org.panamaipc.Errno;
import org.panamaipc.ErrnoException;
import org.panamaipc.testing.Blocked;
import org.panamaipc.testing.IpcTest;

@IpcTest
class UnixSocketTest {
    private Path dir;
    private java.util.Set<Integer> fdsBefore;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("panama-ipc-socket-");
        fdsBefore = Fds.open();
    }

    @AfterEach
    void tearDown() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.delete(dir);
    }

    private void assertNoDescriptorLeaked() {
        var now = Fds.open();
        now.removeAll(fdsBefore);
        now.removeIf(fd -> !Fds.target(fd).startsWith("socket:") && !Fds.target(fd).startsWith("/memfd")
                && !Fds.target(fd).startsWith("pipe:"));
        assertThat(now).as("descriptors left open").isEmpty();
    }

    private UnixDomainSocketAddress path(String name) {
        return UnixDomainSocketAddress.of(dir.resolve(name + "-" + UUID.randomUUID().toString().substring(0, 8)));
    }

    private static AbstractSocketAddress abstractName() {
        return AbstractSocketAddress.unique("panama-ipc-test");
    }

    @ParameterizedTest
    @EnumSource(SocketType.class)
    void pairCarriesBytesBothWays(SocketType type) throws IOException {
        try (SocketPair pair = UnixSocket.pair(type); Arena arena = Arena.ofConfined()) {
            assertThat(pair.first().send(arena.allocateFrom("ping"))).isEqualTo(5);
            MemorySegment buf = arena.allocate(64);
            assertThat(pair.second().receive(buf)).isEqualTo(5);
            assertThat(buf.getString(0)).isEqualTo("ping");
            assertThat(pair.second().send("pong".getBytes(StandardCharsets.UTF_8))).isEqualTo(4);
            byte[] b = new byte[16];
            assertThat(pair.first().receive(b)).isEqualTo(4);
            assertThat(new String(b, 0, 4, StandardCharsets.UTF_8)).isEqualTo("pong");
        }
        assertNoDescriptorLeaked();
    }

    @ParameterizedTest
    @EnumSource(value = SocketType.class, names = {"DATAGRAM", "SEQPACKET"})
    void messageSocketsKeepBoundariesAndReportTruncation(SocketType type) throws IOException {
        try (SocketPair pair = UnixSocket.pair(type); Arena arena = Arena.ofConfined()) {
            pair.first().send(new byte[] {1, 2, 3});
            pair.first().send(new byte[] {4, 5});
            pair.first().send(new byte[100]);
            MemorySegment buf = arena.allocate(10);
            assertThat(pair.second().receive(buf)).isEqualTo(3);
            assertThat(pair.second().receive(buf)).isEqualTo(2);
            assertThat(buf.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 4);
            long r = pair.second().receive(buf);
            assertThat(r).as("real length of a truncated message").isEqualTo(100);
            pair.first().send(new byte[50]);
            try (ReceivedMessage m = pair.second().receiveMessage(buf, 0)) {
                assertThat(m.isTruncated()).isTrue();
                assertThat(m.length()).isEqualTo(50);
                assertThat(m.bytesReceived()).isEqualTo(10);
            }
            byte[] big = new byte[60];
            java.util.Arrays.fill(big, (byte) 6);
            pair.first().send(big, 10, 40);
            byte[] into = new byte[20];
            assertThat(pair.second().receive(into, 5, 10)).as("an array's truncated message: its real length")
                    .isEqualTo(40);
            assertThat(into).as("the first 10 bytes, at offset 5, and nothing outside them")
                    .containsExactly(0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 0, 0, 0, 0, 0);
            for (ByteBuffer small : new ByteBuffer[] {ByteBuffer.allocate(12), ByteBuffer.allocateDirect(12)}) {
                pair.first().send(big, 0, 30);
                small.position(2);
                assertThat(pair.second().read(small)).as("a buffer's truncated message: the bytes it holds")
                        .isEqualTo(10);
                assertThat(small.position()).isEqualTo(12);
                assertThat(small.get(11)).isEqualTo((byte) 6);
            }
        }
    }

    @Test
    void streamReceiveReturnsMinusOneAtEndOfStream() throws IOException {
        try (SocketPair pair = UnixSocket.pair(SocketType.STREAM); Arena arena = Arena.ofConfined()) {
            pair.first().send(new byte[] {7});
            pair.first().shutdownOutput();
            MemorySegment buf = arena.allocate(8);
            assertThat(pair.second().receive(buf)).isEqualTo(1);
            assertThat(pair.second().receive(buf)).isEqualTo(-1);
            assertThat(pair.second().read(ByteBuffer.allocate(4))).isEqualTo(-1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = SocketType.class, names = {"STREAM", "SEQPACKET"})
    void serverAcceptsOnAPathAndUnlinksItOnClose(SocketType type) throws IOException {
        UnixDomainSocketAddress address = path("srv");
        try (UnixServerSocket server = UnixServerSocket.create(type, address).unlinkOnClose();
             UnixSocket client = UnixSocket.connect(type, address);
             UnixSocket accepted = server.accept(Duration.ofSeconds(5))) {
            assertThat(Files.exists(address.getPath())).isTrue();
            assertThat(server.localAddress()).isEqualTo(address);
            assertThat(client.remoteAddress()).isEqualTo(address);
            assertThat(accepted.localAddress()).isEqualTo(address);
            assertThat(accepted.remoteAddress()).isEqualTo(UnixDomainSocketAddress.of(""));
            client.send(new byte[] {42});
            byte[] b = new byte[1];
            assertThat(accepted.receive(b)).isEqualTo(1);
            assertThat(b[0]).isEqualTo((byte) 42);
        }
        assertThat(Files.exists(address.getPath())).as("unlinked on close").isFalse();
        assertNoDescriptorLeaked();
    }

    @Test
    void aServerKeepsItsFileOnCloseUnlessAsked() throws IOException {
        UnixDomainSocketAddress address = path("keep");
        UnixServerSocket.create(SocketType.STREAM, address, 4).close();
        assertThat(Files.exists(address.getPath())).isTrue();
        assertThatThrownBy(() -> UnixServerSocket.create(SocketType.STREAM, address))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("bind(").hasMessageContaining(address.getPath().toString())
                .hasMessageContaining("EADDRINUSE")
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EADDRINUSE))
                .satisfies(e -> assertThat(((FileAlreadyExistsException) e).getFile())
                        .isEqualTo(address.getPath().toString()));
        assertThatThrownBy(() -> UnixSocket.connect(SocketType.STREAM, address))
                .isInstanceOf(SocketConnectException.class)
                .hasMessageContaining("ECONNREFUSED");
        Files.delete(address.getPath());
    }

    @Test
    void abstractAddressLeavesNoFileAndIsExclusive() throws IOException {
        AbstractSocketAddress address = abstractName();
        try (UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, address);
             UnixSocket client = UnixSocket.connect(SocketType.STREAM, address);
             UnixSocket accepted = server.accept()) {
            assertThat(server.localAddress()).isEqualTo(address);
            assertThat(client.remoteAddress()).isEqualTo(address);
            assertThatThrownBy(() -> UnixServerSocket.create(SocketType.STREAM, address))
                    .isInstanceOf(FileAlreadyExistsException.class);
            accepted.send(new byte[] {1});
            assertThat(client.receive(new byte[1])).isEqualTo(1);
        }
        try (var files = Files.list(dir)) {
            assertThat(files.count()).isZero();
        }
        assertThatThrownBy(() -> UnixSocket.connect(SocketType.STREAM, address))
                .isInstanceOf(SocketConnectException.class).hasMessageContaining("ECONNREFUSED");
    }

    @Test
    void datagramsCarryTheSenderAddress() throws IOException {
        UnixDomainSocketAddress serverAddress = path("dgram");
        AbstractSocketAddress clientAddress = abstractName();
        try (UnixSocket server = UnixSocket.bind(SocketType.DATAGRAM, serverAddress).unlinkOnClose();
             UnixSocket client = UnixSocket.bind(SocketType.DATAGRAM, clientAddress);
             UnixSocket anonymous = UnixSocket.open(SocketType.DATAGRAM);
             Arena arena = Arena.ofConfined()) {
            client.sendTo(arena.allocateFrom("hi"), serverAddress);
            anonymous.sendTo(arena.allocateFrom("yo"), serverAddress);
            MemorySegment buf = arena.allocate(16);
            ReceivedMessage m = server.receiveFrom(buf);
            assertThat(m.length()).isEqualTo(3);
            assertThat(m.sender()).isEqualTo(clientAddress);
            assertThat(buf.getString(0)).isEqualTo("hi");
            m = server.receiveFrom(buf);
            assertThat(m.sender()).isEqualTo(UnixDomainSocketAddress.of(""));
            server.sendTo(arena.allocateFrom("back"), m.sender() == null ? clientAddress : clientAddress);
            assertThat(client.receive(buf)).isEqualTo(5);
        }
        assertThat(Files.exists(serverAddress.getPath())).isFalse();
    }

    @Test
    void sendingToNothingNamesTheErrorClearly() throws IOException {
        UnixDomainSocketAddress missing = path("missing");
        assertThatThrownBy(() -> UnixSocket.connect(SocketType.STREAM, missing))
                .isInstanceOf(SocketConnectException.class)
                .isInstanceOf(java.net.ConnectException.class)
                .hasMessageContaining("connect(").hasMessageContaining(missing.getPath().toString())
                .hasMessageContaining("ENOENT (No such file or directory)")
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.ENOENT));
        try (UnixSocket s = UnixSocket.open(SocketType.DATAGRAM)) {
            assertThatThrownBy(() -> s.sendTo(MemorySegment.ofArray(new byte[1]), missing))
                    .isInstanceOf(SocketConnectException.class).hasMessageContaining("ENOENT");
        }
        assertThatThrownBy(() -> UnixSocket.bind(SocketType.DATAGRAM,
                UnixDomainSocketAddress.of(dir.resolve("no/such/dir/s"))))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("bind(");
        assertNoDescriptorLeaked();
    }

    @Test
    void tooLongAddressesAreRejectedBeforeAnyCall() {
        String longPath = "/tmp/" + "x".repeat(110);
        assertThatThrownBy(() -> UnixSocket.connect(SocketType.STREAM, UnixDomainSocketAddress.of(longPath)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("path length=115 exceeds sun_path capacity=107");
        String ok = "/tmp/" + "y".repeat(102);
        assertThatThrownBy(() -> UnixServerSocket.create(SocketType.STREAM, UnixDomainSocketAddress.of(ok + "z")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AbstractSocketAddress.of("n".repeat(108)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("abstract name length=108 exceeds sun_path capacity=107");
        assertThat(AbstractSocketAddress.of("n".repeat(107)).name()).hasSize(107);
        assertThatThrownBy(() -> UnixServerSocket.create(SocketType.DATAGRAM, abstractName()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void longestPathWorks() throws IOException {
        Path base = dir.resolve("p");
        int room = 107 - base.toString().length() - 1;
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(base + "-" + "q".repeat(room));
        assertThat(address.getPath().toString().length()).isEqualTo(107);
        try (UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, address);
             UnixSocket client = UnixSocket.connect(SocketType.STREAM, address)) {
            assertThat(server.localAddress()).isEqualTo(address);
            assertThat(client.remoteAddress()).isEqualTo(address);
        }
    }

    @Test
    void sendToAClosedPeerIsABrokenPipeNotASignal() throws IOException {
        for (SocketType type : new SocketType[] {SocketType.STREAM, SocketType.SEQPACKET}) {
            SocketPair pair = UnixSocket.pair(type);
            pair.second().close();
            try (UnixSocket s = pair.first()) {
                assertThatThrownBy(() -> s.send(new byte[] {1}))
                        .isInstanceOf(BrokenPipeException.class)
                        .hasMessageContaining("send(")
                        .hasMessageContaining("EPIPE (Broken pipe)");
                assertThatThrownBy(() -> s.outputStream().write(new byte[] {1}))
                        .isInstanceOf(BrokenPipeException.class);
            }
        }
    }

    @Test
    void closeFromAnotherThreadReleasesABlockedReceive() throws Exception {
        try (SocketPair pair = UnixSocket.pair(SocketType.STREAM); Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(8);
            Blocked<Long> blocked = Blocked.start(Blocked.RECVFROM, () -> pair.second().receive(buf));
            pair.second().close();
            assertReleasedByClose(blocked);
        }
    }

    @Test
    void closeFromAnotherThreadReleasesABlockedAccept() throws Exception {
        AbstractSocketAddress address = abstractName();
        UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, address);
        Blocked<UnixSocket> blocked = Blocked.start(Blocked.ACCEPT4, server::accept); // one blocking accept4, as C
        server.close();
        assertReleasedByClose(blocked);
        assertThat(server.isOpen()).isFalse();
        assertThatThrownBy(server::accept).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(server::tryAccept).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void afterATryAcceptTheSocketIsNonBlockingAndAnAcceptWaitsInPollUntilCloseReleasesIt() throws Exception {
        AbstractSocketAddress address = abstractName();
        UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, address);
        assertThat(server.tryAccept()).isNull(); // never sleeps: switches the socket to non-blocking
        assertThat(org.panamaipc.internal.Sys.fcntl(server.fd().get(), org.panamaipc.bindings.LibC.F_GETFL(), 0)
                & org.panamaipc.bindings.LibC.O_NONBLOCK()).isNotZero();
        try (UnixSocket client = UnixSocket.connect(SocketType.STREAM, address); UnixSocket accepted = server.accept()) {
            assertThat(accepted).isNotNull();
        }
        Blocked<UnixSocket> blocked = Blocked.start(Blocked.POLL, server::accept);
        server.close();
        assertReleasedByClose(blocked);
    }

    /** The call was sleeping in the kernel when the close came: it must end in AsynchronousCloseException. */
    private static void assertReleasedByClose(Blocked<?> blocked) throws Exception {
        assertThatThrownBy(() -> blocked.result().get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(AsynchronousCloseException.class);
    }

    @Test
    void timedAndNonBlockingReceivesReturnZeroOrNull() throws IOException {
        try (SocketPair pair = UnixSocket.pair(SocketType.DATAGRAM); Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(8);
            assertThat(pair.first().receive(buf, Duration.ofMillis(20))).isZero();
            assertThat(pair.first().receive(buf, Duration.ZERO)).isZero();
            assertThat(pair.first().receiveMessage(buf, 1, Duration.ofMillis(20))).isNull();
            pair.first().configureBlocking(false);
            assertThat(pair.first().isBlocking()).isFalse();
            assertThat(pair.first().receive(buf)).isZero();
            assertThat(pair.first().receiveFrom(buf)).isNull();
            assertThat(pair.first().read(ByteBuffer.allocate(4))).isZero();
            assertThat(pair.first().receiveMessage(buf, 1)).isNull();
            pair.second().send(new byte[] {9});
            assertThat(pair.first().receive(buf)).isEqualTo(1);
            pair.first().setOption(UnixSocketOptions.SO_RCVTIMEO, Duration.ofMillis(20));
            pair.first().configureBlocking(true);
            assertThatThrownBy(() -> pair.first().receive(buf)).isInstanceOf(SocketTimeoutException.class);
            assertThat(pair.first().getOption(UnixSocketOptions.SO_RCVTIMEO)).isEqualTo(Duration.ofMillis(20));
        }
    }

    @Test
    void timedAndTryAcceptReturnNullWhenNoOneConnects() throws IOException {
        AbstractSocketAddress address = abstractName();
        try (UnixServerSocket server = UnixServerSocket.create(SocketType.SEQPACKET, address)) {
            assertThat(server.tryAccept()).isNull();
            assertThat(server.accept(Duration.ofMillis(20))).isNull();
            try (UnixSocket client = UnixSocket.connect(SocketType.SEQPACKET, address);
                 UnixSocket accepted = server.tryAccept()) {
                assertThat(accepted).isNotNull();
                assertThat(accepted.type()).isEqualTo(SocketType.SEQPACKET);
                assertThat(accepted.isBlocking()).isTrue();
                assertThat(client.peerCredentials().pid()).isEqualTo(accepted.peerCredentials().pid());
            }
        }
    }

    @Test
    void nonBlockingSendFillsTheBufferThenWouldBlock() throws IOException {
        try (SocketPair pair = UnixSocket.pair(SocketType.STREAM); Arena arena = Arena.ofConfined()) {
            pair.first().configureBlocking(false);
            MemorySegment chunk = arena.allocate(65536);
            long total = 0;
            long r;
            while ((r = pair.first().send(chunk)) != 0) {
                total += r;
            }
            assertThat(total).isPositive();
            assertThat(pair.first().send(chunk, Duration.ofMillis(10))).isZero();
            assertThat(pair.first().write(ByteBuffer.allocateDirect(16))).isZero();
            pair.first().configureBlocking(true);
            pair.first().setOption(UnixSocketOptions.SO_SNDTIMEO, Duration.ofMillis(20));
            assertThatThrownBy(() -> pair.first().send(chunk)).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void buffersAreOptionsInTheJdkStyle() throws IOException {
        try (SocketPair pair = UnixSocket.pair(SocketType.STREAM)) {
            pair.first().setOption(StandardSocketOptions.SO_RCVBUF, 32768);
            assertThat(pair.first().getOption(StandardSocketOptions.SO_RCVBUF)).isEqualTo(65536); // doubled by the kernel
            pair.first().setOption(StandardSocketOptions.SO_SNDBUF, 16384);
            assertThat(pair.first().getOption(StandardSocketOptions.SO_SNDBUF)).isEqualTo(32768);
            assertThat(pair.first().supportedOptions()).contains(UnixSocketOptions.SO_PASSCRED);
            assertThatThrownBy(() -> pair.first().setOption(StandardSocketOptions.SO_REUSEADDR, true))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void streamsAndChannelsAdaptAStreamSocket() throws IOException {
        try (SocketPair pair = UnixSocket.pair(SocketType.STREAM)) {
            OutputStream out = pair.first().outputStream();
            InputStream in = pair.second().inputStream();
            out.write("hello, stream".getBytes(StandardCharsets.UTF_8));
            out.write('!');
            byte[] got = in.readNBytes(14);
            assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("hello, stream!");
            ByteBuffer direct = ByteBuffer.allocateDirect(8).put(new byte[] {1, 2, 3}).flip();
            assertThat(pair.second().write(direct)).isEqualTo(3);
            assertThat(direct.remaining()).isZero();
            ByteBuffer heap = ByteBuffer.allocate(8);
            assertThat(pair.first().read(heap)).isEqualTo(3);
            assertThat(heap.position()).isEqualTo(3);
            out.close();
            assertThat(pair.first().isOpen()).isFalse();
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void useAfterCloseThrowsClosedChannelException() throws IOException {
        SocketPair pair = UnixSocket.pair(SocketType.STREAM);
        pair.close();
        pair.close(); // idempotent
        assertThatThrownBy(() -> pair.first().send(new byte[1])).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> pair.first().receive(new byte[1])).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> pair.first().peerCredentials()).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void peerCredentialsOfAPairAreOurOwn() throws IOException {
        try (SocketPair pair = UnixSocket.pair(SocketType.SEQPACKET)) {
            Credentials c = pair.first().peerCredentials();
            assertThat((long) c.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(c.uid()).isEqualTo(org.panamaipc.internal.SocketCalls.getuid());
        }
    }

    @Test
    void largeStreamTransferFromAHeapArrayArrivesWhole() throws Exception {
        byte[] data = new byte[1 << 20];
        new java.util.Random(1).nextBytes(data);
        try (SocketPair pair = UnixSocket.pair(SocketType.STREAM)) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    assertThat(pair.first().send(data)).isEqualTo(data.length);
                    pair.first().shutdownOutput();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, Peers::daemon);
            byte[] got = pair.second().inputStream().readAllBytes();
            writer.get(10, TimeUnit.SECONDS);
            assertThat(got).isEqualTo(data);
        }
    }

    @Test
    void closeFromAnotherThreadReleasesASendBlockedOnAFullBuffer() throws Exception {
        try (SocketPair pair = UnixSocket.pair(SocketType.STREAM); Arena arena = Arena.ofShared()) {
            MemorySegment data = arena.allocate(16 << 20); // far more than the socket buffers hold
            Blocked<Long> blocked = Blocked.start(Blocked.SENDTO, () -> pair.first().send(data));
            pair.first().close();
            assertReleasedByClose(blocked);
        }
    }

    @Test
    void closeFromAnotherThreadReleasesAConnectWaitingOnAFullBacklog() throws Exception {
        AbstractSocketAddress address = abstractName();
        java.util.List<UnixSocket> queued = new java.util.ArrayList<>();
        try (UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, address, 1)) {
            // Fill the backlog without accepting: non-blocking connects fail with EAGAIN once it is full.
            while (true) {
                UnixSocket s = UnixSocket.open(SocketType.STREAM);
                s.configureBlocking(false);
                try {
                    s.connect(address);
                    queued.add(s);
                } catch (SocketConnectException full) {
                    assertThat(full.errno()).isEqualTo(Errno.EAGAIN);
                    s.close();
                    break;
                }
            }
            UnixSocket waiting = UnixSocket.open(SocketType.STREAM);
            Blocked<Void> blocked = Blocked.start(Blocked.CONNECT, () -> {
                waiting.connect(address);
                return null;
            });
            waiting.close();
            assertReleasedByClose(blocked);
        } finally {
            queued.forEach(UnixSocket::close);
        }
    }

    @Test
    void misuseIsReportedClearly() throws Exception {
        try (SocketPair pair = UnixSocket.pair(SocketType.STREAM); Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> pair.first().receive(arena.allocate(8).asReadOnly()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
            assertThatThrownBy(() -> pair.first().receive((MemorySegment) null))
                    .isInstanceOf(NullPointerException.class);
            pair.second().close();
            try (org.panamaipc.OwnedFd stdin = org.panamaipc.OwnedFd.adopt(
                    org.panamaipc.internal.Sys.fcntl(0, org.panamaipc.bindings.LibC.F_DUPFD_CLOEXEC(), 0))) {
                assertThatThrownBy(() -> pair.first().sendDescriptors(arena.allocateFrom("x"), stdin))
                        .isInstanceOf(BrokenPipeException.class).hasMessageContaining("sendmsg(");
            }
        }
        int raw = org.panamaipc.internal.Sys.fcntl(0, org.panamaipc.bindings.LibC.F_DUPFD_CLOEXEC(), 0);
        try (org.panamaipc.OwnedFd notSocket = org.panamaipc.OwnedFd.adopt(raw)) {
            assertThatThrownBy(() -> UnixSocket.adopt(notSocket))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a Unix domain socket");
            assertThat(notSocket.isOpen()).isTrue();
        }
    }
}
