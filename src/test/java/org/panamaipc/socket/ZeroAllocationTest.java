package org.panamaipc.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.panamaipc.OwnedFd;
import org.panamaipc.sync.EventFd;
import org.panamaipc.testing.Allocation;
import org.panamaipc.testing.IpcTest;

/**
 * The hot paths, send and receive of a native segment, an array or a byte buffer and sending descriptors,
 * allocate nothing once warmed up; a received message costs its {@link ReceivedMessage} and one
 * {@link OwnedFd} per descriptor.
 */
@IpcTest
class ZeroAllocationTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);

    @ParameterizedTest
    @EnumSource(SocketType.class)
    void sendAndReceiveOfANativeSegmentAllocateNothing(SocketType type) throws Exception {
        try (SocketPair pair = UnixSocket.pair(type); Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(64);
            MemorySegment in = arena.allocate(64);
            UnixSocket a = pair.first();
            UnixSocket b = pair.second();
            assertThat(Allocation.bytesPerCall(10_000, () -> {
                if (a.send(out) != 64 || b.receive(in) != 64 || a.send(out, LIMIT) != 64 || b.receive(in, LIMIT) != 64) {
                    throw new AssertionError("short transfer");
                }
            })).as("bytes per send/receive, untimed and timed").isLessThan(1);
        }
    }

    @ParameterizedTest
    @EnumSource(SocketType.class)
    void sendAndReceiveOfAnArrayAllocateNothingOnAPlatformThread(SocketType type) throws Exception {
        try (SocketPair pair = UnixSocket.pair(type)) {
            byte[] out = new byte[64];
            byte[] in = new byte[80];
            out[63] = 7;
            UnixSocket a = pair.first();
            UnixSocket b = pair.second();
            assertThat(Allocation.bytesPerCall(10_000, () -> {
                if (a.send(out) != 64 || b.receive(in, 8, 64) != 64 || a.send(out, 0, 64) != 64
                        || b.receive(in, 16, 64) != 64 || in[16 + 63] != 7) {
                    throw new AssertionError("short or wrong transfer");
                }
            })).as("bytes per send/receive of an array").isLessThan(1);
        }
    }

    @ParameterizedTest
    @EnumSource(SocketType.class)
    void writeAndReadOfByteBuffersAllocateNothingOnAPlatformThread(SocketType type) throws Exception {
        try (SocketPair pair = UnixSocket.pair(type)) {
            UnixSocket a = pair.first();
            UnixSocket b = pair.second();
            for (boolean direct : new boolean[] {false, true}) {
                ByteBuffer out = direct ? ByteBuffer.allocateDirect(64) : ByteBuffer.allocate(64);
                ByteBuffer in = direct ? ByteBuffer.allocateDirect(80) : ByteBuffer.allocate(80);
                out.put(63, (byte) 3);
                assertThat(Allocation.bytesPerCall(10_000, () -> {
                    out.clear();
                    in.clear().position(8);
                    if (a.write(out) != 64 || out.hasRemaining() || b.read(in) != 64 || in.position() != 72
                            || in.get(8 + 63) != 3) {
                        throw new AssertionError("short or wrong transfer");
                    }
                })).as("bytes per write/read of %s buffers", direct ? "direct" : "heap").isLessThan(1);
            }
        }
    }

    @Test
    void sendingDescriptorsAllocatesNothing() throws Exception {
        try (Link link = new Link()) {
            MemorySegment one = link.one;
            List<OwnedFd> fds = Collections.nCopies(4, link.file()); // built once: the varargs form makes an array per call
            UnixSocket a = link.pair.first();
            UnixSocket b = link.pair.second();
            // rounds of 32 messages (the kernel bounds the descriptors in flight), each round
            // received outside the measurement
            long best = Long.MAX_VALUE;
            long end = System.nanoTime() + Allocation.PATIENCE.toNanos();
            for (int round = 0; best >= 32 * 16 && (round < 1_000 || System.nanoTime() - end < 0); round++) {
                long before = Allocation.currentThread();
                for (int i = 0; i < 32; i++) {
                    a.sendDescriptors(one, fds);
                }
                long bytes = Allocation.currentThread() - before;
                if (round >= 500) { // warmed up
                    best = Math.min(best, bytes);
                }
                for (int i = 0; i < 32; i++) {
                    b.receiveMessage(one, 4).close();
                }
            }
            // an allocation per send would be at least 16 bytes each, 512 in all; the measurement
            // itself (reflection, boxing) allocates a few dozen bytes per round
            assertThat(best).as("bytes allocated by 32 sendDescriptors of 4 descriptors").isLessThan(32 * 16);
        }
    }

    @Test
    void aReceivedDescriptorCostsOneSmallObject() throws Exception {
        try (Link link = new Link()) {
            MemorySegment one = link.one;
            UnixSocket a = link.pair.first();
            UnixSocket b = link.pair.second();
            List<OwnedFd> single = List.of(link.file());
            List<OwnedFd> sixteen = Collections.nCopies(16, link.file());
            double withNone = Allocation.bytesPerCall(5_000, 64, () -> {
                a.send(one);
                b.receiveMessage(one, 16).close();
            });
            double withOne = Allocation.bytesPerCall(5_000, withNone + 32 + 8, () -> {
                a.sendDescriptors(one, single);
                try (ReceivedMessage m = b.receiveMessage(one, 16)) {
                    if (m.descriptorCount() != 1 || m.descriptor(0) == null) {
                        throw new AssertionError(m);
                    }
                }
            });
            double withSixteen = Allocation.bytesPerCall(5_000, withOne + 15 * 36 + 8, () -> {
                a.sendDescriptors(one, sixteen);
                try (ReceivedMessage m = b.receiveMessage(one, 16)) {
                    if (m.descriptorCount() != 16 || m.descriptor(15) == null) {
                        throw new AssertionError(m);
                    }
                }
            });
            // a message: the ReceivedMessage (about 56 bytes); with one descriptor, its OwnedFd
            // (32) and nothing else; further ones an OwnedFd and an array slot (4) each
            assertThat(withNone).as("bytes per message without descriptors").isLessThanOrEqualTo(64);
            assertThat(withOne - withNone).as("bytes for its one descriptor").isLessThanOrEqualTo(32 + 8);
            assertThat((withSixteen - withOne) / 15).as("bytes per further descriptor").isLessThanOrEqualTo(40);
        }
    }

    /** A connected stream pair, a 1-byte buffer, and a descriptor to send (an eventfd's). */
    private static final class Link implements AutoCloseable {
        final SocketPair pair = UnixSocket.pair(SocketType.STREAM);
        final Arena arena = Arena.ofConfined();
        final MemorySegment one = arena.allocate(1);
        final EventFd event = EventFd.create(0, EventFd.Mode.COUNTER);

        Link() throws java.io.IOException {
        }

        OwnedFd file() {
            return event.fd();
        }

        @Override
        public void close() {
            event.close();
            arena.close();
            pair.close();
        }
    }
}
