package org.panamaipc.bench.pipe;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.Names;
import org.panamaipc.bench.infra.OneWayBenchmark;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.pipe.Fifo;
import org.panamaipc.pipe.PipeSink;
import org.panamaipc.pipe.PipeSource;

/**
 * FIFOs, one way: 64-byte {@code write(MemorySegment)} to a peer JVM reading them.
 * C: {@code bench/c/fifo.c}.
 */
public class FifoOneWay extends OneWayBenchmark {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(Messages.ONE_WAY_BYTES, 8);
    private Path down;
    private Path up;
    private PipeSink out;
    private PipeSource in;
    private long seq;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        down = Names.tempPath("fifo");
        up = Names.tempPath("fifo");
        Fifo.create(down);
        Fifo.create(up);
        Peer peer = Peer.jvm(placement, FifoPeer.class, "sink", down.toString(), up.toString());
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
