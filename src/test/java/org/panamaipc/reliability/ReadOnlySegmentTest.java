package org.panamaipc.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.panamaipc.mq.PosixMessage;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.shm.MapMode;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.Memfd;
import org.panamaipc.socket.SocketPair;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixSocket;
import org.panamaipc.testing.IpcTest;

/**
 * The kernel ignores a Java segment's read-only flag: every call that writes into a caller's
 * segment refuses a read-only one before the native call, and the data stays where it was.
 */
@IpcTest
class ReadOnlySegmentTest {
    private final String queueName = PosixMessageQueue.uniqueName("ro");

    @AfterEach
    void unlink() throws IOException {
        PosixMessageQueue.unlinkIfExists(queueName);
    }

    @Test
    void aPipeReadIntoAReadOnlySegmentIsRefusedAndTheDataStays() throws IOException {
        try (Pipe pipe = Pipe.open(); Arena arena = Arena.ofConfined()) {
            pipe.sink().write(new byte[] {1, 2, 3}, 0, 3);
            MemorySegment readOnly = arena.allocate(16).asReadOnly();
            assertThatThrownBy(() -> pipe.source().read(readOnly))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
            assertThatThrownBy(() -> pipe.source().read(readOnly, Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
            assertThat(readOnly.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0)).isZero();
            byte[] b = new byte[3];
            assertThat(pipe.source().read(b, 0, 3)).isEqualTo(3);
            assertThat(b).containsExactly(1, 2, 3);
        }
    }

    @Test
    void aPipeReadIntoAReadOnlyMappingIsRefused() throws IOException {
        try (Memfd memfd = Memfd.create("ro", 4096); Mapping m = memfd.map(MapMode.READ_ONLY); Pipe pipe = Pipe.open()) {
            pipe.sink().write(new byte[] {9}, 0, 1);
            assertThatThrownBy(() -> pipe.source().read(m.segment())).isInstanceOf(IllegalArgumentException.class);
            assertThat(memfd.size()).isEqualTo(4096);
            assertThat(pipe.source().read(new byte[1], 0, 1)).isEqualTo(1);
        }
    }

    @Test
    void aQueueReceiveIntoAReadOnlySegmentIsRefusedAndTheMessageStays() throws IOException {
        try (PosixMessageQueue q = PosixMessageQueue.create(queueName, 4, 64); Arena arena = Arena.ofConfined()) {
            q.send("stay".getBytes(), 1);
            MemorySegment readOnly = arena.allocate(64).asReadOnly();
            assertThatThrownBy(() -> q.tryReceive(PosixMessage.wrap(readOnly)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("buffer is read-only");
            assertThat(readOnly.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0)).isZero();
            assertThat(new String(q.tryReceive().data())).isEqualTo("stay");
        }
    }

    @Test
    void aSocketReceiveIntoAReadOnlySegmentIsRefused() throws IOException {
        try (SocketPair pair = UnixSocket.pair(SocketType.STREAM); Arena arena = Arena.ofConfined()) {
            pair.first().send(new byte[] {5});
            MemorySegment readOnly = arena.allocate(16).asReadOnly();
            assertThatThrownBy(() -> pair.second().receive(readOnly)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> pair.second().receive(readOnly, Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> pair.second().receiveMessage(readOnly, 1))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> pair.second().receiveFrom(readOnly)).isInstanceOf(IllegalArgumentException.class);
            assertThat(pair.second().receive(new byte[1])).isEqualTo(1);
        }
    }
}
