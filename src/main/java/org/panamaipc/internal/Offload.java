package org.panamaipc.internal;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a virtual thread's wait goes when no descriptor can tell the poller it is over: System V
 * {@code msgrcv}/{@code msgsnd} and {@code semop}, POSIX {@code sem_wait}, pthread mutex and
 * condition waits, {@code futex}, file-lock waits, the {@code open} of a FIFO. The kernel has no
 * readiness notification for these, so the call itself must wait in a kernel thread: it runs
 * on a platform thread of a pool that grows with demand (as the JDK adds carrier threads while a
 * virtual thread blocks in file I/O), through the same engine loop as on any platform thread,
 * while the virtual thread stays parked and its carrier runs other virtual threads.
 *
 * <p>What it costs: a waiting virtual thread holds one platform thread for as long as it waits
 * (idle pool threads end after {@value #KEEP_ALIVE_SECONDS} s), and a call that has to wait
 * pays one hand-over and one unpark on top of the system call. A call that does not have to
 * wait never comes here: the mechanisms try first without waiting, on the virtual thread.
 *
 * <p>Close and interrupt keep their contract: {@code close()} from any thread signals the pool
 * thread through the object's engine, and an interrupt of the virtual thread is passed on to
 * the pool thread, whose engine reacts as it would for its own (nothing consumed, the object
 * closed if it is a channel); the exception is rethrown on the virtual thread, whose interrupt
 * status stays set.
 */
final class Offload {
    static final int KEEP_ALIVE_SECONDS = 10;
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ThreadPoolExecutor POOL = new ThreadPoolExecutor(0, Integer.MAX_VALUE,
            KEEP_ALIVE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(),
            r -> Thread.ofPlatform().daemon().name("panama-ipc-wait-" + THREADS.incrementAndGet()).unstarted(r));

    private Offload() {
    }

    /** One call handed over, with its arguments. */
    private static final class Task extends Handover implements Runnable {
        final Blocker blocker;
        final BlockingCall op;
        final int handle;
        final MemorySegment a;
        final MemorySegment b;
        final long x;
        final long y;
        final long z;
        final long deadline;
        final Blocker.Timing timing;

        Task(Blocker blocker, BlockingCall op, int handle, MemorySegment a, MemorySegment b, long x, long y, long z,
                long deadline, Blocker.Timing timing) {
            this.blocker = blocker;
            this.op = op;
            this.handle = handle;
            this.a = a;
            this.b = b;
            this.x = x;
            this.y = y;
            this.z = z;
            this.deadline = deadline;
            this.timing = timing;
        }

        @Override
        public void run() {
            runHere();
        }

        @Override
        Object call() throws IOException {
            return blocker.runHere(op, handle, here(a), here(b), x, y, z, deadline, timing);
        }

        /**
         * The segment, usable on this thread: memory of an arena confined to the caller is seen
         * through a view of the same address. That is safe because only the owner can close a
         * confined arena, and the owner is parked in this very call until it is over.
         */
        private static MemorySegment here(MemorySegment s) {
            if (s.isAccessibleBy(Thread.currentThread())) {
                return s;
            }
            return MemorySegment.ofAddress(s.address()).reinterpret(s.byteSize());
        }
    }

    /**
     * Runs the call on a pool thread and parks the calling virtual thread until it is over.
     *
     * @return what {@link Blocker#call} returns
     */
    static long run(Blocker blocker, BlockingCall op, int handle, MemorySegment a, MemorySegment b, long x, long y,
            long z, long deadline, Blocker.Timing timing) throws IOException {
        Task t = new Task(blocker, op, handle, a, b, x, y, z, deadline, timing);
        POOL.execute(t);
        return (Long) t.await();
    }

    /** {@return the pool threads alive now (waiting or idle)} */
    static int threads() {
        return POOL.getPoolSize();
    }
}
