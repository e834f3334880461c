package org.panamaipc.bench.mq;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.PeerSupport;
import org.panamaipc.mq.PosixMessage;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.mq.SysVMessage;
import org.panamaipc.mq.SysVMessageQueue;
import org.panamaipc.mq.TypeFilter;

/**
 * Peer of the message-queue benchmarks: opens the queues the benchmark created and echoes
 * ({@code posix-echo}, {@code sysv-echo}) or drains ({@code posix-sink}, {@code sysv-sink})
 * until the benchmark closes its standard input.
 */
public final class MqPeer {
    /** Messages a POSIX queue holds: the default limit for unprivileged users, as in C. */
    static final long CAPACITY = 10;

    private MqPeer() {
    }

    /**
     * Runs the peer.
     *
     * @param args {@code mode down up [size]}: POSIX names or System V ids ({@code -} when
     *     unused), and for the sinks the bytes per message (default 64)
     * @throws Exception when a queue cannot be opened or used
     */
    public static void main(String[] args) throws Exception {
        PeerSupport.run(() -> serve(args));
    }

    private static void serve(String[] args) throws IOException {
        String mode = args[0];
        Arena arena = Arena.global();
        int size = args.length > 3 ? Integer.parseInt(args[3]) : Messages.ONE_WAY_BYTES;
        switch (mode) {
            case "posix-echo", "posix-sink" -> {
                boolean echo = mode.equals("posix-echo");
                PosixMessageQueue down = PosixMessageQueue.open(args[1], PosixMessageQueue.Access.READ_WRITE);
                PosixMessageQueue up = echo ? PosixMessageQueue.open(args[2], PosixMessageQueue.Access.READ_WRITE) : null;
                PosixMessage m = PosixMessage.allocate(arena, size);
                MemorySegment answer = m.buffer().asSlice(0, Messages.ROUND_TRIP_BYTES);
                PeerSupport.ready();
                while (true) {
                    down.receive(m);
                    if (echo) {
                        up.send(answer, 0);
                    }
                }
            }
            case "sysv-echo", "sysv-sink" -> {
                boolean echo = mode.equals("sysv-echo");
                SysVMessageQueue down = SysVMessageQueue.openId(Integer.parseInt(args[1]));
                SysVMessageQueue up = echo ? SysVMessageQueue.openId(Integer.parseInt(args[2])) : null;
                SysVMessage m = SysVMessage.allocate(arena, size);
                TypeFilter any = TypeFilter.any();
                PeerSupport.ready();
                while (true) {
                    down.receive(m, any);
                    if (echo) {
                        up.send(m);
                    }
                }
            }
            default -> throw new IllegalArgumentException("mode=" + mode);
        }
    }
}
