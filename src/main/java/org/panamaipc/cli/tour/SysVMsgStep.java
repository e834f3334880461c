package org.panamaipc.cli.tour;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.panamaipc.mq.SysVMessageQueue;
import org.panamaipc.mq.TypeFilter;
import org.panamaipc.mq.TypedMessage;

/** System V message queues: one private queue, type 1 to the peer and type 2 back. */
final class SysVMsgStep implements TourStep {
    static final int ROUNDS = 200;
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final long REQUEST = 1;
    static final long ANSWER = 2;

    @Override
    public String id() {
        return "msg";
    }

    @Override
    public String mechanism() {
        return "System V message queue";
    }

    @Override
    public Exchange lead(Peer peer, Scratch scratch) throws Exception {
        try (SysVMessageQueue q = SysVMessageQueue.createPrivate()) {
            try {
                return exchange(q, peer);
            } finally {
                q.remove();
            }
        }
    }

    private Exchange exchange(SysVMessageQueue q, Peer peer) throws Exception {
        long[] nanos = new long[ROUNDS];
        peer.start(this, Integer.toString(q.id()));
        TypeFilter answers = TypeFilter.exactly(ANSWER);
        for (int i = 0; i < ROUNDS; i++) {
            byte[] payload = Rounds.payload(i);
            long t0 = System.nanoTime();
            q.send(REQUEST, payload);
            TypedMessage reply = q.receive(answers, TIMEOUT);
            nanos[i] = System.nanoTime() - t0;
            if (reply == null) {
                return Exchange.failed(what(), nanos, "round " + i + ": no answer within " + TIMEOUT.toSeconds() + " s");
            }
            if (!Rounds.isAnswer(payload, reply.data())) {
                return Exchange.failed(what(), nanos, "round " + i + ": wrong answer");
            }
        }
        peer.finish();
        return Exchange.verified(what(), nanos);
    }

    private static String what() {
        return ROUNDS + " round trips of " + Rounds.SIZE + "-byte typed messages";
    }

    @Override
    public void follow(List<String> args, PeerSide side) throws Exception {
        try (SysVMessageQueue q = SysVMessageQueue.openId(Integer.parseInt(args.get(0)))) {
            side.ready();
            TypeFilter requests = TypeFilter.exactly(REQUEST);
            for (int i = 0; i < ROUNDS; i++) {
                TypedMessage m = q.receive(requests, TIMEOUT);
                if (m == null) {
                    throw new IOException("no message " + i + " within " + TIMEOUT.toSeconds() + " s");
                }
                q.send(ANSWER, Rounds.answer(m.data()));
            }
        }
    }
}
