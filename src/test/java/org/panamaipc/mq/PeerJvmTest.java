package org.panamaipc.mq;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.panamaipc.ObjectRemovedException;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerJvm;
import org.panamaipc.testing.PeerProcess;

/** Java and a peer JVM exchange 100,000 checked messages each way over both queue families. */
@IpcTest
class PeerJvmTest {
    private static final int COUNT = 100_000;
    private static final Duration PEER_TIME = Duration.ofSeconds(90);

    private final List<String> names = new ArrayList<>();
    private final List<SysVMessageQueue> sysv = new ArrayList<>();

    @AfterEach
    void cleanUp() throws IOException {
        for (String n : names) {
            PosixMessageQueue.unlinkIfExists(n);
        }
        for (SysVMessageQueue q : sysv) {
            try {
                q.remove();
            } catch (ObjectRemovedException gone) {
                // already removed
            }
            q.close();
        }
    }

    private String name() {
        String n = Peers.uniqueName("peer");
        names.add(n);
        return n;
    }

    @Test
    @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void posixQueuesCarryAHundredThousandMessagesEachWayIntact() throws Exception {
        try (PosixMessageQueue toPeer = PosixMessageQueue.create(name(), 10, MessageStream.SIZE);
             PosixMessageQueue fromPeer = PosixMessageQueue.create(name(), 10, MessageStream.SIZE);
             PeerProcess peer = PeerJvm.builder(MqPeerMain.class).onClassPath().start("posix", toPeer.name(), fromPeer.name(),
                     Integer.toString(COUNT))) {
            CompletableFuture<String> sent = Peers.async(() -> {
                try {
                    MemorySegment m = Arena.ofAuto().allocate(MessageStream.SIZE);
                    for (long seq = 0; seq < COUNT; seq++) {
                        int channel = MessageStream.channelOf(seq);
                        MessageStream.write(m, seq, channel);
                        toPeer.send(m, channel);
                    }
                    return "SENT";
                } catch (IOException e) {
                    return e.toString();
                }
            });
            PosixMessage m = PosixMessage.allocate(Arena.ofAuto(), fromPeer.maxMessageSize());
            MessageStream.Checker checker = new MessageStream.Checker(COUNT);
            for (int i = 0; i < COUNT; i++) {
                assertThat(fromPeer.receive(m, PEER_TIME)).as("message %d arrives", i).isTrue();
                assertThat(checker.check(m.buffer(), m.length(), m.priority())).isNull();
            }
            assertThat(checker.complete()).isNull();
            assertThat(sent.get(60, TimeUnit.SECONDS)).isEqualTo("SENT");
            List<String> lines = List.of(peer.readLine(PEER_TIME), peer.readLine(PEER_TIME));
            assertThat(lines).containsExactlyInAnyOrder("SENT", "RECEIVED OK");
            assertThat(peer.waitFor(PEER_TIME)).isZero();
        }
    }

    @Test
    @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sysvQueuesCarryAHundredThousandMessagesEachWayIntact() throws Exception {
        SysVMessageQueue toPeer = SysVMessageQueue.createPrivate();
        sysv.add(toPeer);
        SysVMessageQueue fromPeer = SysVMessageQueue.createPrivate();
        sysv.add(fromPeer);
        try (PeerProcess peer = PeerJvm.builder(MqPeerMain.class).onClassPath().start("sysv", Integer.toString(toPeer.id()),
                Integer.toString(fromPeer.id()), Integer.toString(COUNT))) {
            CompletableFuture<String> sent = Peers.async(() -> {
                try {
                    SysVMessage m = SysVMessage.allocate(Arena.ofAuto(), MessageStream.SIZE).length(MessageStream.SIZE);
                    for (long seq = 0; seq < COUNT; seq++) {
                        int channel = MessageStream.channelOf(seq);
                        MessageStream.write(m.text(), seq, channel);
                        toPeer.send(m.type(channel + 1));
                    }
                    return "SENT";
                } catch (IOException e) {
                    return e.toString();
                }
            });
            SysVMessage m = SysVMessage.allocate(Arena.ofAuto(), MessageStream.SIZE);
            MessageStream.Checker checker = new MessageStream.Checker(COUNT);
            TypeFilter any = TypeFilter.any();
            for (int i = 0; i < COUNT; i++) {
                assertThat(fromPeer.receive(m, any, PEER_TIME)).as("message %d arrives", i).isTrue();
                assertThat(checker.check(m.text(), m.length(), (int) m.type() - 1)).isNull();
            }
            assertThat(checker.complete()).isNull();
            assertThat(sent.get(60, TimeUnit.SECONDS)).isEqualTo("SENT");
            List<String> lines = List.of(peer.readLine(PEER_TIME), peer.readLine(PEER_TIME));
            assertThat(lines).containsExactlyInAnyOrder("SENT", "RECEIVED OK");
            assertThat(peer.waitFor(PEER_TIME)).isZero();
        }
    }

    @Test
    void higherPrioritiesFromAPeerAreDeliveredFirst() throws Exception {
        try (PosixMessageQueue q = PosixMessageQueue.create(name(), 10, 32);
             PeerProcess peer = PeerJvm.builder(MqPeerMain.class).onClassPath().start("posix-burst", q.name())) {
            assertThat(peer.readLine(PEER_TIME)).isEqualTo("FILLED");
            List<PriorityMessage> got = new ArrayList<>();
            PriorityMessage r;
            while ((r = q.tryReceive()) != null) {
                got.add(r);
            }
            assertThat(got).hasSize(10);
            List<String> texts = got.stream().map(x -> new String(x.data(), StandardCharsets.UTF_8)).toList();
            // Highest priority first; equal priorities in the order sent.
            assertThat(texts).containsExactly("31000:4", "7:1", "7:3", "7:9", "5:6", "5:8", "2:0", "2:5", "0:2", "0:7");
            assertThat(got).isSortedAccordingTo(Comparator.comparingInt(PriorityMessage::priority).reversed());
            peer.send("done");
            assertThat(peer.waitFor(PEER_TIME)).isZero();
        }
    }
}
