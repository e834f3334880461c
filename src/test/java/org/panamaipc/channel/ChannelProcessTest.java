package org.panamaipc.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.panamaipc.shm.SharedMemory;
import org.panamaipc.testing.Deadline;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerJvm;
import org.panamaipc.testing.PeerProcess;

/**
 * Channels between JVMs: checksummed streams with the reader parked between bursts, three
 * producers into one reader, three broadcast receivers (one slow), and peers killed with
 * SIGKILL at the worst moments.
 *
 * <p>The stream test sends {@value #DEFAULT_RECORDS} records; the long form sends a million:
 * {@code mvn test -Dtest=ChannelProcessTest -Dchannel.records=1000000}.
 */
@IpcTest
class ChannelProcessTest {
    static final int DEFAULT_RECORDS = 50_000;
    static final long RECORDS = Long.getLong("channel.records", DEFAULT_RECORDS);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final String name = Channel.uniqueName("channel");

    @AfterEach
    void unlink() throws IOException {
        SharedMemory.unlinkIfExists(name);
    }

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void aStreamOfCheckedRecordsCrossesJvmsWithTheReaderParkedBetweenBursts() throws Exception {
        try (Channel channel = Channel.create(name, ChannelKind.ONE_TO_ONE, 64 * 1024).unlinkOnClose();
                ChannelReader reader = channel.reader();
                PeerProcess writer = PeerJvm.start(ChannelPeer.class, "write", name, "0", Long.toString(RECORDS),
                        "1000")) {
            int max = channel.maxPayloadLength();
            long[] next = {0};
            while (next[0] < RECORDS) {
                reader.poll((type, buffer, offset, length) -> {
                    String wrong = Records.check(next[0], type, buffer, offset, length, max);
                    assertThat(wrong).isNull();
                    next[0]++;
                }, 256);
                if (next[0] < RECORDS && reader.poll((t, b, o, l) -> {
                    assertThat(Records.check(next[0], t, b, o, l, max)).isNull();
                    next[0]++;
                }, 1) == 0) {
                    reader.receive((type, buffer, offset, length) -> {
                        assertThat(Records.check(next[0], type, buffer, offset, length, max)).isNull();
                        next[0]++;
                    });
                }
            }
            writer.expectLine(org.panamaipc.testing.Peer.READY, WAIT);
            writer.expectLine("sent", WAIT);
            assertThat(next[0]).isEqualTo(RECORDS);
            assertThat(reader.tryReceive()).isNull();
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void threeProducerProcessesFeedOneReader() throws Exception {
        int perProducer = 20_000;
        try (Channel channel = Channel.create(name, ChannelKind.MANY_TO_ONE, 16 * 1024).unlinkOnClose();
                ChannelReader reader = channel.reader()) {
            List<PeerProcess> producers = new ArrayList<>();
            try {
                for (int id = 1; id <= 3; id++) {
                    producers.add(PeerJvm.start(ChannelPeer.class, "produce", name, Integer.toString(id),
                            Integer.toString(perProducer)));
                }
                for (PeerProcess p : producers) {
                    p.expectLine(org.panamaipc.testing.Peer.READY, WAIT);
                }
                assertThat(channel.status().producerPids()).hasSize(3);
                producers.forEach(p -> p.send("go"));
                long[] next = new long[4];
                long total = 0;
                while (total < 3L * perProducer) {
                    reader.receive((type, buffer, offset, length) -> {
                        assertThat(type).isBetween(1, 3);
                        assertThat(length).isEqualTo(16);
                        long n = buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
                        assertThat(n).as("producer %d's order", type).isEqualTo(next[type]);
                        assertThat(buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, offset + 8)).isEqualTo(n * 31 + type);
                        next[type]++;
                    });
                    total++;
                }
                for (PeerProcess p : producers) {
                    p.expectLine("sent", WAIT);
                }
                assertThat(next).containsExactly(0, perProducer, perProducer, perProducer);
            } finally {
                producers.forEach(PeerProcess::close);
            }
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void threeBroadcastReceiversOneSlowNeverSeeATornRecord() throws Exception {
        int records = 20_000;
        try (Channel channel = Channel.create(name, ChannelKind.BROADCAST, 16 * 1024).unlinkOnClose();
                BroadcastTransmitter tx = channel.transmitter()) {
            List<PeerProcess> receivers = new ArrayList<>();
            try {
                for (long pause : new long[] {0, 0, 200}) {
                    receivers.add(PeerJvm.start(ChannelPeer.class, "receive-broadcast", name, Long.toString(pause)));
                }
                for (PeerProcess p : receivers) {
                    p.expectLine(org.panamaipc.testing.Peer.READY, WAIT);
                }
                int max = channel.maxPayloadLength();
                MemorySegment buffer = MemorySegment.ofArray(new long[max / 8 + 1]);
                for (long n = 0; n < records; n++) {
                    int length = Records.length(n, max);
                    Records.fill(n, buffer, 0, length);
                    tx.transmit(Records.type(n), buffer, 0, length);
                    if (n % 100 == 99) {
                        Thread.sleep(0, 200_000); // pace the fast receivers; the slow one still falls behind
                    }
                }
                tx.transmit(ChannelPeer.END_TYPE, new byte[0]);
                for (int i = 0; i < 3; i++) {
                    String[] report = receivers.get(i).readLine(WAIT).split(" ");
                    long delivered = Long.parseLong(report[1]);
                    long lapped = Long.parseLong(report[3]);
                    long lost = Long.parseLong(report[5]);
                    assertThat(delivered + lost).as("receiver %d: %s", i, String.join(" ", report))
                            .isEqualTo(records);
                    if (i == 2) {
                        assertThat(lapped).as("the slow receiver is lapped").isPositive();
                        assertThat(lost).isPositive();
                    }
                }
            } finally {
                receivers.forEach(PeerProcess::close);
            }
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aParkedReaderLearnsThatItsWriterWasKilled() throws Exception {
        try (Channel channel = Channel.create(name, ChannelKind.ONE_TO_ONE, 64 * 1024).unlinkOnClose();
                ChannelReader reader = channel.reader();
                PeerProcess writer = PeerJvm.start(ChannelPeer.class, "write", name, "0", "20", "1000")) {
            writer.expectLine(org.panamaipc.testing.Peer.READY, WAIT);
            writer.expectLine("sent", WAIT);
            int max = channel.maxPayloadLength();
            long[] next = {0};
            CompletableFuture<Throwable> outcome = receiveUntilFailure(reader, max, next);
            Deadline.after(WAIT).await(() -> channel.status().dataSleepers() == 1, "the reader is parked");
            long killed = System.nanoTime();
            writer.kill9();
            Throwable t = outcome.get(10, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            assertThat(t).isInstanceOf(PeerDeadException.class).hasMessageContaining("writer pid=" + writer.pid());
            assertThat(next[0]).as("every committed record delivered").isEqualTo(20);
            assertThat(millis).as("noticed in %d ms", millis).isLessThan(1000);
            System.out.println("reader learned of the killed writer in " + millis + " ms");
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aWriterWaitingOnAFullRingLearnsThatItsReaderWasKilled() throws Exception {
        try (Channel channel = Channel.create(name, ChannelKind.ONE_TO_ONE, 1024).unlinkOnClose();
                ChannelWriter writer = channel.writer();
                PeerProcess reader = PeerJvm.start(ChannelPeer.class, "read", name)) {
            reader.expectLine("attached", WAIT);
            while (writer.offer(1, new byte[100])) {
                // fill it
            }
            CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                try {
                    writer.send(1, new byte[100]);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            Deadline.after(WAIT).await(() -> channel.status().roomSleepers() == 1, "the writer is parked");
            long killed = System.nanoTime();
            reader.kill9();
            Throwable t = outcome.get(10, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            assertThat(t).isInstanceOf(PeerDeadException.class).hasMessageContaining("reader pid=" + reader.pid());
            assertThat(millis).as("noticed in %d ms", millis).isLessThan(1000);
            System.out.println("writer learned of the killed reader in " + millis + " ms");
            // a new reader takes the dead one's place and continues from head
            try (ChannelReader again = channel.reader()) {
                assertThat(again.poll((type, buffer, offset, length) -> assertThat(length).isEqualTo(100), 100))
                        .isEqualTo(9);
                writer.send(1, new byte[100]);
                assertThat(again.receive(WAIT).payload()).hasSize(100);
            }
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aWriterKilledBetweenClaimAndCommitLeavesNoTornRecord() throws Exception {
        try (Channel channel = Channel.create(name, ChannelKind.ONE_TO_ONE, 64 * 1024).unlinkOnClose();
                ChannelReader reader = channel.reader();
                PeerProcess writer = claimingWriter(20)) {
            int max = channel.maxPayloadLength();
            long[] next = {0};
            CompletableFuture<Throwable> outcome = receiveUntilFailure(reader, max, next);
            Deadline.after(WAIT).await(() -> next[0] == 20 && channel.status().dataSleepers() == 1,
                    "the reader waits on the claim");
            long killed = System.nanoTime();
            writer.kill9();
            Throwable t = outcome.get(10, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            assertThat(t).isInstanceOf(PeerDeadException.class);
            assertThat(next[0]).isEqualTo(20);
            assertThat(channel.status().bytesUsed()).as("the dead claim was skipped").isZero();
            assertThat(millis).as("noticed in %d ms", millis).isLessThan(1000);
            System.out.println("reader skipped the dead claim and learned of the killed writer in " + millis + " ms");
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aReaderThatOnlyPollsSkipsTheClaimOfAKilledWriter() throws Exception {
        try (Channel channel = Channel.create(name, ChannelKind.ONE_TO_ONE, 64 * 1024).unlinkOnClose();
                ChannelReader reader = channel.reader();
                PeerProcess writer = claimingWriter(20)) {
            int max = channel.maxPayloadLength();
            long[] next = {0};
            RecordHandler check = (type, buffer, offset, length) -> {
                assertThat(Records.check(next[0], type, buffer, offset, length, max)).isNull();
                next[0]++;
            };
            Deadline deadline = Deadline.after(WAIT);
            while (next[0] < 20 && !deadline.isExpired()) {
                reader.poll(check, 16);
            }
            assertThat(next[0]).isEqualTo(20);
            assertThat(channel.status().bytesUsed()).as("the claim holds its place").isPositive();
            long killed = System.nanoTime();
            writer.kill9();
            while (channel.status().bytesUsed() != 0 && !deadline.isExpired()) {
                assertThat(reader.poll(check, 16)).isZero();
                Thread.onSpinWait();
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            assertThat(channel.status().bytesUsed()).as("the dead claim was skipped by poll alone").isZero();
            assertThat(next[0]).isEqualTo(20);
            System.out.println("a polling reader skipped the killed writer's claim in " + millis + " ms");
            try (ChannelWriter again = channel.writer()) {
                MemorySegment payload = MemorySegment.ofArray(new byte[Records.length(20, max)]);
                Records.fill(20, payload, 0, (int) payload.byteSize());
                assertThat(again.offer(Records.type(20), payload)).isTrue();
                assertThat(reader.poll(check, 16)).as("the next writer's record").isEqualTo(1);
            }
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aWaitingBroadcastReceiverLearnsThatItsTransmitterWasKilled() throws Exception {
        try (Channel channel = Channel.create(name, ChannelKind.BROADCAST, 64 * 1024).unlinkOnClose();
                BroadcastReceiver receiver = channel.receiver();
                PeerProcess transmitter = PeerJvm.start(ChannelPeer.class, "transmit", name, "10")) {
            transmitter.expectLine(org.panamaipc.testing.Peer.READY, WAIT);
            transmitter.expectLine("sent", WAIT);
            long[] delivered = {0};
            CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                try {
                    while (true) {
                        receiver.receive((type, buffer, offset, length) -> delivered[0]++);
                    }
                } catch (Throwable t) {
                    return t;
                }
            });
            Deadline.after(WAIT).await(() -> channel.status().dataSleepers() == 1, "the receiver sleeps");
            long killed = System.nanoTime();
            transmitter.kill9();
            Throwable t = outcome.get(10, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            assertThat(t).isInstanceOf(PeerDeadException.class).hasMessageContaining("transmitter pid=");
            assertThat(delivered[0]).isEqualTo(10);
            assertThat(millis).as("noticed in %d ms", millis).isLessThan(1000);
            System.out.println("receiver learned of the killed transmitter in " + millis + " ms");
        }
    }

    /** {@return a peer JVM that has sent {@code records} records and holds a claim on the next} */
    private PeerProcess claimingWriter(int records) {
        PeerProcess writer = PeerJvm.start(ChannelPeer.class, "claim", name, Integer.toString(records));
        try {
            writer.expectLine(org.panamaipc.testing.Peer.READY, WAIT);
            writer.expectLine("claimed", WAIT);
            return writer;
        } catch (RuntimeException | Error e) {
            writer.close();
            throw e;
        }
    }

    /** Receives checked records on another thread until a call fails; {@return the failure} */
    private static CompletableFuture<Throwable> receiveUntilFailure(ChannelReader reader, int max, long[] next) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                while (true) {
                    reader.receive((type, buffer, offset, length) -> {
                        assertThat(Records.check(next[0], type, buffer, offset, length, max)).isNull();
                        next[0]++;
                    });
                }
            } catch (Throwable t) {
                return t;
            }
        });
    }
}
