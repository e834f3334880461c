package org.panamaipc.bench.pipe;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.panamaipc.OwnedFd;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.PeerSupport;
import org.panamaipc.pipe.PipeSink;
import org.panamaipc.pipe.PipeSource;

/**
 * Peer of the pipe benchmarks ({@link PipeChild}): reads descriptor 3, answers on
 * descriptor 4; echoes 8-byte messages ({@code echo}) or drains messages of the given size
 * ({@code sink SIZE}) until end of input.
 */
public final class PipePeer {
    private PipePeer() {
    }

    /**
     * Runs the peer.
     *
     * @param args {@code echo} or {@code sink SIZE}
     * @throws Exception on a pipe error
     */
    public static void main(String[] args) throws Exception {
        PeerSupport.run(() -> serve(args));
    }

    private static void serve(String[] args) throws IOException {
        boolean echo = args[0].equals("echo");
        PipeSource in = PipeSource.adopt(OwnedFd.adopt(3));
        PipeSink out = PipeSink.adopt(OwnedFd.adopt(4));
        int size = echo ? Messages.ROUND_TRIP_BYTES : Integer.parseInt(args[1]);
        MemorySegment buf = Arena.global().allocate(size, 8);
        buf.set(ValueLayout.JAVA_LONG, 0, PipeChild.READY);
        out.write(buf.asSlice(0, 8));
        while (true) {
            if (!Streams.readFully(in, buf)) {
                return;
            }
            if (echo) {
                Streams.writeFully(out, buf);
            }
        }
    }
}
