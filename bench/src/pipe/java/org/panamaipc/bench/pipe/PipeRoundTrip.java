package org.panamaipc.bench.pipe;

import java.io.EOFException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.bench.infra.RoundTripBenchmark;

/**
 * Anonymous pipes, round trip: {@code PipeSink.write(MemorySegment)} of 8 bytes and
 * {@code PipeSource.read(MemorySegment)} of the answer, to a peer JVM started with
 * {@code ChildProcess} holding the other ends. C: {@code bench/c/pipe.c}.
 */
public class PipeRoundTrip extends RoundTripBenchmark {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(Messages.ROUND_TRIP_BYTES, 8);
    private PipeChild child;
    private long seq;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        child = new PipeChild(placement, "echo");
        return null;
    }

    @Override
    protected long exchange() throws Exception {
        buf.set(ValueLayout.JAVA_LONG, 0, ++seq);
        Streams.writeFully(child.requests(), buf);
        if (!Streams.readFully(child.answers(), buf)) {
            throw new EOFException();
        }
        return buf.get(ValueLayout.JAVA_LONG, 0);
    }

    @Override
    protected void tearDown() throws Exception {
        if (child != null) {
            child.close();
        }
        arena.close();
    }
}
