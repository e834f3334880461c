package org.panamaipc.mq;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.panamaipc.SysVKey;
import org.panamaipc.ObjectRemovedException;
import org.panamaipc.Errno;
import org.panamaipc.testing.IpcTest;

/** System V queues as the shell tools see them: {@code ipcs -q} and {@code ipcrm -q}. */
@IpcTest
class IpcToolsTest {
    private SysVMessageQueue queue;

    @AfterEach
    void cleanUp() {
        if (queue != null) {
            try {
                queue.remove();
            } catch (IOException alreadyRemoved) {
                // ipcrm did it
            }
            queue.close();
        }
    }

    @Test
    void ipcsListsTheQueueWithItsKeyBytesAndMessageCount() throws IOException {
        SysVKey key = SysVKey.of(Peers.uniqueKey());
        queue = SysVMessageQueue.create(key);
        queue.send(1, new byte[10]);
        queue.send(2, new byte[20]);
        queue.send(1, new byte[5]);
        String keyHex = key.toString();
        String line = Peers.run("ipcs", "-q").lines()
                .filter(l -> l.startsWith(keyHex)).findFirst()
                .orElseThrow(() -> new AssertionError("ipcs -q does not list " + keyHex));
        // key msqid owner perms used-bytes messages
        String[] columns = line.trim().split("\\s+");
        assertThat(Integer.parseInt(columns[1])).isEqualTo(queue.id());
        assertThat(columns[3]).isEqualTo("600");
        assertThat(columns[4]).isEqualTo("35");
        assertThat(columns[5]).isEqualTo("3");
    }

    @Test
    void ipcrmRemovalIsSeenByABlockedReceiver() throws Exception {
        queue = SysVMessageQueue.createPrivate();
        BlockedCall blocked = BlockedCall.start(() -> queue.receive(TypeFilter.any()));
        Peers.run("ipcrm", "-q", Integer.toString(queue.id()));
        assertThat(blocked.outcome(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ObjectRemovedException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EIDRM));
        assertThat(Peers.run("ipcs", "-q")).doesNotContain(" " + queue.id() + " ");
    }
}
