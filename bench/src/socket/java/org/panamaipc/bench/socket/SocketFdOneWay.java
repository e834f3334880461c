package org.panamaipc.bench.socket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.openjdk.jmh.annotations.Param;
import org.panamaipc.OwnedFd;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.OneWayBenchmark;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixSocket;

/**
 * Descriptor passing, one way: {@code sendDescriptors} of 1-byte messages carrying
 * {@code fds} descriptors of /dev/null; the peer JVM receives and closes them and
 * acknowledges every {@link Messages#FD_ACK_EVERY} messages (window {@link Messages#FD_WINDOW},
 * as {@code bench/c/scm_rights.c}). Score: ns per message (the report divides by {@code fds}).
 */
public class SocketFdOneWay extends OneWayBenchmark {
    /** Descriptors per message. */
    @Param({"1", "16"})
    public int fds;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment one = arena.allocate(1);
    private final MemorySegment ack = arena.allocate(1);
    private final Path[] paths = new Path[2];
    private OwnedFd devNull;
    private List<OwnedFd> outbound;
    private UnixSocket socket;
    private long sent;
    private long acked;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        devNull = DevNull.open();
        outbound = Collections.nCopies(fds, devNull);
        Sockets.Connection c = Sockets.connect(placement, SocketType.STREAM, "fds-sink", paths, Integer.toString(fds));
        socket = c.socket();
        return c.peer();
    }

    @Override
    protected void send() throws Exception {
        if (sent - acked >= Messages.FD_WINDOW) {
            Sockets.receiveFully(socket, ack, true);
            acked += Messages.FD_ACK_EVERY;
        }
        socket.sendDescriptors(one, outbound);
        sent++;
    }

    @Override
    protected void tearDown() throws Exception {
        if (socket != null) {
            socket.close();
        }
        if (devNull != null) {
            devNull.close();
        }
        for (Path p : paths) {
            if (p != null) {
                Files.deleteIfExists(p);
            }
        }
        arena.close();
    }
}
