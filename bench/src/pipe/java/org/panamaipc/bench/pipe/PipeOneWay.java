package org.panamaipc.bench.pipe;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.openjdk.jmh.annotations.Param;
import org.panamaipc.bench.infra.OneWayBenchmark;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;

/**
 * Anonymous pipes, one way: {@code size}-byte {@code PipeSink.write(MemorySegment)} to a
 * peer JVM started with {@code ChildProcess}, reading them. C: {@code bench/c/pipe.c}
 * ({@code tput}, {@code tput.65536}).
 */
public class PipeOneWay extends OneWayBenchmark {
    private final Arena arena = Arena.ofShared();
    private MemorySegment buf;
    private PipeChild child;
    private long seq;

    /** Bytes per message: 64, or 65536 (a whole pipe buffer). */
    @Param({"64", "65536"})
    public int size;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        buf = arena.allocate(size, 8);
        child = new PipeChild(placement, "sink", Integer.toString(size));
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
