package org.panamaipc.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.PythonPeer;

/**
 * The C and Python ends of a channel against each other and themselves, with no JVM end:
 * checksummed records of mixed sizes (8 to 1024 bytes, some through claim + commit, some
 * claims aborted), the reader parked between bursts so that every burst starts with a
 * FUTEX_WAKE from the other language; many-to-one from three producers of both languages;
 * broadcast to fast and slow receivers; a memfd channel handed to a child; bad headers; and
 * the death of either end.
 */
@IpcTest
class ForeignPeersTest {
    private static final Duration PEER_TIME = Duration.ofSeconds(60);
    private static final String ONE_TO_ONE = "1";
    private static final String MANY_TO_ONE = "2";
    private static final String BROADCAST = "3";
    private static final String CAPACITY = "65536";

    private final List<String> names = new ArrayList<>();

    @AfterEach
    void removeChannels() throws IOException {
        for (String name : names) {
            ForeignPeers.unlink(name);
        }
    }

    private String name() {
        String name = ForeignPeers.uniqueName();
        names.add(name);
        return name;
    }

    /** Starts the creator, which keeps the object until its stdin closes. */
    private static PeerProcess create(ForeignPeers lang, String name, String kind, String capacity) {
        PeerProcess creator = lang.start("create", name, kind, capacity);
        creator.expectReady();
        return creator;
    }

    private static void assertAllArrived(Map<String, Long> done, long records) {
        assertThat(done).containsEntry("records", records).containsEntry("bad", 0L)
                .containsEntry("dup", 0L).containsEntry("lost", 0L);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"C, C, 200000", "PYTHON, PYTHON, 4000", "C, PYTHON, 4000", "PYTHON, C, 4000"})
    void oneToOneDeliversEveryRecordOnceAndWhole(ForeignPeers writerLang, ForeignPeers readerLang, long count) {
        String name = name();
        String n = Long.toString(count);
        try (PeerProcess creator = create(readerLang, name, ONE_TO_ONE, CAPACITY);
             PeerProcess reader = readerLang.start("read", name, ONE_TO_ONE, n, "1");
             PeerProcess writer = writerLang.start("write", name, ONE_TO_ONE, n, "0", "500")) {
            reader.expectReady();
            writer.expectReady();
            writer.expectLine("SENT " + n, PEER_TIME);
            assertAllArrived(ForeignPeers.done(reader, PEER_TIME), count);
            assertThat(reader.waitFor(PEER_TIME)).isZero();
            assertThat(writer.waitFor(PEER_TIME)).isZero();
        }
    }

    @ParameterizedTest(name = "reader {0}")
    @EnumSource(ForeignPeers.class)
    void manyToOneFromThreeProducersOfBothLanguages(ForeignPeers readerLang) {
        String name = name();
        String n = "2000";
        try (PeerProcess creator = create(ForeignPeers.C, name, MANY_TO_ONE, CAPACITY);
             PeerProcess reader = readerLang.start("read", name, MANY_TO_ONE, n, "3");
             PeerProcess p0 = ForeignPeers.C.start("write", name, MANY_TO_ONE, n, "0", "400");
             PeerProcess p1 = ForeignPeers.PYTHON.start("write", name, MANY_TO_ONE, n, "1", "400");
             PeerProcess p2 = ForeignPeers.C.start("write", name, MANY_TO_ONE, n, "2", "400")) {
            for (PeerProcess p : List.of(reader, p0, p1, p2)) {
                p.expectReady();
            }
            assertAllArrived(ForeignPeers.done(reader, PEER_TIME), 6000);
            for (PeerProcess p : List.of(p0, p1, p2)) {
                p.expectLine("SENT " + n, PEER_TIME);
            }
        }
    }

    @ParameterizedTest(name = "transmitter {0}")
    @EnumSource(ForeignPeers.class)
    void broadcastReceiversOfBothLanguagesLoseOnlyWhatTheyAreToldOf(ForeignPeers transmitterLang) {
        String name = name();
        long count = 3000;
        String n = Long.toString(count);
        try (PeerProcess creator = create(transmitterLang, name, BROADCAST, "262144");
             PeerProcess fastC = ForeignPeers.C.start("bc-recv", name, n, "0");
             PeerProcess fastPython = ForeignPeers.PYTHON.start("bc-recv", name, n, "0");
             PeerProcess slow = ForeignPeers.PYTHON.start("bc-recv", name, n, "3000");
             PeerProcess transmitter = transmitterLang.start("bc-send", name, n, "20")) {
            for (PeerProcess p : List.of(fastC, fastPython, slow, transmitter)) {
                p.expectReady();
            }
            transmitter.send("go");
            transmitter.expectLine("SENT " + n, PEER_TIME);
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

    @ParameterizedTest(name = "reader {0}")
    @EnumSource(ForeignPeers.class)
    void aSealedMemfdChannelIsHandedToAChild(ForeignPeers readerLang) {
        List<String> args = new ArrayList<>(List.of("memfd-write", ONE_TO_ONE, CAPACITY, "3000"));
        args.addAll(readerLang.command());
        args.add("read");
        try (PeerProcess python = ForeignPeers.PYTHON.start(args.toArray(String[]::new))) {
            python.expectReady();
            assertAllArrived(ForeignPeers.done(python, PEER_TIME), 3000);
            assertThat(python.waitFor(PEER_TIME)).isZero();
        }
    }

    @ParameterizedTest(name = "{0} reader, {1} writer")
    @CsvSource({"C, C", "C, PYTHON", "PYTHON, C", "PYTHON, PYTHON"})
    void aParkedReaderLearnsThatTheWriterWasKilled(ForeignPeers readerLang, ForeignPeers writerLang) {
        String name = name();
        try (PeerProcess creator = create(readerLang, name, ONE_TO_ONE, CAPACITY);
             PeerProcess reader = readerLang.start("read", name, ONE_TO_ONE, "100000000", "1");
             PeerProcess writer = writerLang.start("write", name, ONE_TO_ONE, "100000000", "0", "100")) {
            reader.expectReady();
            writer.expectReady();
            writer.kill9();
            assertThat(reader.readLine(PEER_TIME)).startsWith("ERROR receive PEERDEAD");
        }
    }

    @ParameterizedTest(name = "{0} reader that only polls, {1} writer killed holding a claim")
    @CsvSource({"C, PYTHON", "PYTHON, C"})
    void aReaderThatOnlyPollsSkipsTheClaimOfAKilledWriter(ForeignPeers readerLang, ForeignPeers writerLang) {
        String name = name();
        try (PeerProcess creator = create(readerLang, name, ONE_TO_ONE, CAPACITY);
             PeerProcess reader = readerLang.start("poll-read", name, ONE_TO_ONE, "20");
             PeerProcess writer = writerLang.start("claim", name, ONE_TO_ONE, "20")) {
            reader.expectReady();
            writer.expectReady();
            assertThat(writer.readLine(PEER_TIME)).isEqualTo("CLAIMED");
            assertThat(reader.readLine(PEER_TIME)).isEqualTo("RECEIVED 20");
            writer.kill9();
            assertAllArrived(ForeignPeers.done(reader, PEER_TIME), 20);
        }
    }

    @ParameterizedTest(name = "{0} writer")
    @EnumSource(ForeignPeers.class)
    void aWriterWaitingForRoomLearnsThatTheReaderWasKilled(ForeignPeers writerLang) {
        String name = name();
        // A reader that attaches and reads nothing: the writer fills the ring and waits for
        // room; then the reader is killed.
        try (PeerProcess creator = create(writerLang, name, ONE_TO_ONE, "16384");
             PeerProcess reader = PythonPeer.startInline(
                     "import sys,time;sys.path.insert(0,sys.argv[1]);import panama_channel as pc;"
                             + "ch=pc.Channel.open(sys.argv[2],1);ch.attach_reader();print('READY',flush=True);time.sleep(600)",
                     ForeignPeers.repository().resolve("interop/python").toString(), name);
             PeerProcess writer = writerLang.start("write", name, ONE_TO_ONE, "100000", "0", "0")) {
            reader.expectReady();
            writer.expectReady();
            reader.kill9();
            assertThat(writer.readLine(PEER_TIME)).startsWith("ERROR await-room PEERDEAD");
        }
    }

    @Test
    void badHeadersAreRefusedByBothEnds() throws IOException {
        record Bad(String what, long magic, int version, long capacity, int size, String code) {}
        List<Bad> cases = List.of(
                new Bad("magic", 0x1234L, ChannelLayout.VERSION, 1024, 4096 + 1024, "MAGIC"),
                new Bad("version", 0x474E495243504950L, 1, 1024, 4096 + 1024, "VERSION"),
                new Bad("capacity", 0x474E495243504950L, ChannelLayout.VERSION, 1000, 4096 + 1000, "CAPACITY"),
                new Bad("size", 0x474E495243504950L, ChannelLayout.VERSION, 2048, 4096 + 1024, "SIZE"));
        for (Bad bad : cases) {
            String name = name();
            ByteBuffer header = ByteBuffer.allocate(bad.size()).order(ByteOrder.LITTLE_ENDIAN);
            header.putLong(0, bad.magic()).putInt(8, bad.version()).putInt(12, 1).putLong(16, bad.capacity())
                    .putInt(24, 4096).putInt(28, (int) (bad.capacity() / 8 - 8)).putInt(32, 1);
            Path file = Path.of("/dev/shm", name.substring(1));
            Files.write(file, header.array());
            for (ForeignPeers lang : ForeignPeers.values()) {
                try (PeerProcess check = lang.start("check", name, ONE_TO_ONE)) {
                    assertThat(check.readLine(PEER_TIME)).as(lang + " on a bad " + bad.what())
                            .startsWith("ERROR " + bad.code());
                }
            }
        }
    }
}
