package org.panamaipc.cli.tour;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.panamaipc.lock.HeldLock;
import org.panamaipc.lock.LockKind;
import org.panamaipc.lock.LockMode;
import org.panamaipc.lock.LockableFile;

/**
 * File locks (open file description locks): while the tour holds the lock the peer is
 * refused, then blocks; the tour releases it and the peer, woken, says it has it.
 */
final class LockStep implements TourStep {
    static final int ROUNDS = 20;
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Override
    public String id() {
        return "lock";
    }

    @Override
    public String mechanism() {
        return "file lock (OFD)";
    }

    @Override
    public Exchange lead(Peer peer, Scratch scratch) throws Exception {
        Path path = scratch.path("tour.lock");
        long[] nanos = new long[ROUNDS];
        try (LockableFile file = LockableFile.openOrCreate(path)) {
            scratch.onCleanup(() -> Files.deleteIfExists(path));
            peer.start(this, path.toString());
            for (int i = 0; i < ROUNDS; i++) {
                HeldLock lock = file.lock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE);
                peer.send("take " + i);
                peer.expect("refused " + i);
                long t0 = System.nanoTime();
                lock.close();
                peer.expect("took " + i);
                nanos[i] = System.nanoTime() - t0;
                peer.expect("released " + i);
            }
            peer.send("end");
            peer.finish();
        }
        return Exchange.verified(ROUNDS + " hand-overs: peer refused while held, woken on release; time release to peer's word", nanos);
    }

    @Override
    public void follow(List<String> args, PeerSide side) throws Exception {
        try (LockableFile file = LockableFile.open(Path.of(args.get(0)))) {
            side.ready();
            for (String line; !(line = side.hear()).equals("end"); ) {
                String round = line.substring("take ".length());
                HeldLock early = file.tryLock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE);
                if (early != null) {
                    early.close();
                    throw new IOException("round " + round + ": got the lock while the tour held it");
                }
                side.say("refused " + round);
                try (HeldLock lock = file.lock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE, 0, 0, TIMEOUT)) {
                    if (lock == null) {
                        throw new IOException("round " + round + ": the lock was not released within " + TIMEOUT.toSeconds() + " s");
                    }
                    side.say("took " + round);
                }
                side.say("released " + round);
            }
        }
    }
}
