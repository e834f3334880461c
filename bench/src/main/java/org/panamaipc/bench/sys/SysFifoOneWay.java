package org.panamaipc.bench.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.Names;
import org.panamaipc.bench.infra.OneWayBenchmark;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.internal.Sys;

/**
 * One-way throughput of 64-byte messages through a FIFO with {@code Sys.write}, to a peer JVM
 * reading them with {@code Sys.read}. C: {@code bench/c/fifo.c}.
 */
public class SysFifoOneWay extends OneWayBenchmark {
    private Path down;
    private Path up;
    private int out = -1;
    private int in = -1;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(Messages.ONE_WAY_BYTES, 8);
    private long seq;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        String name = Names.unique("sys-fifo");
        down = Path.of(System.getProperty("java.io.tmpdir"), name + "-down");
        up = Path.of(System.getProperty("java.io.tmpdir"), name + "-up");
        Fifos.make(down);
        Fifos.make(up);
        in = Fifos.openReadNonBlocking(up);
        Peer peer = Peer.jvm(placement, SysFifoPeer.class, "sink", down.toString(), up.toString());
        out = Fifos.openWrite(down);
        return peer;
    }

    @Override
    protected void send() {
        buf.set(ValueLayout.JAVA_LONG, 0, ++seq);
        long done = 0;
        while (done < Messages.ONE_WAY_BYTES) {
            long r = Sys.write(out, done == 0 ? buf : buf.asSlice(done), Messages.ONE_WAY_BYTES - done);
            if (r == -Sys.EINTR) {
                continue;
            }
            if (r <= 0) {
                throw new IllegalStateException("write: " + r);
            }
            done += r;
        }
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
