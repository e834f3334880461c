package org.panamaipc.bench.socket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Param;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.OneWayBenchmark;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixSocket;

/**
 * Unix domain sockets, one way: 64-byte {@code send(MemorySegment)} to a peer JVM receiving
 * 64-byte messages, for each socket type. C: {@code bench/c/unix.c}.
 */
public class SocketOneWay extends OneWayBenchmark {
    /** {@code stream}, {@code datagram} or {@code seqpacket}. */
    @Param({"stream", "datagram", "seqpacket"})
    public String type;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(Messages.ONE_WAY_BYTES, 8);
    private final Path[] paths = new Path[2];
    private UnixSocket socket;
    private boolean stream;
    private long seq;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        SocketType t = Sockets.type(type);
        stream = t == SocketType.STREAM;
        Sockets.Connection c = Sockets.connect(placement, t, "sink", paths);
        socket = c.socket();
        return c.peer();
    }

    @Override
    protected void send() throws Exception {
        buf.set(ValueLayout.JAVA_LONG, 0, ++seq);
        Sockets.sendFully(socket, buf, stream);
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
