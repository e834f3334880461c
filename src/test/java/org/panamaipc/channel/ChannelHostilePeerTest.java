package org.panamaipc.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.panamaipc.shm.SharedMemory;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.Peer;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.PythonPeer;

/**
 * A python3 peer writes random bytes over a live channel while this JVM reads and writes
 * it: every end reports corruption (or a "dead" peer, when the identities are garbage),
 * never reads or writes out of bounds, never spins forever, never crashes the JVM. The same
 * for the C reader (its mapping between two {@code PROT_NONE} pages, so that any access
 * outside it kills it) and the Python reader, fed by a Java writer.
 */
@IpcTest
class ChannelHostilePeerTest {
    private static final Duration RUN = Duration.ofSeconds(3);

    private final String name = Channel.uniqueName("hostile");

    @AfterEach
    void unlink() throws IOException {
        SharedMemory.unlinkIfExists(name);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aReaderAndAWriterUnderRandomBytesReportCorruptionAndNothingWorse() throws Exception {
        for (ChannelKind kind : new ChannelKind[] {ChannelKind.ONE_TO_ONE, ChannelKind.MANY_TO_ONE}) {
            try (Channel channel = Channel.create(name, kind, 4096).unlinkOnClose();
                    ChannelReader reader = channel.reader(IdleStrategy.park(10));
                    ChannelWriter writer = channel.writer(IdleStrategy.backoff(10, 10, 100_000));
                    PeerProcess hostile = PythonPeer.start("channel_hostile.py", name.substring(1),
                            Integer.toString(kind.code()))) {
                hostile.expectLine(Peer.READY, Duration.ofSeconds(30));
                int[] outcomes = exercise(reader, writer);
                hostile.close();
                System.out.printf("%s under random bytes: %d records, %d corruption reports, %d dead-peer reports%n",
                        kind, outcomes[0], outcomes[1], outcomes[2]);
                assertThat(outcomes[1]).as("corruption is reported").isPositive();
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aBroadcastReceiverUnderRandomBytesReportsCorruptionAndNothingWorse() throws Exception {
        try (Channel channel = Channel.create(name, ChannelKind.BROADCAST, 4096).unlinkOnClose();
                BroadcastTransmitter tx = channel.transmitter();
                BroadcastReceiver rx = channel.receiver();
                PeerProcess hostile = PythonPeer.start("channel_hostile.py", name.substring(1), "3")) {
            hostile.expectLine(Peer.READY, Duration.ofSeconds(30));
            long end = System.nanoTime() + RUN.toNanos();
            int records = 0;
            int corrupt = 0;
            while (System.nanoTime() - end < 0) {
                tx.transmit(1, new byte[40]);
                try {
                    records += rx.poll((type, buffer, offset, length) -> { }, 10);
                    rx.receive((type, buffer, offset, length) -> { }, Duration.ofMillis(1));
                } catch (ChannelCorruptedException | PeerDeadException expected) {
                    corrupt++;
                }
            }
            hostile.close();
            System.out.printf("broadcast under random bytes: %d records, %d reports%n", records, corrupt);
            assertThat(corrupt).isPositive();
        }
    }

    @ParameterizedTest(name = "{0} reader, kind {1}")
    @CsvSource({"C, 1", "C, 2", "C, 3", "PYTHON, 1", "PYTHON, 2", "PYTHON, 3"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void foreignReadersUnderRandomBytesReportCorruptionAndNothingWorse(ForeignPeers lang, int code) throws Exception {
        ChannelKind kind = ChannelKind.ofCode(code);
        try (Channel channel = Channel.create(name, kind, 4096).unlinkOnClose();
                PeerProcess reader = lang.start("hostile-read", name, Integer.toString(code),
                        Long.toString(RUN.toSeconds() + 1))) {
            reader.expectReady();
            try (AutoCloseable writer = kind == ChannelKind.BROADCAST ? channel.transmitter()
                    : channel.writer(IdleStrategy.backoff(10, 10, 100_000));
                    PeerProcess hostile = PythonPeer.start("channel_hostile.py", name.substring(1),
                            Integer.toString(code))) {
                hostile.expectLine(Peer.READY, Duration.ofSeconds(30));
                long end = System.nanoTime() + RUN.toNanos();
                for (int n = 0; System.nanoTime() - end < 0; n++) {
                    try {
                        if (writer instanceof BroadcastTransmitter tx) {
                            tx.transmit(1 + n % 5, new byte[n % 200]);
                            Thread.sleep(0, 100_000);
                        } else {
                            ((ChannelWriter) writer).send(1 + n % 5, MemorySegment.ofArray(new byte[n % 200]),
                                    Duration.ofMillis(2));
                        }
                    } catch (ChannelCorruptedException | PeerDeadException expected) {
                        // the writer's side of the same garbage: the Java end is tested above
                    }
                }
            }
            Map<String, Long> done = ForeignPeers.done(reader, Duration.ofSeconds(60));
            System.out.printf("%s reader of a %s channel under random bytes: %s%n", lang, kind, done);
            assertThat(reader.waitFor(Duration.ofSeconds(30))).as("exit status (a signal is a crash)").isZero();
            assertThat(done).as("every result is a record, CORRUPT, PEERDEAD or a timeout").containsEntry("other", 0L);
            assertThat(done.get("corrupt") + done.get("peerdead")).as("corruption is reported").isPositive();
        }
    }

    /** Sends and receives for a while; {@return records, corruption reports, dead-peer reports} */
    private static int[] exercise(ChannelReader reader, ChannelWriter writer) throws IOException {
        int[] outcomes = new int[3];
        long end = System.nanoTime() + RUN.toNanos();
        while (System.nanoTime() - end < 0) {
            try {
                writer.send(1 + outcomes[0] % 5, java.lang.foreign.MemorySegment.ofArray(new byte[outcomes[0] % 200]), Duration.ofMillis(2));
                ChannelClaim claim = writer.tryClaim(3, 16);
                if (claim != null) {
                    claim.commit();
                }
            } catch (ChannelCorruptedException e) {
                outcomes[1]++;
            } catch (PeerDeadException e) {
                outcomes[2]++;
            }
            try {
                outcomes[0] += reader.poll((type, buffer, offset, length) -> { }, 16);
                reader.receive((type, buffer, offset, length) -> { }, Duration.ofMillis(2));
            } catch (ChannelCorruptedException e) {
                outcomes[1]++;
            } catch (PeerDeadException e) {
                outcomes[2]++;
            }
        }
        return outcomes;
    }
}
