package org.panamaipc.socket;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import org.panamaipc.OwnedFd;
import org.panamaipc.shm.MapMode;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.Memfd;

/**
 * A peer JVM for {@link DescriptorKindTest}, run as a user who may not open the file it is
 * passed: receives one descriptor on the abstract address of its argument, tells its kind,
 * tries {@link OwnedFd#toFileChannel()} (which opens the file again, and is refused), then
 * maps the descriptor itself, which works. One line per step.
 */
public final class UnprivilegedReceiverPeer {
    private UnprivilegedReceiverPeer() {
    }

    /**
     * Runs the peer.
     *
     * @param args the abstract socket name to connect to
     * @throws Exception if a step other than the reopening fails
     */
    public static void main(String[] args) throws Exception {
        try (UnixSocket s = UnixSocket.connect(SocketType.STREAM, AbstractSocketAddress.of(args[0]));
             Arena arena = Arena.ofConfined();
             ReceivedMessage m = s.receiveMessage(arena.allocate(1), 1)) {
            OwnedFd fd = m.descriptors().getFirst();
            System.out.println("kind " + fd.kind());
            try (FileChannel channel = fd.toFileChannel()) {
                System.out.println("reopened " + channel.size());
            } catch (AccessDeniedException e) {
                System.out.println("denied " + e.getMessage());
            }
            System.out.println("still open " + fd.isOpen());
            try (Memfd memory = Memfd.adopt(fd); Mapping map = memory.map(MapMode.READ_ONLY)) {
                System.out.println("mapped " + new String(map.segment().toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8));
            }
        }
    }
}
