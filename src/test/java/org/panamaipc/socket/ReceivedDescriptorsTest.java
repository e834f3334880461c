package org.panamaipc.socket;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.mq.PosixMessage;
import java.time.Duration;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Sys;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.pipe.PipeSink;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.Memfd;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.TestRun;

/** A descriptor received over a socket becomes the library's own object for what it is. */
@IpcTest
class ReceivedDescriptorsTest {

    private static OwnedFd receiveOne(SocketPair pair, Arena arena) throws Exception {
        try (ReceivedMessage m = pair.second().receiveMessage(arena.allocate(8), 1)) {
            assertThat(m.descriptors()).hasSize(1);
            return m.descriptors().getFirst().dup(); // the message closes its own copy
        }
    }

    @Test
    void aReceivedMemfdMapsAsSharedMemory() throws Exception {
        try (SocketPair pair = UnixSocket.pair(SocketType.SEQPACKET); Arena arena = Arena.ofConfined();
             Memfd memfd = Memfd.create("received", 4096); Mapping mine = memfd.map()) {
            mine.segment().setString(0, "written before sending");
            pair.first().sendDescriptors(arena.allocateFrom("m"), memfd.fd());
            try (Memfd received = Memfd.adopt(receiveOne(pair, arena)); Mapping theirs = received.map()) {
                assertThat(theirs.segment().getString(0)).isEqualTo("written before sending");
                theirs.segment().setString(0, "and back");
                assertThat(mine.segment().getString(0)).isEqualTo("and back");
            }
        }
    }

    @Test
    void aReceivedPipeEndReadsAndWrites() throws Exception {
        try (SocketPair pair = UnixSocket.pair(SocketType.STREAM); Arena arena = Arena.ofConfined();
             Pipe pipe = Pipe.open()) {
            pair.first().sendDescriptors(arena.allocateFrom("w"), pipe.sink().fd());
            try (PipeSink sink = PipeSink.adopt(receiveOne(pair, arena))) {
                sink.outputStream().write("through a received end".getBytes(StandardCharsets.UTF_8));
            }
            pipe.sink().close();
            assertThat(new String(pipe.source().inputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("through a received end");
        }
    }

    @Test
    void aReceivedRegularFileReadsThroughAStream() throws Exception {
        Path file = Files.createTempFile("panama-ipc-received-", ".txt");
        try (SocketPair pair = UnixSocket.pair(SocketType.DATAGRAM); Arena arena = Arena.ofConfined()) {
            Files.writeString(file, "a regular file's contents");
            try (OwnedFd fd = OwnedFd.adopt(Sys.open(arena.allocateFrom(file.toString()),
                    LibC.O_RDONLY() | LibC.O_CLOEXEC(), 0))) {
                pair.first().sendDescriptors(arena.allocateFrom("f"), fd);
            }
            try (java.io.InputStream source = receiveOne(pair, arena).toInputStream()) {
                assertThat(new String(source.readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("a regular file's contents");
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void aReceivedSocketTalks() throws Exception {
        try (SocketPair carrier = UnixSocket.pair(SocketType.DATAGRAM); Arena arena = Arena.ofConfined();
             SocketPair passed = UnixSocket.pair(SocketType.STREAM)) {
            carrier.first().sendDescriptors(arena.allocateFrom("s"), passed.second().fd());
            try (UnixSocket received = UnixSocket.adopt(receiveOne(carrier, arena))) {
                passed.first().send("hi".getBytes(StandardCharsets.UTF_8));
                MemorySegment buf = arena.allocate(2);
                assertThat(received.receive(buf)).isEqualTo(2);
            }
        }
    }

    @Test
    void aReceivedMessageQueueDescriptorReceives() throws Exception {
        String name = TestRun.uniqueName("passed");
        try (SocketPair pair = UnixSocket.pair(SocketType.SEQPACKET); Arena arena = Arena.ofConfined();
             PosixMessageQueue queue = PosixMessageQueue.create(name, 4, 64)) {
            pair.first().sendDescriptors(arena.allocateFrom("q"), queue.fd());
            try (PosixMessageQueue received = PosixMessageQueue.adopt(receiveOne(pair, arena))) {
                assertThat(received.name()).isEqualTo(name);
                assertThat(received.maxMessageSize()).isEqualTo(64);
                queue.send("through a received queue".getBytes(StandardCharsets.UTF_8), 3);
                PosixMessage message = PosixMessage.allocate(arena, 64);
                assertThat(received.receive(message, Duration.ofSeconds(5))).isTrue();
                assertThat(message.priority()).isEqualTo(3);
                assertThat(new String(message.toByteArray(), StandardCharsets.UTF_8)).isEqualTo("through a received queue");
            }
        } finally {
            PosixMessageQueue.unlinkIfExists(name);
        }
    }

    @Test
    void adoptingADescriptorThatIsNoQueueIsRefusedAndLeavesItOpen() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            assertThatThrownBy(() -> PosixMessageQueue.adopt(pipe.source().fd()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("PosixMessageQueue.adopt: fd=")
                    .hasMessageContaining("is a pipe or FIFO")
                    .hasMessageContaining("not a POSIX message queue");
            assertThat(pipe.source().fd().isOpen()).isTrue();
        }
    }

    @Test
    void aMessageHandsOutItsDescriptorsByIndexAndAsAListAlike() throws Exception {
        try (SocketPair pair = UnixSocket.pair(SocketType.STREAM); Arena arena = Arena.ofConfined();
             Pipe a = Pipe.open(); Pipe b = Pipe.open()) {
            MemorySegment byte1 = arena.allocate(1);
            for (int sent = 0; sent <= 3; sent++) {
                java.util.List<OwnedFd> fds = java.util.List.of(a.source().fd(), a.sink().fd(), b.source().fd())
                        .subList(0, sent);
                if (sent == 0) {
                    pair.first().send(byte1);
                } else {
                    pair.first().sendDescriptors(byte1, fds);
                }
                ReceivedMessage m = pair.second().receiveMessage(byte1, 4);
                try {
                    assertThat(m.descriptorCount()).isEqualTo(sent);
                    assertThat(m.descriptors()).hasSize(sent).isSameAs(m.descriptors());
                    for (int i = 0; i < sent; i++) {
                        OwnedFd fd = m.descriptor(i);
                        assertThat(fd).isSameAs(m.descriptors().get(i));
                        assertThat(fd.get()).isNotEqualTo(fds.get(i).get()); // a new descriptor
                        assertThat(fd.kind()).isEqualTo(fds.get(i).kind());
                    }
                    int count = sent;
                    assertThatThrownBy(() -> m.descriptor(count)).isInstanceOf(IndexOutOfBoundsException.class);
                    assertThatThrownBy(() -> m.descriptor(-1)).isInstanceOf(IndexOutOfBoundsException.class);
                    assertThatThrownBy(() -> m.descriptors().add(a.source().fd()))
                            .isInstanceOf(UnsupportedOperationException.class);
                } finally {
                    m.close();
                }
                for (int i = 0; i < sent; i++) {
                    assertThat(m.descriptor(i).isOpen()).as("closed with the message").isFalse();
                }
            }
        }
    }
}
