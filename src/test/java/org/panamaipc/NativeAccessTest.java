package org.panamaipc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerJvm;
import org.panamaipc.testing.PeerProcess;

/**
 * What a user who forgot {@code --enable-native-access} sees: in a JVM that denies native
 * access, every use names the flag to add, the second as clearly as the first, even from a
 * {@code finally} block; in one that only warns (JDK 25's default), the library works.
 */
@IpcTest
class NativeAccessTest {

    private static final String ERROR = "org.panamaipc.internal.NativeAccessError: panama-ipc calls native code,"
            + " and this JVM does not allow it to";

    /** What the peer does, in order: each use of a kind twice, the second after the first failed. */
    private static final List<String> USES =
            List.of("queue1", "queue2", "shm", "pipe", "socket1", "sysv1", "socket2", "sysv2", "memfd");

    @Test
    void everyUseOnTheClassPathNamesAllUnnamed() {
        List<String> lines = run(PeerJvm.builder(NativeAccessPeer.class).onClassPath());

        assertThat(lines).allSatisfy(line -> assertThat(line)
                .contains(ERROR).contains("Start java with --enable-native-access=ALL-UNNAMED"));
        assertThat(lines).extracting(line -> line.substring(0, line.indexOf(' '))).isEqualTo(USES);
    }

    @Test
    void everyUseOnTheModulePathNamesTheModule() {
        List<String> lines = run(PeerJvm.builder(NativeAccessPeer.class));

        assertThat(lines).hasSize(USES.size()).allSatisfy(line -> assertThat(line)
                .contains(ERROR).contains("Start java with --enable-native-access=org.panamaipc"));
    }

    @Test
    void aJvmThatOnlyWarnsRunsTheLibrary() {
        try (PeerProcess peer = PeerJvm.builder(NativeAccessPeer.class).onClassPath().withoutNativeAccess().start()) {
            for (String use : USES) {
                peer.expectLine(use + " ok");
            }
            peer.expectExit(0, PeerProcess.DEFAULT_TIMEOUT);
        }
    }

    private static List<String> run(PeerJvm.Builder builder) {
        try (PeerProcess peer = builder.withoutNativeAccess().jvmArgs("--illegal-native-access=deny").start()) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < USES.size(); i++) {
                lines.add(peer.readLine());
            }
            peer.expectExit(0, PeerProcess.DEFAULT_TIMEOUT);
            return lines;
        }
    }
}
