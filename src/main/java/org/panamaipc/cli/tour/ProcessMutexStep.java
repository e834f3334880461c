package org.panamaipc.cli.tour;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.SysVSharedMemory;
import org.panamaipc.sync.LockState;
import org.panamaipc.sync.ProcessMutex;

/**
 * A robust process-shared mutex in System V shared memory (which no process can shrink under it): both processes add to one plain (not
 * atomic) counter under the mutex at once; only mutual exclusion makes the sum come out right.
 * The times are lock, add and unlock on the tour's side, under contention.
 */
final class ProcessMutexStep implements TourStep {
    static final int ROUNDS = 2000;
    private static final long MUTEX = 0;
    private static final long COUNTER = 256;

    @Override
    public String id() {
        return "mutex";
    }

    @Override
    public String mechanism() {
        return "process mutex (robust)";
    }

    @Override
    public String timed() {
        return "lock+add+unlock";
    }

    @Override
    public Exchange lead(Peer peer, Scratch scratch) throws Exception {
        long[] nanos = new long[ROUNDS];
        long total;
        // System V memory keeps its size: no process can truncate it under the C library's mutex
        try (SysVSharedMemory shm = SysVSharedMemory.createPrivate(4096).removeOnClose(); Mapping m = shm.attach()) {
            MemorySegment s = m.segment();
            try (ProcessMutex mutex = ProcessMutex.initialize(s, MUTEX)) {
                peer.start(this, Integer.toString(shm.id()));
                peer.send("go");
                for (int i = 0; i < ROUNDS; i++) {
                    long t0 = System.nanoTime();
                    add(mutex, s);
                    nanos[i] = System.nanoTime() - t0;
                }
                peer.finish();
                total = s.get(ValueLayout.JAVA_LONG, COUNTER);
                mutex.destroy();
            }
        }
        String what = ROUNDS + " locked additions each, by both processes at once";
        return total == 2L * ROUNDS
                ? Exchange.verified(what + ", sum " + total, nanos)
                : Exchange.failed(what, nanos, "the sum is " + total + ", not " + 2L * ROUNDS);
    }

    private static void add(ProcessMutex mutex, MemorySegment s) throws IOException {
        if (mutex.lock() == LockState.OWNER_DIED) {
            mutex.markConsistent(); // nothing to repair: an addition is all or nothing here
        }
        try {
            s.set(ValueLayout.JAVA_LONG, COUNTER, s.get(ValueLayout.JAVA_LONG, COUNTER) + 1);
        } finally {
            mutex.unlock();
        }
    }

    @Override
    public void follow(List<String> args, PeerSide side) throws Exception {
        try (SysVSharedMemory shm = SysVSharedMemory.openId(Integer.parseInt(args.get(0))); Mapping m = shm.attach()) {
            MemorySegment s = m.segment();
            try (ProcessMutex mutex = ProcessMutex.attach(s, MUTEX)) {
                side.ready();
                if (!side.hear().equals("go")) {
                    throw new IOException("expected go");
                }
                for (int i = 0; i < ROUNDS; i++) {
                    add(mutex, s);
                }
            }
        }
    }
}
