package org.panamaipc.bench.socket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.openjdk.jmh.annotations.Param;
import org.panamaipc.OwnedFd;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.bench.infra.RoundTripBenchmark;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixSocket;

/**
 * Descriptor passing, round trip: {@code sendDescriptors} of a 1-byte message carrying
 * {@code fds} descriptors of /dev/null over a stream socket; the peer JVM receives them with
 * {@code receiveMessage}, closes them and answers one byte. C: {@code bench/c/scm_rights.c}.
 */
public class SocketFdRoundTrip extends RoundTripBenchmark {
    /** Descriptors per message. */
    @Param({"1", "16"})
    public int fds;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment one = arena.allocate(1);
    private final Path[] paths = new Path[2];
    private OwnedFd devNull;
    private List<OwnedFd> outbound;
    private UnixSocket socket;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        devNull = DevNull.open();
        outbound = Collections.nCopies(fds, devNull);
        Sockets.Connection c = Sockets.connect(placement, SocketType.STREAM, "fds-echo", paths, Integer.toString(fds));
        socket = c.socket();
        return c.peer();
    }

    @Override
    protected long exchange() throws Exception {
        socket.sendDescriptors(one, outbound);
        Sockets.receiveFully(socket, one, true);
        return one.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0);
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
