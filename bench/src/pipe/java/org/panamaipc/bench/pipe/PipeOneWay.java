package org.panamaipc.bench.pipe;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.OneWayBenchmark;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;

/**
 * Anonymous pipes, one way: 64-byte {@code PipeSink.write(MemorySegment)} to a peer JVM
 * started with {@code ChildProcess}, reading them. C: {@code bench/c/pipe.c}.
 */
public class PipeOneWay extends OneWayBenchmark {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(Messages.ONE_WAY_BYTES, 8);
    private PipeChild child;
    private long seq;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        child = new PipeChild(placement, "sink");
        return null;
    }

    @Override
    protected void send() throws Exception {
        buf.set(ValueLayout.JAVA_LONG, 0, ++seq);
        Streams.writeFully(child.requests(), buf);
    }

    @Override
    protected void tearDown() throws Exception {
        if (child != null) {
            child.close();
        }
        arena.close();
    }
}
