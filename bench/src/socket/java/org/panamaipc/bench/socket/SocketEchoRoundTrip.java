package org.panamaipc.bench.socket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.bench.infra.RoundTripBenchmark;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixSocket;

/**
 * A round trip over a Unix socket to the echo peer: {@code send(MemorySegment)} of 8 bytes
 * and {@code receive(MemorySegment)} of the answer, on a socket of the type the subclass names.
 */
public abstract class SocketEchoRoundTrip extends RoundTripBenchmark {
    /** {@return the type of socket to measure} */
    abstract SocketType socketType();

    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(Messages.ROUND_TRIP_BYTES, 8);
    private final Path[] paths = new Path[2];
    private UnixSocket socket;
    private boolean stream;
    private long seq;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        SocketType t = socketType();
        stream = t == SocketType.STREAM;
        Sockets.Connection c = Sockets.connect(placement, t, "echo", paths);
        socket = c.socket();
        return c.peer();
    }

    @Override
    protected long exchange() throws Exception {
        buf.set(ValueLayout.JAVA_LONG, 0, ++seq);
        Sockets.sendFully(socket, buf, stream);
        Sockets.receiveFully(socket, buf, stream);
        return buf.get(ValueLayout.JAVA_LONG, 0);
    }

    @Override
    protected void tearDown() throws Exception {
        if (socket != null) {
            socket.close();
        }
        for (Path p : paths) {
            if (p != null) {
                Files.deleteIfExists(p);
            }
        }
        arena.close();
    }
}
