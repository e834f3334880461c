package org.panamaipc.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.panamaipc.testing.Deadline;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerProcess;

/**
 * The JVM end of a channel against the C and Python ends, in both directions: checksummed
 * records of mixed sizes ({@link ChannelRecords}), every third through claim + commit, an
 * aborted claim every 50, the reader parked between bursts so that every burst starts with a
 * FUTEX_WAKE that crosses languages; 0 lost, 0 duplicated, 0 torn.
 *
 * <p>CI runs 50,000 records with C and 4,000 with Python. The long form, 1,000,000 records
 * each way with both (Python takes some minutes):
 * <pre>
 * mvn -o -B test -Dtest=JvmForeignPeersTest -Dpanama.channel.records=1000000 -Djunit.jupiter.execution.timeout.mode=disabled
 * </pre>
 * (under {@code /tmp/isotest.sh}, or {@code .ci/run}'s namespaces, as every test).
 */
@IpcTest
class JvmForeignPeersTest {
    private static final Duration PEER_TIME = Duration.ofSeconds(120);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int CAPACITY = 64 * 1024;
    private static final int BURST = 500;
    private static final Long LONG_FORM = Long.getLong("panama.channel.records");
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private static long records(ForeignPeers peer) {
        return LONG_FORM != null ? LONG_FORM : peer == ForeignPeers.C ? 50_000 : 4_000;
    }

    @ParameterizedTest(name = "JVM -> {0}")
    @EnumSource(ForeignPeers.class)
    void jvmWritesEveryRecordOnceAndWholeToAForeignReader(ForeignPeers lang) throws IOException {
        long count = records(lang);
        String name = Channel.uniqueName("jvm-to-" + lang);
        try (Channel channel = Channel.create(name, ChannelKind.ONE_TO_ONE, CAPACITY).unlinkOnClose();
             Arena arena = Arena.ofShared();
             PeerProcess reader = lang.start("read", name, "1", Long.toString(count), "1")) {
            reader.expectReady();
            MemorySegment header = mapHeader(name, arena);
            MemorySegment buffer = arena.allocate(ChannelRecords.MAX_LENGTH, 8);
            try (ChannelWriter writer = channel.writer()) {
                for (long i = 0; i < count; i++) {
                    if (i > 0 && i % BURST == 0) {
                        awaitParkedReader(header);
                    }
                    if (i % 50 == 25) {
                        ChannelClaim junk = writer.claim(1, 100, WAIT);
                        assertThat(junk).as("room for a claim to abort").isNotNull();
                        junk.segment().fill((byte) 0xEE);
                        junk.abort();
                    }
                    if (i % 3 == 0) {
                        ChannelClaim claim = writer.claim(ChannelRecords.type(i), ChannelRecords.length(i, 0), WAIT);
                        assertThat(claim).as("room for record " + i).isNotNull();
                        ChannelRecords.fill(claim.segment(), 0, i, 0);
                        claim.commit();
                    } else {
                        int length = ChannelRecords.fill(buffer, 0, i, 0);
                        assertThat(writer.send(ChannelRecords.type(i), buffer.asSlice(0, length), WAIT))
                                .as("room for record " + i).isTrue();
                    }
                }
            }
            Map<String, Long> done = ForeignPeers.done(reader, PEER_TIME);
            assertThat(done).containsEntry("records", count).containsEntry("bad", 0L)
                    .containsEntry("dup", 0L).containsEntry("lost", 0L);
            assertThat(reader.waitFor(PEER_TIME)).isZero();
        }
    }

    @ParameterizedTest(name = "{0} -> JVM")
    @EnumSource(ForeignPeers.class)
    void jvmReadsEveryRecordOnceAndWholeFromAForeignWriter(ForeignPeers lang) throws IOException {
        long count = records(lang);
        String name = Channel.uniqueName(lang + "-to-jvm");
        try (Channel channel = Channel.create(name, ChannelKind.ONE_TO_ONE, CAPACITY).unlinkOnClose();
             ChannelReader reader = channel.reader();
             PeerProcess writer = lang.start("write", name, "1", Long.toString(count), "0", Integer.toString(BURST))) {
            writer.expectReady();
            ChannelRecords.Checker checker = new ChannelRecords.Checker(1);
            while (checker.total < count) {
                if (reader.poll(checker, 256) == 0) {
                    assertThat(reader.receive(checker, WAIT)).as("a record within %s after %s", WAIT, checker).isTrue();
                }
            }
            writer.expectLine("SENT " + count, PEER_TIME);
            assertThat(checker.bad).as(checker.toString()).isZero();
            assertThat(checker.duplicated).as(checker.toString()).isZero();
            assertThat(checker.lost).as(checker.toString()).isZero();
            assertThat(writer.waitFor(PEER_TIME)).isZero();
        }
    }

    @Test
    void jvmReadsManyToOneFromCAndPythonProducers() throws IOException {
        long count = 2_000;
        String name = Channel.uniqueName("m2o-to-jvm");
        try (Channel channel = Channel.create(name, ChannelKind.MANY_TO_ONE, CAPACITY).unlinkOnClose();
             ChannelReader reader = channel.reader();
             PeerProcess p0 = ForeignPeers.C.start("write", name, "2", Long.toString(count), "0", "400");
             PeerProcess p1 = ForeignPeers.PYTHON.start("write", name, "2", Long.toString(count), "1", "400");
             PeerProcess p2 = ForeignPeers.C.start("write", name, "2", Long.toString(count), "2", "400")) {
            ChannelRecords.Checker checker = new ChannelRecords.Checker(3);
            while (checker.total < 3 * count) {
                if (reader.poll(checker, 256) == 0) {
                    assertThat(reader.receive(checker, WAIT)).as("a record within %s after %s", WAIT, checker).isTrue();
                }
            }
            for (PeerProcess p : List.of(p0, p1, p2)) {
                p.expectLine("READY", PEER_TIME);
                p.expectLine("SENT " + count, PEER_TIME);
            }
            assertThat(checker.bad + checker.duplicated + checker.lost).as(checker.toString()).isZero();
        }
    }

    @Test
    void jvmBroadcastsToCAndPythonReceivers() throws IOException {
        long count = 3_000;
        String n = Long.toString(count);
        String name = Channel.uniqueName("jvm-broadcast");
        try (Channel channel = Channel.create(name, ChannelKind.BROADCAST, 256 * 1024).unlinkOnClose();
             Arena arena = Arena.ofConfined();
             PeerProcess fastC = ForeignPeers.C.start("bc-recv", name, n, "0");
             PeerProcess fastPython = ForeignPeers.PYTHON.start("bc-recv", name, n, "0");
             PeerProcess slow = ForeignPeers.PYTHON.start("bc-recv", name, n, "3000")) {
            for (PeerProcess p : List.of(fastC, fastPython, slow)) {
                p.expectReady();
            }
            MemorySegment buffer = arena.allocate(ChannelRecords.MAX_LENGTH, 8);
            try (BroadcastTransmitter transmitter = channel.transmitter()) {
                for (long i = 0; i < count; i++) {
                    if (i > 0 && i % 20 == 0) {
                        LockSupport.parkNanos(2_000_000); // pacing, so that the fast receivers keep up
                    }
                    int length = ChannelRecords.fill(buffer, 0, i, 0);
                    transmitter.transmit(ChannelRecords.type(i), buffer.asSlice(0, length));
                }
            }
            for (PeerProcess p : List.of(fastC, fastPython, slow)) {
                Map<String, Long> done = ForeignPeers.done(p, PEER_TIME);
                assertThat(done.get("delivered") + done.get("lost")).as(p + ": " + done).isEqualTo(count);
                assertThat(done).as(p.toString()).containsEntry("bad", 0L);
                if (p == slow) {
                    assertThat(done.get("laps")).as("the slow receiver is lapped: " + done).isPositive();
                }
            }
        }
    }

    @Test
    void aReaderKilledWhileItAsksForTheFenceLeavesNoRequestToTheNextReader() throws IOException {
        // The C reader asks writers for their fence from its first sleep (the high half of the
        // sleepers word). Killed asleep, it cannot withdraw the request; a writer then fences
        // every record until the next reader attaches, which clears the word.
        String name = Channel.uniqueName("asker-killed");
        int sleepingAsker = (1 << 16) | 1;
        try (Channel channel = Channel.create(name, ChannelKind.ONE_TO_ONE, CAPACITY).unlinkOnClose();
             Arena arena = Arena.ofShared()) {
            MemorySegment header = mapHeader(name, arena);
            try (PeerProcess reader = ForeignPeers.C.start("read", name, "1", "1000", "1")) {
                reader.expectReady();
                Deadline.after(WAIT).await(() -> sleepers(header) == sleepingAsker,
                        "the C reader asleep on the empty ring, asking for the fence");
                reader.kill9();
            }
            // its sleep too, unless the kill landed between two 25 ms slices of the wait
            assertThat(sleepers(header) >>> 16).as("a killed reader's request stays in the header").isEqualTo(1);
            try (ChannelWriter writer = channel.writer()) {
                assertThat(writer.offer(1, new byte[] {42})).as("a writer waking a dead sleeper").isTrue();
                try (ChannelReader next = channel.reader()) {
                    assertThat(sleepers(header)).as("the next reader's attach clears the word").isZero();
                    byte[] got = new byte[1];
                    assertThat(next.poll((type, ring, offset, length) -> got[0] = ring.get(ValueLayout.JAVA_BYTE, offset), 8))
                            .as("the record written meanwhile").isEqualTo(1);
                    assertThat(got[0]).isEqualTo((byte) 42);
                }
            }
        }
    }

    private static int sleepers(MemorySegment header) {
        return (int) INT.getVolatile(header, (long) ChannelLayout.DATA_SLEEPERS_OFFSET);
    }

    /** A read-only view of the channel's header, to see when the reader announces it sleeps. */
    private static MemorySegment mapHeader(String name, Arena arena) throws IOException {
        try (FileChannel file = FileChannel.open(Path.of("/dev/shm", name.substring(1)), StandardOpenOption.READ)) {
            return file.map(FileChannel.MapMode.READ_ONLY, 0, ChannelLayout.HEADER_LENGTH, arena);
        }
    }

    /** Waits until the ring is empty and the reader is asleep, so that the next record wakes it. */
    private static void awaitParkedReader(MemorySegment header) {
        // Polled every 100 µs rather than with Deadline's growing pauses: there are hundreds of bursts.
        Deadline deadline = Deadline.after(WAIT);
        while ((int) INT.getVolatile(header, (long) ChannelLayout.DATA_SLEEPERS_OFFSET) == 0
                || (long) LONG.getVolatile(header, (long) ChannelLayout.HEAD_OFFSET)
                        != (long) LONG.getVolatile(header, (long) ChannelLayout.TAIL_OFFSET)) {
            assertThat(deadline.isExpired()).as("the reader has not emptied the ring and slept within %s", WAIT)
                    .isFalse();
            LockSupport.parkNanos(100_000);
        }
    }
}
