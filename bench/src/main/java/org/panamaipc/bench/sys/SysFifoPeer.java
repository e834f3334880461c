package org.panamaipc.bench.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.PeerSupport;
import org.panamaipc.internal.Sys;

/**
 * Peer of the syscall-layer FIFO benchmarks: echoes 8-byte messages ({@code echo}) or reads
 * 64-byte messages ({@code sink}) with {@code Sys.read}/{@code Sys.write}, until the
 * benchmark closes its standard input.
 */
public final class SysFifoPeer {
    private SysFifoPeer() {
    }

    /**
     * Runs the peer until end of input.
     *
     * @param args {@code echo|sink downPath upPath}
     * @throws IOException when a FIFO cannot be opened
     */
    public static void main(String[] args) throws IOException {
        boolean echo = args[0].equals("echo");
        int in = Fifos.openReadWrite(Path.of(args[1]));
        int out = Fifos.openWrite(Path.of(args[2]));
        int size = echo ? Messages.ROUND_TRIP_BYTES : Messages.ONE_WAY_BYTES;
        MemorySegment buf = Arena.global().allocate(size, 8);
        PeerSupport.ready();
        while (true) {
            long got = 0;
            while (got < size) {
                long r = Sys.read(in, got == 0 ? buf : buf.asSlice(got), size - got);
                if (r == -Sys.EINTR) {
                    continue;
                }
                if (r <= 0) {
                    return;
                }
                got += r;
            }
            if (echo && Sys.write(out, buf, size) != size) {
                return;
            }
        }
    }
}
