package org.panamaipc.bench.sync;

/** Where the sync benchmarks put their objects in the shared memory object (cache lines apart). */
final class SyncLayout {
    /** Bytes of the shared memory object. */
    static final long SIZE = 4096;
    /** The benchmark's-to-peer object (ping semaphore or futex word, or the mutex). */
    static final long FIRST = 0;
    /** The peer-to-benchmark object (pong semaphore or futex word, or the condition). */
    static final long SECOND = 256;
    /** The mutex + condition benchmark's turn word. */
    static final long TURN = 512;

    private SyncLayout() {
    }
}
