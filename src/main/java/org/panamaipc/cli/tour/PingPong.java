package org.panamaipc.cli.tour;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import org.panamaipc.shm.SharedAtomics;

/**
 * Round trips through shared memory with no system call: the leader writes a payload and
 * publishes its round number with a release store; the peer, spinning on an acquire load,
 * answers the same way.
 *
 * <pre>
 *   0   long  request round (leader writes, release)
 *   8   long  answer round  (peer writes, release)
 *   64  byte[64] request payload
 *   128 byte[64] answer payload
 * </pre>
 */
final class PingPong {
    static final long SIZE = 4096;
    static final int ROUNDS = 2000;
    private static final long REQUEST_ROUND = 0;
    private static final long ANSWER_ROUND = 8;
    private static final long REQUEST = 64;
    private static final long ANSWER = 128;
    private static final long TIMEOUT_NANOS = 10_000_000_000L;

    private PingPong() {
    }

    static Exchange lead(MemorySegment s, String what) throws IOException {
        long[] nanos = new long[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            byte[] payload = Rounds.payload(i);
            long t0 = System.nanoTime();
            Rounds.put(s, REQUEST, payload);
            SharedAtomics.putLongRelease(s, REQUEST_ROUND, i + 1);
            await(s, ANSWER_ROUND, i + 1);
            byte[] reply = Rounds.bytes(s, ANSWER, Rounds.SIZE);
            nanos[i] = System.nanoTime() - t0;
            if (!Rounds.isAnswer(payload, reply)) {
                return Exchange.failed(what, nanos, "round " + i + ": wrong answer");
            }
        }
        return Exchange.verified(what, nanos);
    }

    static void follow(MemorySegment s) throws IOException {
        for (int i = 0; i < ROUNDS; i++) {
            await(s, REQUEST_ROUND, i + 1);
            Rounds.put(s, ANSWER, Rounds.answer(Rounds.bytes(s, REQUEST, Rounds.SIZE)));
            SharedAtomics.putLongRelease(s, ANSWER_ROUND, i + 1);
        }
    }

    /** Spins until the long at {@code offset} is {@code round}; yields now and then, for two cores are few. */
    private static void await(MemorySegment s, long offset, long round) throws IOException {
        long start = System.nanoTime();
        for (int spins = 0; SharedAtomics.getLongAcquire(s, offset) != round; spins++) {
            if ((spins & 0xFF) == 0xFF) {
                Thread.yield();
                if (System.nanoTime() - start > TIMEOUT_NANOS) {
                    throw new IOException("round " + round + " did not come within 10 s");
                }
            } else {
                Thread.onSpinWait();
            }
        }
    }
}
