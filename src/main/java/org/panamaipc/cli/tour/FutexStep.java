package org.panamaipc.cli.tour;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.SharedMemory;
import org.panamaipc.sync.Futex;

/**
 * Futexes: round numbers in two 32-bit words of shared memory; each side sleeps in the
 * kernel until the other bumps its word and wakes it, then reads the payload next to it.
 *
 * <pre>
 *   0   int  request round (futex the peer sleeps on)
 *   4   int  answer round  (futex the tour sleeps on)
 *   64  byte[64] request payload
 *   128 byte[64] answer payload
 * </pre>
 */
final class FutexStep implements TourStep {
    static final int ROUNDS = 500;
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Override
    public String id() {
        return "futex";
    }

    @Override
    public String mechanism() {
        return "futex (shared memory)";
    }

    @Override
    public Exchange lead(Peer peer, Scratch scratch) throws Exception {
        String name = scratch.name("futex");
        long[] nanos = new long[ROUNDS];
        try (SharedMemory shm = SharedMemory.create(name, 4096)) {
            scratch.onCleanup(() -> SharedMemory.unlinkIfExists(name));
            try (Mapping m = shm.map();
                 Futex request = Futex.of(m.segment(), 0);
                 Futex answer = Futex.of(m.segment(), 4)) {
                MemorySegment s = m.segment();
                peer.start(this, name);
                for (int i = 0; i < ROUNDS; i++) {
                    byte[] payload = Rounds.payload(i);
                    long t0 = System.nanoTime();
                    Rounds.put(s, 64, payload);
                    request.set(i + 1);
                    request.wake(1);
                    await(answer, i + 1);
                    byte[] reply = Rounds.bytes(s, 128, Rounds.SIZE);
                    nanos[i] = System.nanoTime() - t0;
                    if (!Rounds.isAnswer(payload, reply)) {
                        return Exchange.failed(what(), nanos, "round " + i + ": wrong answer");
                    }
                }
            }
        }
        peer.finish();
        return Exchange.verified(what(), nanos);
    }

    private static String what() {
        return ROUNDS + " wait/wake round trips with " + Rounds.SIZE + "-byte payloads";
    }

    /** Sleeps until the word is {@code round}; a wake-up can be spurious, so it re-checks. */
    private static void await(Futex word, int round) throws IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (int seen; (seen = word.value()) != round; ) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("round " + round + " did not come within " + TIMEOUT.toSeconds() + " s");
            }
            word.await(seen, Duration.ofNanos(left));
        }
    }

    @Override
    public void follow(List<String> args, PeerSide side) throws Exception {
        try (SharedMemory shm = SharedMemory.open(args.get(0));
             Mapping m = shm.map();
             Futex request = Futex.of(m.segment(), 0);
             Futex answer = Futex.of(m.segment(), 4)) {
            MemorySegment s = m.segment();
            side.ready();
            for (int i = 0; i < ROUNDS; i++) {
                await(request, i + 1);
                Rounds.put(s, 128, Rounds.answer(Rounds.bytes(s, 64, Rounds.SIZE)));
                answer.set(i + 1);
                answer.wake(1);
            }
        }
    }
}
