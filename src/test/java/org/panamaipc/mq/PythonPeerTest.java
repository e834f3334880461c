package org.panamaipc.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panamaipc.SysVKey;
import org.panamaipc.Errno;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.PythonPeer;

/** Both queue families against python3 peers calling the C library through ctypes. */
@IpcTest
class PythonPeerTest {
    private static final Duration PEER_TIME = Duration.ofSeconds(30);

    private final List<String> names = new ArrayList<>();
    private final List<SysVMessageQueue> sysv = new ArrayList<>();

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

    private PosixMessageQueue posix() throws IOException {
        String n = Peers.uniqueName("py");
        names.add(n);
        return PosixMessageQueue.create(n, 10, 256);
    }

    private SysVMessageQueue sysv() throws IOException {
        SysVMessageQueue q = SysVMessageQueue.createPrivate();
        sysv.add(q);
        return q;
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void posixMessagesFromPythonArriveHighestPriorityFirst() throws Exception {
        try (PosixMessageQueue q = posix();
             PeerProcess py = PythonPeer.start("posix_mq_peer.py", "send", q.name(), "1:low", "9:high", "5:mid", "9:high2")) {
            assertThat(py.readLine(PEER_TIME)).isEqualTo("SENT");
            assertThat(py.waitFor(PEER_TIME)).isZero();
            List<String> got = new ArrayList<>();
            PriorityMessage m;
            while ((m = q.tryReceive()) != null) {
                got.add(m.priority() + ":" + text(m.data()));
            }
            assertThat(got).containsExactly("9:high", "9:high2", "5:mid", "1:low");
        }
    }

    @Test
    void posixMessagesFromJavaArriveInPythonHighestPriorityFirst() throws Exception {
        try (PosixMessageQueue q = posix()) {
            q.send("zero".getBytes(StandardCharsets.UTF_8), 0);
            q.send("top".getBytes(StandardCharsets.UTF_8), PosixMessageQueue.MAX_PRIORITY);
            q.send("three-a".getBytes(StandardCharsets.UTF_8), 3);
            q.send("three-b".getBytes(StandardCharsets.UTF_8), 3);
            try (PeerProcess py = PythonPeer.start("posix_mq_peer.py", "recv", q.name(), "4")) {
                List<String> lines = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    lines.add(py.readLine(PEER_TIME));
                }
                assertThat(lines).containsExactly("32767:top", "3:three-a", "3:three-b", "0:zero");
                assertThat(py.waitFor(PEER_TIME)).isZero();
            }
        }
    }

    @Test
    void pythonsNotificationMakesOursBusyAndFiresWhenJavaSends() throws Exception {
        try (PosixMessageQueue q = posix();
             PeerProcess py = PythonPeer.start("posix_mq_peer.py", "notify", q.name(), "10")) {
            assertThat(py.readLine(PEER_TIME)).isEqualTo("REGISTERED");
            assertThatThrownBy(q::registerNotificationWithoutSignal)
                    .isInstanceOfSatisfying(QueueException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBUSY))
                    .hasMessageContaining("another process is already registered");
            q.send("ping".getBytes(StandardCharsets.UTF_8), 4);
            assertThat(py.readLine(PEER_TIME)).isEqualTo("NOTIFIED code=-3"); // SI_MESGQ
            assertThat(py.readLine(PEER_TIME)).isEqualTo("4:ping");
            assertThat(py.waitFor(PEER_TIME)).isZero();
            q.registerNotificationWithoutSignal(); // the one-shot registration is gone
            q.cancelNotification();
        }
    }

    @Test
    void sysvMessagesFromPythonAreSelectedByType() throws Exception {
        SysVMessageQueue q = sysv();
        try (PeerProcess py = PythonPeer.start("sysv_msg_peer.py", "send", Integer.toString(q.id()),
                "3:c", "1:a", "2:b", "1:a2", "7:g")) {
            assertThat(py.readLine(PEER_TIME)).isEqualTo("SENT");
            assertThat(py.waitFor(PEER_TIME)).isZero();
        }
        assertThat(q.status().messages()).isEqualTo(5);
        assertThat(q.tryReceive(TypeFilter.exactly(2))).isEqualTo(new TypedMessage(2, "b".getBytes(StandardCharsets.UTF_8)));
        assertThat(text(q.tryReceive(TypeFilter.lowestUpTo(3)).data())).isEqualTo("a");
        assertThat(text(q.tryReceive(TypeFilter.anyExcept(1)).data())).isEqualTo("c");
        assertThat(text(q.tryReceive(TypeFilter.any()).data())).isEqualTo("a2");
        assertThat(q.tryReceive(TypeFilter.exactly(1))).isNull();
        assertThat(q.tryReceive(TypeFilter.any()).type()).isEqualTo(7);
    }

    @Test
    void sysvMessagesFromJavaAreSelectedByTypeInPython() throws Exception {
        SysVMessageQueue q = sysv();
        q.send(3, "c".getBytes(StandardCharsets.UTF_8));
        q.send(1, "a".getBytes(StandardCharsets.UTF_8));
        q.send(2, "b".getBytes(StandardCharsets.UTF_8));
        q.send(5, "e".getBytes(StandardCharsets.UTF_8));
        String id = Integer.toString(q.id());
        try (PeerProcess py = PythonPeer.start("sysv_msg_peer.py", "recv", id, "-2", "0", "2")) {
            assertThat(py.readLine(PEER_TIME)).isEqualTo("1:a");
            assertThat(py.readLine(PEER_TIME)).isEqualTo("2:b");
            assertThat(py.waitFor(PEER_TIME)).isZero();
        }
        try (PeerProcess py = PythonPeer.start("sysv_msg_peer.py", "recv", id, "3", "0o20000", "1")) { // MSG_EXCEPT
            assertThat(py.readLine(PEER_TIME)).isEqualTo("5:e");
            assertThat(py.waitFor(PEER_TIME)).isZero();
        }
        try (PeerProcess py = PythonPeer.start("sysv_msg_peer.py", "recv", id, "4", "0", "1")) {
            assertThat(py.readLine(PEER_TIME)).isEqualTo("NONE");
            assertThat(py.waitFor(PEER_TIME)).isZero();
        }
        assertThat(q.status().messages()).isEqualTo(1);
    }

    @Test
    void ftokAgreesWithTheCLibrary(@TempDir Path dir) throws Exception {
        Path file = Files.createFile(dir.resolve("anchor"));
        try (PeerProcess py = PythonPeer.start("sysv_msg_peer.py", "ftok", file.toString(), "77")) {
            assertThat(Integer.parseInt(py.readLine(PEER_TIME))).isEqualTo(SysVKey.of(file, 77).value());
            assertThat(py.waitFor(PEER_TIME)).isZero();
        }
    }
}
