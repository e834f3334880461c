package org.panamaipc.sync;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.Memfd;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerJvm;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.TestRun;

/** Two peer JVMs and this one add to one plain counter under a lock: no update is lost. */
@IpcTest
class MutualExclusionTest {
    private static final int TIMES = 10_000;

    @Test
    void theRobustMutexExcludesTwoPeerJvmsAndThisOne() throws IOException {
        try (Memfd shm = PingPong.sealedMemory(PingPong.SHM_SIZE); Mapping m = shm.map()) {
            ProcessMutex.initialize(m.segment(), 128).close();
            runThreeWays(m, PingPong.peerPath(shm), "mutex", PingPong.mutexLock(m.segment()));
        }
    }

    @Test
    void aSysVSemaphoreWithUndoExcludesTwoPeerJvmsAndThisOne() throws IOException {
        try (Memfd shm = PingPong.sealedMemory(PingPong.SHM_SIZE); Mapping m = shm.map();
             SysVSemaphoreSet set = SysVSemaphoreSet.createPrivate(1)) {
            try {
                set.setValue(0, 1);
                runThreeWays(m, PingPong.peerPath(shm), "sysv", PingPong.sysVLock(set.id()), Integer.toString(set.id()));
                assertThat(set.value(0)).isEqualTo(1);
            } finally {
                set.remove();
            }
        }
    }

    private void runThreeWays(Mapping m, String memory, String kind, PingPong.Lock lock, String... extra) throws IOException {
        String[] args = new String[4 + extra.length];
        args[0] = "count";
        args[1] = kind;
        args[2] = Integer.toString(TIMES);
        args[3] = memory;
        System.arraycopy(extra, 0, args, 4, extra.length);
        try (lock; PeerProcess a = PeerJvm.start(SyncPeer.class, args);
             PeerProcess b = PeerJvm.start(SyncPeer.class, args)) {
            a.expectReady();
            b.expectReady();
            a.send("go");
            b.send("go");
            PingPong.count(lock, m.segment(), TIMES);
            a.expectLine("done");
            b.expectLine("done");
        }
        assertThat(m.segment().get(JAVA_LONG, PingPong.COUNTER)).isEqualTo(3L * TIMES);
    }
}
