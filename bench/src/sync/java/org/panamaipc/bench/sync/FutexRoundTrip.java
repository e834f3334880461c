package org.panamaipc.bench.sync;

import java.io.IOException;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.bench.infra.RoundTripBenchmark;
import org.panamaipc.sync.Futex;

/**
 * Shared futexes, round trip: two words in a shared memory object ({@code Futex.of});
 * each side sets the other's word to 1 and {@code wake(1)}s it, then {@code await(0)}s
 * while its own word is 0 and clears it: a binary semaphore, as in C.
 * C: {@code bench/c/futex.c} ({@code FUTEX_WAIT}/{@code FUTEX_WAKE}, not private).
 */
public class FutexRoundTrip extends RoundTripBenchmark {
    private SharedObject shared;
    private Futex ping;
    private Futex pong;
    private long seq;

    /** Raises the word and wakes one waiter. */
    static void give(Futex word) throws IOException {
        word.set(1);
        word.wake(1);
    }

    /** Waits while the word is 0, then clears it. */
    static void take(Futex word) throws IOException {
        while (word.value() == 0) {
            word.await(0);
        }
        word.set(0);
    }

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        shared = new SharedObject();
        ping = Futex.of(shared.segment(), SyncLayout.FIRST);
        pong = Futex.of(shared.segment(), SyncLayout.SECOND);
        return Peer.jvm(placement, SyncPeer.class, "futex", shared.name);
    }

    @Override
    protected long exchange() throws Exception {
        give(ping);
        take(pong);
        return ++seq;
    }

    @Override
    protected void tearDown() throws Exception {
        if (shared != null) {
            shared.close();
        }
    }
}
