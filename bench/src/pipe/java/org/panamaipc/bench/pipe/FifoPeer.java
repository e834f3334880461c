package org.panamaipc.bench.pipe;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.PeerSupport;
import org.panamaipc.pipe.Fifo;
import org.panamaipc.pipe.PipeSink;
import org.panamaipc.pipe.PipeSource;

/**
 * Peer of the FIFO benchmarks: announces itself, then opens the FIFOs (each open waits for
 * the benchmark's), and echoes 8-byte messages ({@code echo}) or drains messages of the
 * given size ({@code sink ... SIZE}) until end of input.
 */
public final class FifoPeer {
    private FifoPeer() {
    }

    /**
     * Runs the peer.
     *
     * @param args {@code echo downPath upPath} or {@code sink downPath upPath SIZE}
     * @throws IOException on a FIFO error
     */
    public static void main(String[] args) throws IOException {
        boolean echo = args[0].equals("echo");
        PeerSupport.ready();
        PipeSource in = Fifo.openForReading(Path.of(args[1]), Duration.ofSeconds(60));
        PipeSink out = Fifo.openForWriting(Path.of(args[2]), Duration.ofSeconds(60));
        MemorySegment buf = Arena.global().allocate(echo ? Messages.ROUND_TRIP_BYTES : Integer.parseInt(args[3]), 8);
        while (Streams.readFully(in, buf)) {
            if (echo) {
                Streams.writeFully(out, buf);
            }
        }
        out.close();
    }
}
