package org.panamaipc.bench.socket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Fork;
import org.panamaipc.bench.infra.Jvm;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.bench.infra.RoundTripBenchmark;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixSocket;

/**
 * {@link SocketRoundTrip}'s stream case with both ends on virtual threads: the measuring
 * thread of the fork ({@link Jvm#VIRTUAL_THREADS}) and the peer's echo loop. A waiting
 * receive parks on the library's poller, as the JDK's {@code SocketChannel} parks on its own
 * ({@code jdk.JdkSocketChannelVirtualRoundTrip}, the baseline).
 */
@Fork(value = 1, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.VIRTUAL_THREADS})
public class SocketVirtualRoundTrip extends RoundTripBenchmark {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(Messages.ROUND_TRIP_BYTES, 8);
    private final Path[] paths = new Path[2];
    private UnixSocket socket;
    private long seq;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        Sockets.Connection c = Sockets.connect(placement, SocketType.STREAM, "echo", paths);
        socket = c.socket();
        return c.peer();
    }

    @Override
    protected long exchange() throws Exception {
        buf.set(ValueLayout.JAVA_LONG, 0, ++seq);
        Sockets.sendFully(socket, buf, true);
        Sockets.receiveFully(socket, buf, true);
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
