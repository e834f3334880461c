package org.panamaipc.bench.sync;

import java.lang.foreign.MemorySegment;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.bench.infra.RoundTripBenchmark;
import org.panamaipc.shm.SharedAtomics;
import org.panamaipc.sync.ProcessCondition;
import org.panamaipc.sync.ProcessMutex;

/**
 * Process-shared mutex + condition, round trip: a {@code ProcessMutex} (robust) and a
 * {@code ProcessCondition} in a shared memory object and a turn word; {@code lock()}, give
 * the turn to the peer, {@code signal()}, {@code await(mutex)} until it is ours again,
 * {@code unlock()}. The peer JVM holds the mutex except while waiting.
 * C: {@code bench/c/mutex_cond.c} (the same, with a non-robust mutex).
 */
public class MutexCondRoundTrip extends RoundTripBenchmark {
    static final int BENCHMARK = 0;
    static final int PEER = 1;

    private SharedObject shared;
    private MemorySegment segment;
    private ProcessMutex mutex;
    private ProcessCondition cond;
    private long seq;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        shared = new SharedObject();
        segment = shared.segment();
        mutex = ProcessMutex.initialize(segment, SyncLayout.FIRST);
        cond = ProcessCondition.initialize(segment, SyncLayout.SECOND);
        SharedAtomics.putIntRelease(segment, SyncLayout.TURN, BENCHMARK);
        return Peer.jvm(placement, SyncPeer.class, "mutex", shared.name);
    }

    @Override
    protected long exchange() throws Exception {
        mutex.lock();
        try {
            SharedAtomics.putIntRelease(segment, SyncLayout.TURN, PEER);
            cond.signal();
            while (SharedAtomics.getIntAcquire(segment, SyncLayout.TURN) != BENCHMARK) {
                cond.await(mutex);
            }
        } finally {
            mutex.unlock();
        }
        return ++seq;
    }

    @Override
    protected void tearDown() throws Exception {
        if (shared != null) {
            shared.close();
        }
    }
}
