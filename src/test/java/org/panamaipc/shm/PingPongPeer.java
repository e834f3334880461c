package org.panamaipc.shm;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/**
 * A peer JVM for {@link SharedAtomicsTest}: answers the test's pings through a turn counter
 * in shared memory. Each round it waits (acquire) for the odd turn value the test published,
 * reads the payload at offset 64, writes payload + 1 at offset 128 and publishes the next even
 * turn value (release).
 */
public final class PingPongPeer {
    private PingPongPeer() {
    }

    /**
     * Runs the peer.
     *
     * @param args the object's name and the number of rounds
     * @throws Exception if the object cannot be opened
     */
    public static void main(String[] args) throws Exception {
        long rounds = Long.parseLong(args[1]);
        try (SharedMemory shm = SharedMemory.open(args[0]); Mapping mapping = shm.map()) {
            MemorySegment s = mapping.segment();
            for (long i = 0; i < rounds; i++) {
                awaitTurn(s, 2 * i + 1);
                s.set(JAVA_LONG, 128, s.get(JAVA_LONG, 64) + 1);
                SharedAtomics.putLongRelease(s, 0, 2 * i + 2);
            }
        }
        System.out.println("done");
    }

    static void awaitTurn(MemorySegment s, long turn) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        int spins = 0;
        while (SharedAtomics.getLongAcquire(s, 0) != turn) {
            Thread.onSpinWait();
            if ((++spins & 0xfff) == 0 && System.nanoTime() > deadline) {
                throw new IllegalStateException("turn " + turn + " did not come within 30 s");
            }
        }
    }
}
