package org.panamaipc.mq;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerJvm;
import org.panamaipc.testing.PeerProcess;

/**
 * RLIMIT_MSGQUEUE, queues_max and RLIMIT_NOFILE exceeded for real, in a peer JVM alone in an IPC namespace
 * of its own ({@code unshare --ipc}) with a low RLIMIT_MSGQUEUE or RLIMIT_NOFILE ({@code prlimit}): exhausting
 * the limits there takes nothing from other processes of this user or this machine.
 */
@IpcTest
class QueueLimitsTest {
    private static final long RLIMIT = 200_000;
    private static final int NOFILE = 128;
    private static final Duration PEER_TIME = Duration.ofSeconds(30);

    @Test
    void exceedingRlimitMsgqueueAndQueuesMaxNamesEachLimitAndItsValue() throws IOException {
        Assumptions.assumeTrue(Peers.hasCapSysAdmin(), "unshare --ipc needs CAP_SYS_ADMIN");
        Assumptions.assumeFalse(Peers.hasCapSysResource(), "CAP_SYS_RESOURCE lifts the limits");
        List<String> command = new ArrayList<>(List.of("unshare", "--ipc", "prlimit", "--msgqueue=" + RLIMIT));
        command.addAll(PeerJvm.builder(MqPeerMain.class).onClassPath().command("limits", "/limits"));
        try (PeerProcess peer = PeerProcess.start("MqPeerMain limits", new ProcessBuilder(command))) {
            assertThat(peer.readLine(PEER_TIME))
                    .isEqualTo("QueueLimitException RLIMIT_MSGQUEUE " + RLIMIT + " EMFILE");
            assertThat(peer.readLine(PEER_TIME)).contains("RLIMIT_MSGQUEUE=" + RLIMIT + " bytes");
            String queuesMax = peer.readLine(PEER_TIME);
            assertThat(queuesMax).startsWith("QueueLimitException /proc/sys/fs/mqueue/queues_max ").endsWith(" ENOSPC");
            long max = Long.parseLong(queuesMax.split(" ")[2]);
            assertThat(peer.readLine(PEER_TIME)).contains("queues_max=" + max);
            assertThat(peer.waitFor(PEER_TIME)).isZero();
        }
    }

    @Test
    void runningOutOfDescriptorsNamesRlimitNofileNotTheQueueLimit() throws IOException {
        Assumptions.assumeTrue(Peers.hasCapSysAdmin(), "unshare --ipc needs CAP_SYS_ADMIN");
        List<String> command = new ArrayList<>(List.of("unshare", "--ipc", "prlimit", "--nofile=" + NOFILE));
        command.addAll(PeerJvm.builder(MqPeerMain.class).onClassPath().command("limits-fds", "/fds"));
        try (PeerProcess peer = PeerProcess.start("MqPeerMain limits-fds", new ProcessBuilder(command))) {
            assertThat(peer.readLine(PEER_TIME)).isEqualTo("QueueLimitException RLIMIT_NOFILE " + NOFILE + " EMFILE");
            assertThat(peer.readLine(PEER_TIME)).contains("RLIMIT_NOFILE=" + NOFILE);
            assertThat(peer.waitFor(PEER_TIME)).isZero();
        }
    }
}
