package org.panamaipc.bench.process;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.panamaipc.OwnedFd;
import org.panamaipc.bench.infra.PeerSupport;
import org.panamaipc.pipe.PipeSink;
import org.panamaipc.pipe.PipeSource;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.SharedMemory;

/**
 * Peer of {@link Transfer}: owns a buffer of SIZE bytes (touched, filled) and hands it over the
 * way its mode says. Reads requests on descriptor 3, writes on descriptor 4; first writes the
 * ready token and the buffer's address (16 bytes) on 4.
 *
 * <ul>
 * <li>{@code cma SIZE}: nothing more; the benchmark reads the buffer in place. Ends at end of
 *     input on 3.</li>
 * <li>{@code shm SIZE NAME}: for each 1-byte request on 3, copies the buffer into the shared
 *     memory object NAME and answers 1 byte on 4.</li>
 * <li>{@code pipe SIZE}: writes the buffer on 4 over and over until the reader closes it.</li>
 * </ul>
 */
public final class TransferPeer {
    static final long READY = 0x5245414459L; // "READY"

    private TransferPeer() {
    }

    /**
     * Runs the peer.
     *
     * @param args the mode, the size and (for {@code shm}) the object's name
     * @throws Exception on a failure, which ends the peer
     */
    public static void main(String[] args) throws Exception {
        PeerSupport.run(() -> serve(args));
    }

    private static void serve(String[] args) throws IOException {
        String mode = args[0];
        int size = Integer.parseInt(args[1]);
        PipeSource in = PipeSource.adopt(OwnedFd.adopt(3));
        PipeSink out = PipeSink.adopt(OwnedFd.adopt(4));
        MemorySegment buf = Arena.global().allocate(size, 64);
        for (long i = 0; i < size; i += 8) {
            buf.set(ValueLayout.JAVA_LONG, i, i * 0x9E3779B97F4A7C15L);
        }
        MemorySegment hello = Arena.global().allocate(16, 8);
        hello.set(ValueLayout.JAVA_LONG, 0, READY);
        hello.set(ValueLayout.JAVA_LONG, 8, buf.address());
        writeFully(out, hello);
        MemorySegment one = Arena.global().allocate(1);
        switch (mode) {
            case "cma" -> {
                while (in.read(one) > 0) {
                    // nothing asked: the buffer is read in place
                }
            }
            case "shm" -> {
                try (SharedMemory shm = SharedMemory.open(args[2]); Mapping m = shm.map()) {
                    MemorySegment shared = m.segment();
                    while (in.read(one) > 0) {
                        MemorySegment.copy(buf, 0, shared, 0, size);
                        out.write(one);
                    }
                }
            }
            case "pipe" -> {
                try {
                    while (true) {
                        writeFully(out, buf);
                    }
                } catch (IOException readerGone) {
                    // EPIPE: the benchmark closed its end
                }
            }
            default -> throw new IllegalArgumentException(mode);
        }
    }

    static void writeFully(PipeSink out, MemorySegment buf) throws IOException {
        long done = 0;
        while (done < buf.byteSize()) {
            done += out.write(buf.asSlice(done));
        }
    }
}
