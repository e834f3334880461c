package org.panamaipc.mq;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.panamaipc.SysVKey;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerProcess;

/**
 * Mode 0600 keeps other users out, as {@code AccessDeniedException}; wider permissions let
 * them in (for a POSIX queue, less the umask: write for others is usually cleared, so the
 * peer opens it read-only). The other user is a peer JVM running as nobody (this process may be root, whom
 * no mode denies).
 */
@IpcTest
class PermissionsTest {
    private static final Duration PEER_TIME = Duration.ofSeconds(30);
    private static final Set<PosixFilePermission> ALL_READ_WRITE = EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private final String name = Peers.uniqueName("perm");
    private SysVMessageQueue sysv;

    @AfterEach
    void cleanUp() throws IOException {
        PosixMessageQueue.unlinkIfExists(name);
        if (sysv != null) {
            sysv.remove();
            sysv.close();
        }
    }

    @Test
    void otherUsersAreDeniedMode0600AndAdmittedByWiderPermissions() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Peers.hasCapSetuid(), "setpriv needs CAP_SETUID and CAP_SETGID");
        int key = Peers.uniqueKey();
        try (PosixMessageQueue q = PosixMessageQueue.create(name, 2, 16)) {
            sysv = SysVMessageQueue.create(SysVKey.of(key));
            try (PeerProcess peer = Peers.jvmAsNobody(MqPeerMain.class, "try-open", name, Integer.toString(key))) {
                assertThat(peer.readLine(PEER_TIME))
                        .startsWith("posix org.panamaipc.IpcAccessDeniedException: mq_open(\"" + name + "\", O_RDONLY)")
                        .contains("EACCES");
                assertThat(peer.readLine(PEER_TIME))
                        .startsWith("sysv org.panamaipc.IpcAccessDeniedException: msgget(")
                        .contains("EACCES");
                assertThat(peer.waitFor(PEER_TIME)).isZero();
            }
        }
        PosixMessageQueue.unlink(name);
        try (PosixMessageQueue q = PosixMessageQueue.create(name, PosixMessageQueue.Access.READ_WRITE,
                2, 16, ALL_READ_WRITE)) {
            sysv.setPermissions(ALL_READ_WRITE);
            try (PeerProcess peer = Peers.jvmAsNobody(MqPeerMain.class, "try-open", name, Integer.toString(key))) {
                assertThat(peer.readLine(PEER_TIME)).isEqualTo("posix OK");
                assertThat(peer.readLine(PEER_TIME)).isEqualTo("sysv OK");
                assertThat(peer.waitFor(PEER_TIME)).isZero();
            }
            assertThat(sysv.status().lastSendPid()).isNotZero().isNotEqualTo((int) ProcessHandle.current().pid());
        }
    }
}
