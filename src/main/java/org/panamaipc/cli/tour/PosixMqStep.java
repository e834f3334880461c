package org.panamaipc.cli.tour;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.mq.PosixMessageQueue.Access;
import org.panamaipc.mq.PriorityMessage;

/** POSIX message queues: one queue each way; the peer answers with the request's priority. */
final class PosixMqStep implements TourStep {
    static final int ROUNDS = 200;
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Override
    public String id() {
        return "mq";
    }

    @Override
    public String mechanism() {
        return "POSIX message queue";
    }

    @Override
    public Exchange lead(Peer peer, Scratch scratch) throws Exception {
        String there = scratch.name("mq-to-peer");
        String back = scratch.name("mq-from-peer");
        long[] nanos = new long[ROUNDS];
        try (PosixMessageQueue out = PosixMessageQueue.create(there, 8, Rounds.SIZE)) {
            scratch.onCleanup(() -> PosixMessageQueue.unlinkIfExists(there));
            try (PosixMessageQueue in = PosixMessageQueue.create(back, 8, Rounds.SIZE)) {
                scratch.onCleanup(() -> PosixMessageQueue.unlinkIfExists(back));
                peer.start(this, there, back);
                for (int i = 0; i < ROUNDS; i++) {
                    byte[] payload = Rounds.payload(i);
                    int priority = i % 32;
                    long t0 = System.nanoTime();
                    out.send(payload, priority);
                    PriorityMessage reply = in.receive(TIMEOUT);
                    nanos[i] = System.nanoTime() - t0;
                    if (reply == null) {
                        return Exchange.failed(what(), nanos, "round " + i + ": no answer within " + TIMEOUT.toSeconds() + " s");
                    }
                    if (!Rounds.isAnswer(payload, reply.data()) || reply.priority() != priority) {
                        return Exchange.failed(what(), nanos, "round " + i + ": wrong answer");
                    }
                }
            }
        }
        peer.finish();
        return Exchange.verified(what(), nanos);
    }

    private static String what() {
        return ROUNDS + " round trips of " + Rounds.SIZE + "-byte messages with priorities";
    }

    @Override
    public void follow(List<String> args, PeerSide side) throws Exception {
        try (PosixMessageQueue in = PosixMessageQueue.open(args.get(0), Access.READ_ONLY);
             PosixMessageQueue out = PosixMessageQueue.open(args.get(1), Access.WRITE_ONLY)) {
            side.ready();
            for (int i = 0; i < ROUNDS; i++) {
                PriorityMessage m = in.receive(TIMEOUT);
                if (m == null) {
                    throw new IOException("no message " + i + " within " + TIMEOUT.toSeconds() + " s");
                }
                out.send(Rounds.answer(m.data()), m.priority());
            }
        }
    }
}
