package org.panamaipc.bench.pipe;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.process.ChildProcess;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.pipe.PipeSink;
import org.panamaipc.pipe.PipeSource;

/**
 * The peer of the anonymous-pipe benchmarks, started with the library's own
 * {@code ChildProcess} so that it inherits one pipe's read end as descriptor 3 and another
 * pipe's write end as descriptor 4 (the children of {@code Peer} cannot be handed
 * descriptors). It announces itself with one 8-byte token on descriptor 4 and exits at end
 * of input on descriptor 3, which closing {@link #requests()} causes.
 */
final class PipeChild implements AutoCloseable {
    static final long READY = 0x5245414459L; // "READY"

    private final Pipe requests;
    private final Pipe answers;
    private final ChildProcess child;

    PipeChild(Placement placement, String... peerArgs) throws IOException {
        requests = Pipe.open();
        answers = Pipe.open();
        child = ChildProcess.builder(Peer.pinnedJvmCommand(placement, PipePeer.class, peerArgs))
                .mapFd(3, requests.source())
                .mapFd(4, answers.sink())
                .start();
        requests.source().close();
        answers.sink().close();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment token = arena.allocate(8, 8);
            long got = 0;
            while (got < 8) {
                long r = answers.source().read(token.asSlice(got), Duration.ofSeconds(60));
                if (r <= 0) {
                    throw new EOFException("pipe peer did not become ready");
                }
                got += r;
            }
            if (token.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0) != READY) {
                throw new IOException("pipe peer sent a wrong ready token");
            }
        }
    }

    PipeSink requests() {
        return requests.sink();
    }

    PipeSource answers() {
        return answers.source();
    }

    @Override
    public void close() throws IOException {
        requests.close();
        try {
            if (child.waitFor(Duration.ofSeconds(10)) == null) {
                child.kill();
            }
        } finally {
            answers.close();
            child.close();
        }
    }
}
