package org.panamaipc.bench.pipe;

import java.io.EOFException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.Names;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.bench.infra.RoundTripBenchmark;
import org.panamaipc.pipe.Fifo;
import org.panamaipc.pipe.PipeSink;
import org.panamaipc.pipe.PipeSource;

/**
 * FIFOs, round trip: {@code Fifo.create}, {@code openForWriting}/{@code openForReading},
 * then 8-byte {@code write(MemorySegment)} / {@code read(MemorySegment)} with a peer JVM doing
 * the same. C: {@code bench/c/fifo.c}.
 */
public class FifoRoundTrip extends RoundTripBenchmark {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(Messages.ROUND_TRIP_BYTES, 8);
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
        Peer peer = Peer.jvm(placement, FifoPeer.class, "echo", down.toString(), up.toString());
        out = Fifo.openForWriting(down, Duration.ofSeconds(60));
        in = Fifo.openForReading(up, Duration.ofSeconds(60));
        return peer;
    }

    @Override
    protected long exchange() throws Exception {
        buf.set(ValueLayout.JAVA_LONG, 0, ++seq);
        Streams.writeFully(out, buf);
        if (!Streams.readFully(in, buf)) {
            throw new EOFException();
        }
        return buf.get(ValueLayout.JAVA_LONG, 0);
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
