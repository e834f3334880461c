package org.panamaipc.cli.tour;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.panamaipc.pipe.Fifo;
import org.panamaipc.pipe.PipeSink;
import org.panamaipc.pipe.PipeSource;

/** FIFOs: one named pipe each way between the tour and the peer. */
final class FifoStep implements TourStep {
    static final int ROUNDS = 200;
    static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);

    @Override
    public String id() {
        return "fifo";
    }

    @Override
    public String mechanism() {
        return "FIFO (named pipe)";
    }

    @Override
    public Exchange lead(Peer peer, Scratch scratch) throws Exception {
        Path there = scratch.path("to-peer.fifo");
        Path back = scratch.path("from-peer.fifo");
        Fifo.create(there);
        scratch.onCleanup(() -> Files.deleteIfExists(there));
        Fifo.create(back);
        scratch.onCleanup(() -> Files.deleteIfExists(back));
        peer.start(this, there.toString(), back.toString());
        long[] nanos = new long[ROUNDS];
        try (PipeSink out = Fifo.openForWriting(there, OPEN_TIMEOUT);
             PipeSource in = Fifo.openForReading(back, OPEN_TIMEOUT)) {
            byte[] reply = new byte[Rounds.SIZE];
            for (int i = 0; i < ROUNDS; i++) {
                byte[] payload = Rounds.payload(i);
                long t0 = System.nanoTime();
                Rounds.writeFully(out::write, payload);
                Rounds.readFully(in::read, reply);
                nanos[i] = System.nanoTime() - t0;
                if (!Rounds.isAnswer(payload, reply)) {
                    return Exchange.failed(what(), nanos, "round " + i + ": wrong answer");
                }
            }
        }
        peer.finish();
        return Exchange.verified(what(), nanos);
    }

    private static String what() {
        return ROUNDS + " round trips of " + Rounds.SIZE + "-byte messages";
    }

    @Override
    public void follow(List<String> args, PeerSide side) throws Exception {
        side.ready();
        try (PipeSource in = Fifo.openForReading(Path.of(args.get(0)), OPEN_TIMEOUT);
             PipeSink out = Fifo.openForWriting(Path.of(args.get(1)), OPEN_TIMEOUT)) {
            byte[] b = new byte[Rounds.SIZE];
            for (int i = 0; i < ROUNDS; i++) {
                Rounds.readFully(in::read, b);
                Rounds.writeFully(out::write, Rounds.answer(b));
            }
        }
    }
}
