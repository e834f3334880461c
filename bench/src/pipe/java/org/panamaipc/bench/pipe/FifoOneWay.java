package org.panamaipc.bench.pipe;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openjdk.jmh.annotations.Param;
import org.panamaipc.bench.infra.Names;
import org.panamaipc.bench.infra.OneWayBenchmark;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.pipe.Fifo;
import org.panamaipc.pipe.PipeSink;
import org.panamaipc.pipe.PipeSource;

/**
 * FIFOs, one way: {@code size}-byte {@code write(MemorySegment)} to a peer JVM reading them.
 * C: {@code bench/c/fifo.c} ({@code tput}, {@code tput.65536}).
 */
public class FifoOneWay extends OneWayBenchmark {
    private final Arena arena = Arena.ofShared();
    private MemorySegment buf;
    private Path down;
    private Path up;
    private PipeSink out;
    private PipeSource in;
    private long seq;

    /** Bytes per message: 64, or 65536 (a whole pipe buffer). */
    @Param({"64", "65536"})
    public int size;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        buf = arena.allocate(size, 8);
        down = Names.tempPath("fifo");
        up = Names.tempPath("fifo");
        Fifo.create(down);
        Fifo.create(up);
        Peer peer = Peer.jvm(placement, FifoPeer.class, "sink", down.toString(), up.toString(),
                Integer.toString(size));
        out = Fifo.openForWriting(down, Duration.ofSeconds(60));
        in = Fifo.openForReading(up, Duration.ofSeconds(60));
        return peer;
    }

    @Override
    protected void send() throws Exception {
        buf.set(ValueLayout.JAVA_LONG, 0, ++seq);
        Streams.writeFully(out, buf);
    }

    @Override
    protected void tearDown() throws Exception {
        if (out != null) {
            out.close();
        }
        if (in != null) {
            in.close();
        }
        if (down != null) {
            Files.deleteIfExists(down);
            Files.deleteIfExists(up);
        }
        arena.close();
    }
}
