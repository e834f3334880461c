package org.panamaipc.bench.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.Names;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.bench.infra.RoundTripBenchmark;
import org.panamaipc.internal.Sys;

/**
 * The library's shared syscall layer on a kernel path: 8-byte ping-pong over two FIFOs with
 * {@code Sys.write} / {@code Sys.read} (blocking downcalls with errno capture) on both sides,
 * the peer a JVM doing the same. Every descriptor-based mechanism of the library is built on
 * these calls, so this is the floor their own benchmarks can be held to. C: {@code bench/c/fifo.c}.
 *
 * <p>The model of a mechanism benchmark: extend {@link RoundTripBenchmark}, set up and start
 * the peer, exchange one message, tear down.
 */
public class SysFifoRoundTrip extends RoundTripBenchmark {
    private Path down;
    private Path up;
    private int out = -1;
    private int in = -1;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(Messages.ROUND_TRIP_BYTES, 8);
    private long seq;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        String name = Names.unique("sys-fifo");
        down = Path.of(System.getProperty("java.io.tmpdir"), name + "-down");
        up = Path.of(System.getProperty("java.io.tmpdir"), name + "-up");
        Fifos.make(down);
        Fifos.make(up);
        in = Fifos.openReadNonBlocking(up);
        Peer peer = Peer.jvm(placement, SysFifoPeer.class, "echo", down.toString(), up.toString());
        out = Fifos.openWrite(down);
        Fifos.makeBlocking(in);
        return peer;
    }

    @Override
    protected long exchange() {
        buf.set(ValueLayout.JAVA_LONG, 0, ++seq);
        long w;
        while ((w = Sys.write(out, buf, Messages.ROUND_TRIP_BYTES)) == -Sys.EINTR) {
            // a signal: again (Sys leaves EINTR to its callers)
        }
        if (w != Messages.ROUND_TRIP_BYTES) {
            throw new IllegalStateException("write: " + w);
        }
        long got = 0;
        while (got < Messages.ROUND_TRIP_BYTES) {
            long r = Sys.read(in, got == 0 ? buf : buf.asSlice(got), Messages.ROUND_TRIP_BYTES - got);
            if (r == -Sys.EINTR) {
                continue;
            }
            if (r <= 0) {
                throw new IllegalStateException("read: " + r);
            }
            got += r;
        }
        return buf.get(ValueLayout.JAVA_LONG, 0);
    }

    @Override
    protected void tearDown() throws Exception {
        if (out >= 0) {
            Sys.close(out);
        }
        if (in >= 0) {
            Sys.close(in);
        }
        arena.close();
        if (down != null) {
            Files.deleteIfExists(down);
            Files.deleteIfExists(up);
        }
    }
}
