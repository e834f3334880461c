package org.panamaipc.cli.tour;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.panamaipc.sync.NamedSemaphore;

/** POSIX named semaphores: the tour posts "ping", the peer takes it and posts "pong". */
final class NamedSemaphoreStep implements TourStep {
    static final int ROUNDS = 500;
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Override
    public String id() {
        return "sem";
    }

    @Override
    public String mechanism() {
        return "POSIX named semaphore";
    }

    @Override
    public Exchange lead(Peer peer, Scratch scratch) throws Exception {
        String ping = scratch.name("sem-ping");
        String pong = scratch.name("sem-pong");
        long[] nanos = new long[ROUNDS];
        try (NamedSemaphore there = NamedSemaphore.create(ping, 0)) {
            scratch.onCleanup(() -> NamedSemaphore.unlinkIfExists(ping));
            try (NamedSemaphore back = NamedSemaphore.create(pong, 0)) {
                scratch.onCleanup(() -> NamedSemaphore.unlinkIfExists(pong));
                peer.start(this, ping, pong);
                for (int i = 0; i < ROUNDS; i++) {
                    long t0 = System.nanoTime();
                    there.release();
                    boolean answered = back.tryAcquire(TIMEOUT);
                    nanos[i] = System.nanoTime() - t0;
                    if (!answered) {
                        return Exchange.failed(what(), nanos, "round " + i + ": no post within " + TIMEOUT.toSeconds() + " s");
                    }
                }
                peer.finish();
                if (there.value() != 0 || back.value() != 0) {
                    return Exchange.failed(what(), nanos, "values " + there.value() + "/" + back.value() + " at the end, not 0/0");
                }
            }
        }
        return Exchange.verified(what() + ", both back at 0", nanos);
    }

    private static String what() {
        return ROUNDS + " post/wait round trips";
    }

    @Override
    public void follow(List<String> args, PeerSide side) throws Exception {
        try (NamedSemaphore ping = NamedSemaphore.open(args.get(0)); NamedSemaphore pong = NamedSemaphore.open(args.get(1))) {
            side.ready();
            for (int i = 0; i < ROUNDS; i++) {
                if (!ping.tryAcquire(TIMEOUT)) {
                    throw new IOException("round " + i + ": no post within " + TIMEOUT.toSeconds() + " s");
                }
                pong.release();
            }
        }
    }
}
