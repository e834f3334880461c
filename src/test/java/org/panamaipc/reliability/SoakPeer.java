package org.panamaipc.reliability;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import org.panamaipc.OwnedFd;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.mq.SysVMessageQueue;
import org.panamaipc.pipe.Fifo;
import org.panamaipc.pipe.PipeSink;
import org.panamaipc.socket.AbstractSocketAddress;
import org.panamaipc.socket.ReceivedMessage;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixSocket;
import org.panamaipc.sync.EventFd;
import org.panamaipc.testing.Peer;

/**
 * The sending side of the soak: connects to the test's control socket (argument: its abstract
 * name), then for each line {@code MECHANISM COUNT [NAME]} on stdin sends COUNT checksummed
 * messages through that mechanism and prints {@code done MECHANISM}. Descriptors (a pipe's
 * write end, an eventfd, a socket) come over the control socket before the line.
 */
public final class SoakPeer {
    private SoakPeer() {
    }

    /**
     * Runs the peer.
     *
     * @param args the control socket's abstract name
     * @throws Exception on any failure: the test sees the peer die
     */
    public static void main(String[] args) throws Exception {
        try (UnixSocket control = UnixSocket.connect(SocketType.SEQPACKET, AbstractSocketAddress.of(args[0]));
             Arena arena = Arena.ofConfined()) {
            MemorySegment message = arena.allocate(Soak.MESSAGE_BYTES, 8);
            Peer.ready();
            for (String line = Peer.readLine(); line != null && !line.equals("exit"); line = Peer.readLine()) {
                String[] words = line.split(" ");
                String mechanism = words[0];
                long count = Long.parseLong(words[1]);
                switch (mechanism) {
                    case "pipe" -> {
                        try (PipeSink sink = PipeSink.adopt(received(control, arena))) {
                            for (long seq = 0; seq < count; seq++) {
                                Soak.write(message, seq);
                                sink.write(message);
                            }
                        }
                    }
                    case "fifo" -> {
                        try (PipeSink sink = Fifo.openForWriting(Path.of(words[2]))) {
                            for (long seq = 0; seq < count; seq++) {
                                Soak.write(message, seq);
                                sink.write(message);
                            }
                        }
                    }
                    case "posix-queue" -> {
                        try (PosixMessageQueue q = PosixMessageQueue.open(words[2], PosixMessageQueue.Access.WRITE_ONLY)) {
                            for (long seq = 0; seq < count; seq++) {
                                Soak.write(message, seq);
                                q.send(message, 0);
                            }
                        }
                    }
                    case "sysv-queue" -> {
                        try (SysVMessageQueue q = SysVMessageQueue.openId(Integer.parseInt(words[2]))) {
                            for (long seq = 0; seq < count; seq++) {
                                Soak.write(message, seq);
                                q.send(1, message);
                            }
                        }
                    }
                    case "eventfd" -> {
                        try (EventFd event = EventFd.adopt(received(control, arena), EventFd.Mode.COUNTER)) {
                            for (long seq = 0; seq < count; seq++) {
                                event.signal(seq + 1);
                            }
                        }
                    }
                    default -> { // stream, datagram, seqpacket: one end of a socket pair
                        try (UnixSocket socket = UnixSocket.adopt(received(control, arena))) {
                            for (long seq = 0; seq < count; seq++) {
                                Soak.write(message, seq);
                                long sent = 0;
                                while (sent < Soak.MESSAGE_BYTES) {
                                    sent += socket.send(message.asSlice(sent));
                                }
                            }
                        }
                    }
                }
                Peer.println("done " + mechanism);
            }
        }
    }

    /** {@return the descriptor that came with the next control message, owned by the caller} */
    private static OwnedFd received(UnixSocket control, Arena arena) throws Exception {
        try (ReceivedMessage m = control.receiveMessage(arena.allocate(64), 1)) {
            return m.descriptors().get(0).dup();
        }
    }
}
