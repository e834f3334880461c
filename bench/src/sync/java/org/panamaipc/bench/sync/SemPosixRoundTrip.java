package org.panamaipc.bench.sync;

import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.bench.infra.RoundTripBenchmark;
import org.panamaipc.sync.UnnamedSemaphore;

/**
 * POSIX semaphores, round trip: two {@code UnnamedSemaphore}s in a shared memory object;
 * {@code release()} the peer's, {@code acquire()} our own, the peer JVM the reverse.
 * C: {@code bench/c/sem_posix.c} ({@code sem_init(pshared=1)}, {@code sem_post}/{@code sem_wait}).
 */
public class SemPosixRoundTrip extends RoundTripBenchmark {
    private SharedObject shared;
    private UnnamedSemaphore ping;
    private UnnamedSemaphore pong;
    private long seq;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        shared = new SharedObject();
        ping = UnnamedSemaphore.initialize(shared.segment(), SyncLayout.FIRST, 0);
        pong = UnnamedSemaphore.initialize(shared.segment(), SyncLayout.SECOND, 0);
        return Peer.jvm(placement, SyncPeer.class, "semPosix", shared.name);
    }

    @Override
    protected long exchange() throws Exception {
        ping.release();
        pong.acquire();
        return ++seq;
    }

    @Override
    protected void tearDown() throws Exception {
        if (shared != null) {
            shared.close(); // the peer ends afterwards; its mapping keeps the memory alive
        }
    }
}
