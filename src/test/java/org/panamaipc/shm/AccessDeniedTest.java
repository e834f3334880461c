package org.panamaipc.shm;

import org.panamaipc.SysVKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.TestRun;

/** Objects of mode 0600 are closed to other users: their open fails with AccessDeniedException. */
@IpcTest
class AccessDeniedTest {

    @Test
    void anotherUserCannotOpenObjectsMadeWithTheDefaultMode() throws Exception {
        assumeTrue(isRoot() && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "needs root to run a peer as user nobody");
        String name = SharedMemory.uniqueName(TestRun.prefix("denied"));
        int key = 0x5b000000 | ThreadLocalRandom.current().nextInt(1, 1 << 24);
        SysVSharedMemory segment = SysVSharedMemory.create(SysVKey.of(key), 4096);
        try (SharedMemory shm = SharedMemory.create(name, 4096)) {
            List<String> lines;
            try (PeerProcess peer = Peers.jvmAs(List.of("--reuid=65534", "--regid=65534", "--clear-groups"),
                    AccessPeer.class, name, Integer.toString(key))) {
                lines = Peers.linesUntilExit(peer, 2);
            }
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).startsWith("posix IpcAccessDeniedException: shm_open(\"" + name)
                    .contains("EACCES");
            assertThat(lines.get(1)).startsWith("sysv IpcAccessDeniedException: shmctl(").contains("EACCES");
        } finally {
            SharedMemory.unlinkIfExists(name);
            segment.remove();
        }
    }

    private static boolean isRoot() throws IOException {
        return Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0);
    }
}
