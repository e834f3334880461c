package org.panamaipc.bench.shm;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import org.panamaipc.bench.infra.PeerSupport;
import org.panamaipc.shm.SharedAtomics;
import org.panamaipc.shm.SharedMemory;

/** Peer of {@link ShmSpinRoundTrip}: answers each new ping with the same number. */
public final class ShmSpinPeer {
    private ShmSpinPeer() {
    }

    /**
     * Runs the peer until the benchmark closes its standard input.
     *
     * @param args {@code name}
     * @throws IOException when the object cannot be opened or mapped
     */
    public static void main(String[] args) throws IOException {
        MemorySegment shared = SharedMemory.open(args[0]).map().segment();
        PeerSupport.ready();
        for (long expect = 1;; expect++) {
            while (SharedAtomics.getLongAcquire(shared, ShmSpinRoundTrip.PING) != expect) {
                Thread.onSpinWait();
            }
            SharedAtomics.putLongRelease(shared, ShmSpinRoundTrip.PONG, expect);
        }
    }
}
