package org.panamaipc.mq;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panamaipc.testing.CProgram;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerProcess;

/**
 * Both queue families against a C program ({@code src/test/resources/c/mq_peer.c}) built
 * with gcc; skipped where gcc is not installed.
 */
@IpcTest
class CPeerTest {
    private static final Duration PEER_TIME = Duration.ofSeconds(20);

    @TempDir
    static Path build;
    private static Path program;

    private final List<String> names = new ArrayList<>();
    private final List<SysVMessageQueue> sysv = new ArrayList<>();

    @BeforeAll
    static void compile() throws Exception {
        program = CProgram.compile("mq_peer", build);
    }

    @AfterEach
    void cleanUp() throws IOException {
        for (String n : names) {
            PosixMessageQueue.unlinkIfExists(n);
        }
        for (SysVMessageQueue q : sysv) {
            q.remove();
            q.close();
        }
    }

    private PeerProcess c(String... args) {
        List<String> cmd = new ArrayList<>(List.of(program.toString()));
        cmd.addAll(List.of(args));
        return PeerProcess.start("mq_peer " + args[0], new ProcessBuilder(cmd));
    }

    private PosixMessageQueue posix() throws IOException {
        String n = Peers.uniqueName("c");
        names.add(n);
        return PosixMessageQueue.create(n, 10, 128);
    }

    private SysVMessageQueue sysv() throws IOException {
        SysVMessageQueue q = SysVMessageQueue.createPrivate();
        sysv.add(q);
        return q;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void posixMessagesFromCArriveHighestPriorityFirst() throws IOException {
        try (PosixMessageQueue q = posix(); PeerProcess peer = c("posix-send", q.name(), "2:two", "8:eight", "2:two-b")) {
            peer.expectLine("SENT", PEER_TIME);
            assertThat(peer.waitFor(PEER_TIME)).isZero();
            assertThat(q.receive()).isEqualTo(new PriorityMessage(bytes("eight"), 8));
            assertThat(q.receive()).isEqualTo(new PriorityMessage(bytes("two"), 2));
            assertThat(q.receive()).isEqualTo(new PriorityMessage(bytes("two-b"), 2));
        }
    }

    @Test
    void posixMessagesFromJavaArriveInCHighestPriorityFirst() throws IOException {
        try (PosixMessageQueue q = posix()) {
            q.send(bytes("low"), 1);
            q.send(bytes("high"), 30);
            try (PeerProcess peer = c("posix-recv", q.name(), "3")) {
                peer.expectLine("30:high", PEER_TIME);
                peer.expectLine("1:low", PEER_TIME);
                q.send(bytes("late"), 5); // the C peer is blocked in mq_receive for it
                peer.expectLine("5:late", PEER_TIME);
                assertThat(peer.waitFor(PEER_TIME)).isZero();
            }
        }
    }

    @Test
    void sysvMessagesFromCAreSelectedByType() throws IOException {
        SysVMessageQueue q = sysv();
        try (PeerProcess peer = c("sysv-send", Integer.toString(q.id()), "4:d", "2:b", "9:i")) {
            peer.expectLine("SENT", PEER_TIME);
            assertThat(peer.waitFor(PEER_TIME)).isZero();
        }
        assertThat(q.tryReceive(TypeFilter.lowestUpTo(5))).isEqualTo(new TypedMessage(2, bytes("b")));
        assertThat(q.tryReceive(TypeFilter.anyExcept(4))).isEqualTo(new TypedMessage(9, bytes("i")));
        assertThat(q.tryReceive(TypeFilter.exactly(4))).isEqualTo(new TypedMessage(4, bytes("d")));
    }

    @Test
    void sysvMessagesFromJavaAreSelectedByTypeInC() throws IOException {
        SysVMessageQueue q = sysv();
        q.send(6, bytes("f"));
        q.send(3, bytes("c"));
        try (PeerProcess peer = c("sysv-recv", Integer.toString(q.id()), "3", "2")) {
            peer.expectLine("3:c", PEER_TIME);
            q.send(1, bytes("a"));
            q.send(3, bytes("c2")); // the C peer is blocked in msgrcv for type 3
            peer.expectLine("3:c2", PEER_TIME);
            assertThat(peer.waitFor(PEER_TIME)).isZero();
        }
        assertThat(q.status().messages()).isEqualTo(2);
    }
}
