package org.panamaipc.cli.tour;

import java.time.Duration;
import java.util.List;
import org.panamaipc.process.ChildProcess;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.process.ExitStatus;

/** Anonymous pipes: a {@code cat} child started with a pipe as its stdin and one as its stdout. */
final class PipeStep implements TourStep {
    static final int ROUNDS = 200;

    @Override
    public String id() {
        return "pipe";
    }

    @Override
    public String mechanism() {
        return "pipe (cat child)";
    }

    @Override
    public Exchange lead(Peer peer, Scratch scratch) throws Exception {
        long[] nanos = new long[ROUNDS];
        try (Pipe toCat = Pipe.open(); Pipe fromCat = Pipe.open();
             ChildProcess cat = ChildProcess.builder("cat")
                     .mapFd(0, toCat.source())
                     .mapFd(1, fromCat.sink())
                     .start()) {
            toCat.source().close();
            fromCat.sink().close();
            byte[] reply = new byte[Rounds.SIZE];
            for (int i = 0; i < ROUNDS; i++) {
                byte[] payload = Rounds.payload(i);
                long t0 = System.nanoTime();
                Rounds.writeFully(toCat.sink()::write, payload);
                Rounds.readFully(fromCat.source()::read, reply);
                nanos[i] = System.nanoTime() - t0;
                if (!java.util.Arrays.equals(payload, reply)) {
                    return Exchange.failed(what(), nanos, "round " + i + ": cat echoed other bytes");
                }
            }
            toCat.sink().close();
            ExitStatus status = cat.waitFor(Duration.ofSeconds(5));
            if (status == null || !status.exited() || status.code() != 0) {
                if (status == null) {
                    cat.kill();
                }
                return Exchange.failed(what(), nanos, "cat ended with " + status);
            }
        }
        return Exchange.verified(what(), nanos);
    }

    private static String what() {
        return ROUNDS + " round trips of " + Rounds.SIZE + " bytes through cat and back";
    }

    @Override
    public void follow(List<String> args, PeerSide side) {
        throw new UnsupportedOperationException("the pipe step's peer is cat");
    }
}
