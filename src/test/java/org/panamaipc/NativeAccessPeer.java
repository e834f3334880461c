package org.panamaipc;

import java.util.EnumSet;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.mq.SysVMessageQueue;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.shm.Memfd;
import org.panamaipc.shm.MemfdOption;
import org.panamaipc.shm.SharedMemory;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixSocket;
import org.panamaipc.testing.Peer;

/**
 * A peer JVM started without native access: uses the library as the README shows, twice,
 * and prints one line per use, {@code USE CLASS: MESSAGE} of what it threw, or {@code USE ok}.
 */
public final class NativeAccessPeer {

    private NativeAccessPeer() {}

    /**
     * Runs the uses.
     *
     * @param args none
     */
    public static void main(String[] args) {
        String name = PosixMessageQueue.uniqueName("native-access");
        for (int round = 1; round <= 2; round++) {
            int r = round;
            report("queue" + r, () -> {
                try (PosixMessageQueue q = PosixMessageQueue.create(name, 4, 64)) {
                    q.send(new byte[] {1}, 0);
                } finally {
                    PosixMessageQueue.unlink(name);                   // the finally of the README
                }
            });
        }
        String shm = SharedMemory.uniqueName("native-access");
        report("shm", () -> {
            try (SharedMemory s = SharedMemory.create(shm, 4096)) {
                s.fd();
            } finally {
                SharedMemory.unlink(shm);
            }
        });
        report("pipe", () -> Pipe.open().close());
        for (int round = 1; round <= 2; round++) {
            report("socket" + round, () -> UnixSocket.pair(SocketType.STREAM).close());
            report("sysv" + round, () -> SysVMessageQueue.createPrivate().removeOnClose().close());
        }
        // An option named before the call: the enum's first constant checks (its later uses
        // get the JVM's NoClassDefFoundError, with this error as the cause).
        report("memfd", () -> Memfd.create("native-access", 4096, EnumSet.of(MemfdOption.ALLOW_SEALING)).close());
    }

    private interface Use {
        void run() throws Exception;
    }

    private static void report(String use, Use body) {
        try {
            body.run();
            Peer.println(use + " ok");
        } catch (Throwable t) {
            Peer.println(use + " " + t.getClass().getName() + ": " + String.valueOf(t.getMessage()).replace('\n', ' '));
        }
    }
}
