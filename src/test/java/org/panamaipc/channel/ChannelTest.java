package org.panamaipc.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.panamaipc.ObjectMismatchException;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.SharedAtomics;
import org.panamaipc.shm.SharedMemory;
import org.panamaipc.testing.IpcTest;

/** One process, both ends: the ring's arithmetic, the vocabulary, and bad input. */
@IpcTest
class ChannelTest {
    private final String name = Channel.uniqueName("channel");

    @AfterEach
    void unlink() throws IOException {
        SharedMemory.unlinkIfExists(name);
    }

    @Test
    void recordsOfEverySizeGoRoundTheRingInOrder() throws IOException {
        try (Channel channel = Channel.create(name, ChannelKind.ONE_TO_ONE, 1024).unlinkOnClose();
                ChannelWriter writer = channel.writer();
                ChannelReader reader = Channel.open(name).reader()) {
            assertThat(channel.maxPayloadLength()).isEqualTo(120);
            List<Integer> seen = new ArrayList<>();
            int sent = 0;
            for (int round = 0; round < 200; round++) {
                for (int length = 0; length <= 120; length += 17) {
                    byte[] payload = payload(sent, length);
                    if (!writer.offer(sent % 1000 + 1, payload)) {
                        drain(reader, seen);
                        assertThat(writer.offer(sent % 1000 + 1, payload)).isTrue();
                    }
                    sent++;
                }
            }
            drain(reader, seen);
            assertThat(seen).hasSize(sent);
            for (int i = 0; i < sent; i++) {
                assertThat(seen.get(i)).isEqualTo(i);
            }
            reader.channel().close();
        }
    }

    private static void drain(ChannelReader reader, List<Integer> seen) throws IOException {
        while (reader.poll((type, buffer, offset, length) -> {
            int n = seen.size();
            assertThat(type).isEqualTo(n % 1000 + 1);
            byte[] bytes = new byte[length];
            MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, offset, bytes, 0, length);
            assertThat(bytes).isEqualTo(payload(n, length));
            seen.add(n);
        }, 10) > 0) {
            // more
        }
    }

    static byte[] payload(int seed, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    @Test
    void claimCommitAndAbort() throws IOException {
        try (Channel channel = Channel.createAnonymous(ChannelKind.ONE_TO_ONE, 4096);
                ChannelWriter writer = channel.writer();
                ChannelReader reader = channel.reader()) {
            ChannelClaim claim = writer.tryClaim(5, 16);
            assertThat(reader.tryReceive()).as("a claim is not visible").isNull();
            claim.buffer().set(ValueLayout.JAVA_LONG, claim.offset(), 42);
            claim.segment().set(ValueLayout.JAVA_LONG, 8, 43);
            assertThatThrownBy(() -> writer.tryClaim(1, 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("open claim");
            claim.commit();
            assertThatThrownBy(claim::commit).isInstanceOf(IllegalStateException.class);
            writer.tryClaim(6, 8).abort();
            writer.offer(7, new byte[] {1});
            ChannelMessage m = reader.receive(Duration.ofSeconds(1));
            assertThat(m.type()).isEqualTo(5);
            assertThat(MemorySegment.ofArray(m.payload()).get(ValueLayout.JAVA_LONG_UNALIGNED, 8)).isEqualTo(43);
            assertThat(reader.receive(Duration.ofSeconds(1))).isEqualTo(new ChannelMessage(7, new byte[] {1}));
            assertThat(reader.receive(Duration.ofMillis(20))).isNull();
        }
    }

    @Test
    void fullRingOffersFalseAndTimedSendTimesOut() throws IOException {
        try (Channel channel = Channel.createAnonymous(ChannelKind.ONE_TO_ONE, 1024);
                ChannelWriter writer = channel.writer();
                ChannelReader reader = channel.reader()) {
            int n = 0;
            while (writer.offer(1, new byte[56])) {
                n++;
            }
            assertThat(n).isEqualTo(16);
            assertThat(writer.tryClaim(1, 0)).isNull();
            assertThat(writer.send(1, MemorySegment.ofArray(new byte[8]), Duration.ofMillis(30))).isFalse();
            assertThat(channel.status().bytesUsed()).isEqualTo(1024);
            assertThat(reader.poll((t, b, o, l) -> { }, 100)).isEqualTo(16);
            assertThat(writer.send(1, MemorySegment.ofArray(new byte[8]), Duration.ofMillis(30))).isTrue();
        }
    }

    @Test
    void manyToOneInOneProcessWithSlots() throws IOException {
        try (Channel channel = Channel.openOrCreate(name, ChannelKind.MANY_TO_ONE, 8192).unlinkOnClose();
                ChannelWriter a = channel.writer();
                ChannelWriter b = channel.writer();
                ChannelReader reader = channel.reader()) {
            assertThat(channel.status().producerPids()).hasSize(2);
            for (int i = 0; i < 1000; i++) {
                (i % 2 == 0 ? a : b).send(i + 1, payload(i, i % 100));
                ChannelMessage m = reader.receive(Duration.ofSeconds(1));
                assertThat(m.type()).isEqualTo(i + 1);
                assertThat(m.payload()).isEqualTo(payload(i, i % 100));
            }
            try (Channel again = Channel.openOrCreate(name, ChannelKind.MANY_TO_ONE, 8192)) {
                assertThat(again.kind()).isEqualTo(ChannelKind.MANY_TO_ONE);
            }
            assertThatThrownBy(() -> Channel.openOrCreate(name, ChannelKind.ONE_TO_ONE, 8192))
                    .isInstanceOf(ObjectMismatchException.class).hasMessageContaining("kind=MANY_TO_ONE");
        }
    }

    @Test
    void broadcastLapsASlowReceiverWithoutTornRecords() throws IOException {
        try (Channel channel = Channel.createAnonymous(ChannelKind.BROADCAST, 1024);
                BroadcastTransmitter tx = channel.transmitter();
                BroadcastReceiver fast = channel.receiver();
                BroadcastReceiver slow = channel.receiver(BroadcastReceiver.Start.NEXT, IdleStrategy.park())) {
            long[] last = {-1};
            for (int i = 0; i < 1000; i++) {
                tx.transmit(1 + i % 7, payload(i, i % 100));
                int expected = i;
                assertThat(fast.poll((type, buffer, offset, length) -> {
                    byte[] bytes = new byte[length];
                    MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, offset, bytes, 0, length);
                    assertThat(bytes).isEqualTo(payload(expected, expected % 100));
                }, 10)).isEqualTo(1);
            }
            assertThat(fast.lappedCount()).isZero();
            assertThat(fast.lostCount()).isZero();
            int got = slow.poll((type, buffer, offset, length) -> last[0] = length, 1000);
            assertThat(got).isBetween(1, 30);
            assertThat(slow.lappedCount()).isPositive();
            assertThat(slow.lostCount()).isGreaterThan(900);
        }
    }

    @Test
    void aReceiverRacingALappingTransmitterSeesWholeRecordsOrLapsNeverCorruption() throws Exception {
        // records of 16 and 24 bytes leave 8-byte paddings at the ring's end, read in place
        try (Channel channel = Channel.createAnonymous(ChannelKind.BROADCAST, 1024);
                BroadcastTransmitter tx = channel.transmitter();
                BroadcastReceiver rx = channel.receiver()) {
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread transmitter = Thread.ofPlatform().start(() -> {
                MemorySegment payload = Arena.ofAuto().allocate(8);
                for (long i = 0; !stop.get(); i++) {
                    payload.set(ValueLayout.JAVA_LONG, 0, i * 31);
                    tx.transmit(1, payload, 0, (i % 3 == 0) ? 0 : 8);
                }
            });
            long[] delivered = {0};
            try {
                long end = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                while (System.nanoTime() < end && (rx.lappedCount() < 5000 || delivered[0] < 5000)) {
                    rx.poll((type, buffer, offset, length) -> {
                        assertThat(type).isEqualTo(1);
                        assertThat(length).isIn(0, 8);
                        if (length == 8) {
                            assertThat(buffer.get(ValueLayout.JAVA_LONG, offset) % 31).isZero();
                        }
                        delivered[0]++;
                    }, 64);
                }
            } finally {
                stop.set(true);
                transmitter.join();
            }
            assertThat(delivered[0]).isPositive();
            assertThat(rx.lappedCount()).isPositive();
        }
    }

    @Test
    void badInputIsRefusedClearly() throws IOException {
        assertThatThrownBy(() -> Channel.create(name, ChannelKind.ONE_TO_ONE, 3000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity=3000");
        assertThatThrownBy(() -> Channel.create(name, ChannelKind.ONE_TO_ONE, 512))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Channel.open(name)).isInstanceOf(NoSuchFileException.class);
        try (Channel channel = Channel.create(name, ChannelKind.ONE_TO_ONE, 1024);
                ChannelWriter writer = channel.writer()) {
            assertThatThrownBy(() -> Channel.create(name, ChannelKind.ONE_TO_ONE, 1024))
                    .isInstanceOf(FileAlreadyExistsException.class);
            assertThatThrownBy(() -> writer.offer(1, new byte[121])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxPayloadLength=120");
            assertThatThrownBy(() -> writer.offer(0, new byte[1])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("type=0");
            assertThatThrownBy(channel::writer).isInstanceOf(ChannelEndInUseException.class);
            assertThatThrownBy(channel::transmitter).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("writer()");
            writer.close();
            assertThatThrownBy(() -> writer.tryClaim(1, 8)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        }
        try (SharedMemory shm = SharedMemory.open(name); Mapping m = shm.map()) {
            MemorySegment s = m.segment();
            for (int other : new int[] {ChannelLayout.VERSION - 1, ChannelLayout.VERSION + 1}) {
                SharedAtomics.putInt(s, ChannelLayout.VERSION_OFFSET, other);
                assertThatThrownBy(() -> Channel.open(name)).isInstanceOf(ChannelFormatException.class)
                        .hasMessageContaining("version=" + other);
            }
            SharedAtomics.putInt(s, ChannelLayout.VERSION_OFFSET, ChannelLayout.VERSION);
            SharedAtomics.putLong(s, ChannelLayout.CAPACITY_OFFSET, 1000);
            assertThatThrownBy(() -> Channel.open(name)).isInstanceOf(ChannelFormatException.class)
                    .hasMessageContaining("capacity=1000");
            SharedAtomics.putLong(s, ChannelLayout.CAPACITY_OFFSET, 2048);
            SharedAtomics.putInt(s, ChannelLayout.MAX_PAYLOAD_LENGTH_OFFSET, 248);
            assertThatThrownBy(() -> Channel.open(name)).isInstanceOf(ChannelFormatException.class)
                    .hasMessageContaining("size=5120, expected 6144");
            SharedAtomics.putInt(s, ChannelLayout.KIND_OFFSET, 9);
            assertThatThrownBy(() -> Channel.open(name)).isInstanceOf(ChannelFormatException.class)
                    .hasMessageContaining("kind=9");
            SharedAtomics.putLong(s, ChannelLayout.MAGIC_OFFSET, 0x1234);
            assertThatThrownBy(() -> Channel.open(name)).isInstanceOf(ChannelFormatException.class)
                    .hasMessageContaining("magic=0x1234");
        }
        try (Channel channel = Channel.createAnonymous(ChannelKind.BROADCAST, 1024)) {
            assertThatThrownBy(channel::reader).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void anonymousChannelIsSealedAndAdoptable() throws IOException {
        try (Channel channel = Channel.createAnonymous(ChannelKind.ONE_TO_ONE, 2048);
                Channel adopted = Channel.adopt(channel.fd().dup());
                ChannelWriter writer = channel.writer();
                ChannelReader reader = adopted.reader()) {
            assertThat(adopted.capacity()).isEqualTo(2048);
            assertThat(adopted.name()).isEmpty();
            writer.send(3, new byte[] {9, 8, 7});
            assertThat(reader.receive()).isEqualTo(new ChannelMessage(3, new byte[] {9, 8, 7}));
        }
        try (org.panamaipc.shm.Memfd unsealed = org.panamaipc.shm.Memfd.create("x", 4096 + 1024)) {
            assertThatThrownBy(() -> Channel.adopt(unsealed.fd().dup())).isInstanceOf(ChannelFormatException.class)
                    .hasMessageContaining("seals");
        }
    }

    @Test
    void closingTheChannelClosesItsEnds() throws IOException {
        Channel channel = Channel.createAnonymous(ChannelKind.ONE_TO_ONE, 1024);
        ChannelWriter writer = channel.writer();
        ChannelReader reader = channel.reader();
        channel.close();
        assertThat(writer.isOpen()).isFalse();
        assertThat(reader.isOpen()).isFalse();
        assertThatThrownBy(() -> writer.offer(1, new byte[1])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(channel::status).isInstanceOf(IllegalStateException.class);
        try (Arena arena = Arena.ofConfined()) {
            assertThat(arena).isNotNull();
        }
    }
}
