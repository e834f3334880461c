package org.panamaipc.sync;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import java.nio.file.Path;
import java.util.EnumSet;
import org.panamaipc.shm.MappableFile;
import org.panamaipc.shm.MappedFile;
import org.panamaipc.shm.Memfd;
import org.panamaipc.shm.MemfdOption;
import org.panamaipc.shm.Seal;
import org.panamaipc.shm.SharedAtomics;
import org.panamaipc.shm.SharedMemory;

/**
 * Ping-pong through one primitive between the test JVM ("first") and a peer JVM, with a
 * shared counter checked at every step. Used by the tests and by {@link SyncPeer}; JDK and
 * library only.
 *
 * <p>Shared memory layout: offset 0 a futex word or unnamed semaphore A, 64 semaphore B or a
 * condition, 128 a mutex or the turn int, {@value #COUNTER} the counter (long).
 */
final class PingPong {
    static final long COUNTER = 512;
    static final long SHM_SIZE = 4096;
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);

    private PingPong() {
    }

    /** One direction each way: give hands the turn to the other side, take waits for it. */
    interface Turns extends AutoCloseable {
        void give() throws IOException;

        void take() throws IOException;

        @Override
        void close() throws IOException;
    }

    /**
     * Plays the rounds.
     *
     * @param turns the primitive
     * @param s the shared memory holding the counter
     * @param rounds how many round trips
     * @param first true for the side that starts
     */
    static void play(Turns turns, MemorySegment s, long rounds, boolean first) throws IOException {
        for (long i = 0; i < rounds; i++) {
            if (!first || i > 0) {
                turns.take();
            }
            long expected = first ? 2 * i : 2 * i + 1;
            long seen = SharedAtomics.getLongAcquire(s, COUNTER);
            if (seen != expected) {
                throw new IllegalStateException("round " + i + ": counter=" + seen + " expected=" + expected);
            }
            SharedAtomics.putLongRelease(s, COUNTER, expected + 1);
            turns.give();
        }
        if (first) {
            turns.take();
            long seen = SharedAtomics.getLongAcquire(s, COUNTER);
            if (seen != 2 * rounds) {
                throw new IllegalStateException("end: counter=" + seen + " expected=" + 2 * rounds);
            }
        }
    }

    /**
     * Shared memory the C library's objects may live in: a memfd sealed against shrinking (the
     * library refuses POSIX shared memory for them, which a peer could truncate).
     */
    static Memfd sealedMemory(long size) throws IOException {
        Memfd memfd = Memfd.create("sync-test", size, EnumSet.of(MemfdOption.ALLOW_SEALING));
        try {
            memfd.addSeals(Seal.SHRINK);
            return memfd;
        } catch (IOException | RuntimeException e) {
            memfd.close();
            throw e;
        }
    }

    /** Where a peer opens {@link #sealedMemory}: {@code /proc/PID/fd/N}. */
    static String peerPath(Memfd memfd) {
        return memfd.pathForPeers().toString();
    }

    /** The peer's side: a {@link #peerPath} or the name of POSIX shared memory. */
    static MappableFile openShared(String pathOrName) throws IOException {
        return pathOrName.startsWith("/proc/") ? MappedFile.open(Path.of(pathOrName)) : SharedMemory.open(pathOrName);
    }

    static void check(boolean done, String what) {
        if (!done) {
            throw new IllegalStateException(what + " timed out after " + STEP_TIMEOUT);
        }
    }

    /** Two named semaphores: first gives on a, takes on b. */
    static Turns named(String a, String b, boolean first) throws IOException {
        NamedSemaphore give = NamedSemaphore.open(first ? a : b);
        NamedSemaphore take = NamedSemaphore.open(first ? b : a);
        return new Turns() {
            public void give() throws IOException {
                give.release();
            }

            public void take() throws IOException {
                check(take.tryAcquire(STEP_TIMEOUT), "named semaphore");
            }

            public void close() {
                give.close();
                take.close();
            }
        };
    }

    /** Two unnamed semaphores at 0 (to the second side) and 64 (to the first). */
    static Turns unnamed(MemorySegment s, boolean first) {
        UnnamedSemaphore give = UnnamedSemaphore.attach(s, first ? 0 : 64);
        UnnamedSemaphore take = UnnamedSemaphore.attach(s, first ? 64 : 0);
        return new Turns() {
            public void give() throws IOException {
                give.release();
            }

            public void take() throws IOException {
                check(take.tryAcquire(STEP_TIMEOUT), "unnamed semaphore");
            }

            public void close() {
                give.close();
                take.close();
            }
        };
    }

    /** A System V set of two: index 0 to the second side, 1 to the first. */
    static Turns sysV(int id, boolean first) throws IOException {
        SysVSemaphoreSet set = SysVSemaphoreSet.openId(id);
        SemaphoreOps give = SemaphoreOps.of(first ? 0 : 1, 1);
        SemaphoreOps take = SemaphoreOps.of(first ? 1 : 0, -1);
        return new Turns() {
            public void give() throws IOException {
                set.operate(give);
            }

            public void take() throws IOException {
                check(set.operate(take, STEP_TIMEOUT), "semtimedop");
            }

            public void close() {
                set.close();
            }
        };
    }

    /** A futex word at 0 counting turns: even is the first side's turn, odd the second's. */
    static Turns futex(MemorySegment s, boolean first) {
        Futex word = Futex.of(s, 0);
        int mine = first ? 0 : 1;
        return new Turns() {
            public void give() throws IOException {
                word.getAndAdd(1);
                word.wake(1);
            }

            public void take() throws IOException {
                int v;
                while (((v = word.value()) & 1) != mine) {
                    check(word.await(v, STEP_TIMEOUT), "futex wait");
                }
            }

            public void close() {
                word.close();
            }
        };
    }

    /** A mutex at 128 and a condition at 64 guarding a turn int at 256, parity as for futex; signal, not broadcast. */
    static Turns mutexAndCondition(MemorySegment s, boolean first) {
        ProcessMutex mutex = ProcessMutex.attach(s, 128);
        ProcessCondition condition = ProcessCondition.attach(s, 64);
        int mine = first ? 0 : 1;
        return new Turns() {
            public void give() throws IOException {
                mutex.lock();
                try {
                    s.set(JAVA_INT, 256, s.get(JAVA_INT, 256) + 1);
                    condition.signal(); // one waiter: the form glibc 2.36 can lose (bug 25847)
                } finally {
                    mutex.unlock();
                }
            }

            public void take() throws IOException {
                mutex.lock();
                try {
                    while ((s.get(JAVA_INT, 256) & 1) != mine) {
                        check(condition.await(mutex, STEP_TIMEOUT) != null, "condition wait");
                    }
                } finally {
                    mutex.unlock();
                }
            }

            public void close() {
                mutex.close();
                condition.close();
            }
        };
    }

    /** Two eventfds: first gives on a, takes on b. */
    static Turns eventFd(EventFd a, EventFd b, boolean first) {
        EventFd give = first ? a : b;
        EventFd take = first ? b : a;
        return new Turns() {
            public void give() throws IOException {
                give.signal(1);
            }

            public void take() throws IOException {
                check(take.await(STEP_TIMEOUT) == 1, "eventfd read");
            }

            public void close() {
                a.close();
                b.close();
            }
        };
    }

    /** A lock for {@link #count}. */
    interface Lock extends AutoCloseable {
        void lock() throws IOException;

        void unlock() throws IOException;

        @Override
        void close() throws IOException;
    }

    /**
     * Adds 1 to the counter {@code times} times under the lock with a plain read and write,
     * so that a lost update shows up in the total if the lock does not exclude.
     */
    static void count(Lock lock, MemorySegment s, long times) throws IOException {
        for (long i = 0; i < times; i++) {
            lock.lock();
            try {
                s.set(JAVA_LONG, COUNTER, s.get(JAVA_LONG, COUNTER) + 1);
            } finally {
                lock.unlock();
            }
        }
    }

    /** The mutex at 128 as a lock. */
    static Lock mutexLock(MemorySegment s) {
        ProcessMutex mutex = ProcessMutex.attach(s, 128);
        return new Lock() {
            public void lock() throws IOException {
                mutex.lock();
            }

            public void unlock() throws IOException {
                mutex.unlock();
            }

            public void close() {
                mutex.close();
            }
        };
    }

    /** Semaphore 0 of a System V set (value 1) taken with SEM_UNDO as a lock. */
    static Lock sysVLock(int id) throws IOException {
        SysVSemaphoreSet set = SysVSemaphoreSet.openId(id);
        SemaphoreOps take = SemaphoreOps.of(0, -1, SemaphoreFlag.UNDO);
        SemaphoreOps give = SemaphoreOps.of(0, 1, SemaphoreFlag.UNDO);
        return new Lock() {
            public void lock() throws IOException {
                set.operate(take);
            }

            public void unlock() throws IOException {
                set.operate(give);
            }

            public void close() {
                set.close();
            }
        };
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SYSCALL2 = LINKER.downcallHandle(LibC.syscall.address(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(1));
    private static final MethodHandle SYSCALL3 = LINKER.downcallHandle(LibC.syscall.address(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));

    /**
     * Copies a descriptor out of another process of this user ({@code pidfd_getfd}): how a
     * peer receives the test's eventfds.
     */
    static OwnedFd grab(long pid, int fd) throws Throwable {
        long pidfd = (long) SYSCALL2.invokeExact((long) LibC.SYS_pidfd_open(), pid, 0L);
        if (pidfd < 0) {
            throw new IllegalStateException("pidfd_open(" + pid + ") failed");
        }
        try {
            long copy = (long) SYSCALL3.invokeExact((long) LibC.SYS_pidfd_getfd(), pidfd, (long) fd, 0L);
            if (copy < 0) {
                throw new IllegalStateException("pidfd_getfd(" + pid + ", " + fd + ") failed");
            }
            return OwnedFd.adopt((int) copy);
        } finally {
            LibC.close((int) pidfd);
        }
    }
}
