package org.panamaipc.cli.tour;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.panamaipc.channel.Channel;
import org.panamaipc.channel.ChannelKind;
import org.panamaipc.channel.ChannelMessage;
import org.panamaipc.channel.ChannelReader;
import org.panamaipc.channel.ChannelWriter;

/**
 * Channels: two one-to-one rings in POSIX shared memory, requests one way and answers the
 * other; each reader parks on the ring's futex until the writer's record wakes it.
 */
final class ChannelStep implements TourStep {
    static final int ROUNDS = 500;
    static final int CAPACITY = 64 * 1024;
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int TYPE = 1;

    @Override
    public String id() {
        return "channel";
    }

    @Override
    public String mechanism() {
        return "channel (shared-memory ring)";
    }

    @Override
    public Exchange lead(Peer peer, Scratch scratch) throws Exception {
        String requests = scratch.name("chreq");
        String answers = scratch.name("chans");
        long[] nanos = new long[ROUNDS];
        try (Channel out = Channel.create(requests, ChannelKind.ONE_TO_ONE, CAPACITY)) {
            scratch.onCleanup(() -> Channel.unlink(requests));
            try (Channel in = Channel.create(answers, ChannelKind.ONE_TO_ONE, CAPACITY)) {
                scratch.onCleanup(() -> Channel.unlink(answers));
                try (ChannelWriter w = out.writer(); ChannelReader r = in.reader()) {
                    peer.start(this, requests, answers);
                    for (int i = 0; i < ROUNDS; i++) {
                        byte[] payload = Rounds.payload(i);
                        long t0 = System.nanoTime();
                        w.send(TYPE, payload);
                        ChannelMessage reply = receive(r, i);
                        nanos[i] = System.nanoTime() - t0;
                        if (!Rounds.isAnswer(payload, reply.payload())) {
                            return Exchange.failed(what(), nanos, "round " + i + ": wrong answer");
                        }
                    }
                }
            }
        }
        peer.finish();
        return Exchange.verified(what(), nanos);
    }

    private static String what() {
        return ROUNDS + " round trips of " + Rounds.SIZE + "-byte records over two rings, readers parked";
    }

    private static ChannelMessage receive(ChannelReader r, int round) throws IOException {
        ChannelMessage m = r.receive(TIMEOUT);
        if (m == null) {
            throw new IOException("round " + round + " did not come within " + TIMEOUT.toSeconds() + " s");
        }
        return m;
    }

    @Override
    public void follow(List<String> args, PeerSide side) throws Exception {
        try (Channel in = Channel.open(args.get(0));
             Channel out = Channel.open(args.get(1));
             ChannelReader r = in.reader();
             ChannelWriter w = out.writer()) {
            side.ready();
            for (int i = 0; i < ROUNDS; i++) {
                w.send(TYPE, Rounds.answer(receive(r, i).payload()));
            }
        }
    }
}
