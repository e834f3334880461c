package org.panamaipc.bench.sync;

import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.bench.infra.RoundTripBenchmark;
import org.panamaipc.sync.SemaphoreOps;
import org.panamaipc.sync.SysVSemaphoreSet;

/**
 * System V semaphores, round trip: a private set of two ({@code SysVSemaphoreSet.createPrivate(2)}),
 * {@code operate(SemaphoreOps)} with operation lists built once: +1 on the peer's, -1 on
 * ours; the peer JVM opens the set by id and does the reverse. Removed at tear-down.
 * C: {@code bench/c/sem_sysv.c} ({@code semop} ±1).
 */
public class SemSysVRoundTrip extends RoundTripBenchmark {
    private final SemaphoreOps givePing = SemaphoreOps.of(0, 1);
    private final SemaphoreOps takePong = SemaphoreOps.of(1, -1);
    private SysVSemaphoreSet set;
    private long seq;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        set = SysVSemaphoreSet.createPrivate(2);
        return Peer.jvm(placement, SyncPeer.class, "semSysV", Integer.toString(set.id()));
    }

    @Override
    protected long exchange() throws Exception {
        set.operate(givePing);
        set.operate(takePong);
        return ++seq;
    }

    @Override
    protected void tearDown() throws Exception {
        if (set != null) {
            set.remove();
            set.close();
        }
    }
}
