package org.panamaipc.shm;

import java.lang.foreign.MemorySegment;

/**
 * A peer JVM for {@link SharedAtomicsTest}: opens the POSIX shared memory object named by
 * its first argument, announces itself in the ready counter (offset 8), waits for the go flag
 * (offset 16), then adds 1 to the counter at offset 0 by compare-and-set as many times as its
 * second argument says.
 */
public final class CounterPeer {
    private CounterPeer() {
    }

    /**
     * Runs the peer.
     *
     * @param args the object's name and the number of increments
     * @throws Exception if the object cannot be opened
     */
    public static void main(String[] args) throws Exception {
        long iterations = Long.parseLong(args[1]);
        try (SharedMemory shm = SharedMemory.open(args[0]); Mapping mapping = shm.map()) {
            MemorySegment s = mapping.segment();
            SharedAtomics.getAndAddLong(s, 8, 1);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (SharedAtomics.getLongAcquire(s, 16) == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no go flag within 30 s");
                }
                Thread.onSpinWait();
            }
            for (long i = 0; i < iterations; i++) {
                long seen;
                do {
                    seen = SharedAtomics.getLongVolatile(s, 0);
                } while (!SharedAtomics.compareAndSetLong(s, 0, seen, seen + 1));
            }
        }
        System.out.println("done");
    }
}
