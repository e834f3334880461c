package org.panamaipc.cli.tour;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.panamaipc.sync.SemaphoreOps;
import org.panamaipc.sync.SysVSemaphoreSet;

/** System V semaphores: a private set of two, semaphore 0 towards the peer and 1 back. */
final class SysVSemaphoreStep implements TourStep {
    static final int ROUNDS = 500;
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final SemaphoreOps POST_THERE = SemaphoreOps.of(0, 1);
    private static final SemaphoreOps TAKE_THERE = SemaphoreOps.of(0, -1);
    private static final SemaphoreOps POST_BACK = SemaphoreOps.of(1, 1);
    private static final SemaphoreOps TAKE_BACK = SemaphoreOps.of(1, -1);

    @Override
    public String id() {
        return "sysv-sem";
    }

    @Override
    public String mechanism() {
        return "System V semaphore set";
    }

    @Override
    public Exchange lead(Peer peer, Scratch scratch) throws Exception {
        long[] nanos = new long[ROUNDS];
        try (SysVSemaphoreSet set = SysVSemaphoreSet.createPrivate(2).removeOnClose()) {
            peer.start(this, Integer.toString(set.id()));
            for (int i = 0; i < ROUNDS; i++) {
                long t0 = System.nanoTime();
                set.operate(POST_THERE);
                boolean answered = set.operate(TAKE_BACK, TIMEOUT);
                nanos[i] = System.nanoTime() - t0;
                if (!answered) {
                    return Exchange.failed(what(), nanos, "round " + i + ": no post within " + TIMEOUT.toSeconds() + " s");
                }
            }
            peer.finish();
            if (set.lastPid(0) != peer.pid()) {
                return Exchange.failed(what(), nanos, "sempid of semaphore 0 is " + set.lastPid(0) + ", not the peer's");
            }
        }
        return Exchange.verified(what() + ", sempid shows the peer", nanos);
    }

    private static String what() {
        return ROUNDS + " semop round trips";
    }

    @Override
    public void follow(List<String> args, PeerSide side) throws Exception {
        try (SysVSemaphoreSet set = SysVSemaphoreSet.openId(Integer.parseInt(args.get(0)))) {
            side.ready();
            for (int i = 0; i < ROUNDS; i++) {
                if (!set.operate(TAKE_THERE, TIMEOUT)) {
                    throw new IOException("round " + i + ": no post within " + TIMEOUT.toSeconds() + " s");
                }
                set.operate(POST_BACK);
            }
        }
    }
}
