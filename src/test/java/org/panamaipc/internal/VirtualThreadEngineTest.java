package org.panamaipc.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Blocker.Timing;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.shm.Memfd;
import org.panamaipc.shm.MemfdOption;
import org.panamaipc.shm.Seal;
import org.panamaipc.sync.LockState;
import org.panamaipc.sync.ProcessCondition;
import org.panamaipc.sync.ProcessMutex;
import org.panamaipc.sync.SemaphoreOps;
import org.panamaipc.sync.SysVSemaphoreSet;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.TestRun;

/**
 * The engine's virtual-thread branch: a wait on a descriptor parks on the poller, one without
 * a descriptor waits on a pool thread, a mutex's calls run on the thread bound to the virtual
 * thread; close, interrupt and deadlines keep their contract on all three.
 */
@IpcTest
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VirtualThreadEngineTest {
    private final Arena arena = Arena.ofShared();
    private final java.util.List<AutoCloseable> toClose = new java.util.ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
        arena.close();
    }

    private OwnedFd[] pipe() {
        MemorySegment fds = arena.allocate(JAVA_INT, 2);
        assertThat(Sys.pipe2(fds, LibC.O_CLOEXEC())).isZero();
        OwnedFd[] ends = {OwnedFd.adopt(fds.getAtIndex(JAVA_INT, 0)), OwnedFd.adopt(fds.getAtIndex(JAVA_INT, 1))};
        toClose.add(ends[0]);
        toClose.add(ends[1]);
        return ends;
    }

    private void writeByte(OwnedFd end, int value) {
        MemorySegment one = arena.allocate(1);
        one.set(JAVA_BYTE, 0, (byte) value);
        assertThat(Sys.write(end.get(), one, 1)).isEqualTo(1);
    }

    private static long read(Blocker b, MemorySegment buf, long deadline) throws Exception {
        return b.call(PipeCalls::read, 0, buf, MemorySegment.NULL, buf.byteSize(), 0, 0, deadline, Timing.POLL_IN);
    }

    /** Runs {@code call} on a new virtual thread. */
    private static <T> VirtualCall<T> onVirtualThread(Callable<T> call) {
        return new VirtualCall<>(call);
    }

    private static final class VirtualCall<T> {
        final CompletableFuture<T> result = new CompletableFuture<>();
        final Thread thread;
        volatile boolean interruptedAfter;

        VirtualCall(Callable<T> call) {
            thread = Thread.ofVirtual().start(() -> {
                try {
                    result.complete(call.call());
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                } finally {
                    interruptedAfter = Thread.currentThread().isInterrupted();
                }
            });
        }

        /** Waits until the virtual thread is parked (its carrier free). */
        VirtualCall<T> parked() {
            waitUntil(() -> {
                Thread.State s = thread.getState();
                return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
            }, "the virtual thread to park");
            return this;
        }

        T get() throws Exception {
            return result.get(20, TimeUnit.SECONDS);
        }

        Throwable failure() throws Exception {
            try {
                result.get(20, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                thread.join(Duration.ofSeconds(20));
                return e.getCause();
            }
            throw new AssertionError("the call returned instead of failing");
        }
    }

    private static void waitUntil(BooleanSupplier condition, String what) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void aParkedReadIsReleasedByTheData() throws Exception {
        OwnedFd[] p = pipe();
        Blocker b = Blocker.forDescriptor("test pipe", p[0]);
        MemorySegment buf = arena.allocate(1);
        VirtualCall<Long> reader = onVirtualThread(() -> read(b, buf, Deadline.NONE)).parked();
        waitUntil(() -> b.waiting() == 1, "the reader to register");
        writeByte(p[1], 42);
        assertThat(reader.get()).isEqualTo(1);
        assertThat(buf.get(JAVA_BYTE, 0)).isEqualTo((byte) 42);
    }

    @Test
    void aParkedReadEndsAtItsDeadline() throws Exception {
        OwnedFd[] p = pipe();
        Blocker b = Blocker.forDescriptor("test pipe", p[0]);
        MemorySegment buf = arena.allocate(1);
        long start = System.nanoTime();
        VirtualCall<Long> reader = onVirtualThread(() -> read(b, buf, Deadline.end(Duration.ofMillis(200))));
        assertThat(reader.get()).isEqualTo(-Blocker.ETIMEDOUT);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
    }

    @Test
    void closeReleasesAParkedThread() throws Exception {
        OwnedFd[] p = pipe();
        Blocker b = Blocker.forDescriptor("test pipe", p[0]);
        MemorySegment buf = arena.allocate(1);
        VirtualCall<Long> reader = onVirtualThread(() -> read(b, buf, Deadline.NONE)).parked();
        waitUntil(() -> b.waiting() == 1, "the reader to register");
        b.close();
        assertThat(reader.failure()).isInstanceOf(AsynchronousCloseException.class);
    }

    @Test
    void interruptReleasesAParkedThreadAndConsumesNothing() throws Exception {
        OwnedFd[] p = pipe();
        Blocker b = Blocker.forDescriptor("test pipe", p[0]);
        MemorySegment buf = arena.allocate(1);
        VirtualCall<Long> reader = onVirtualThread(() -> read(b, buf, Deadline.NONE)).parked();
        waitUntil(() -> b.waiting() == 1, "the reader to register");
        reader.thread.interrupt();
        assertThat(reader.failure()).isInstanceOf(InterruptedIOException.class);
        assertThat(reader.interruptedAfter).isTrue();
        assertThat(b.isOpen()).isTrue();
        writeByte(p[1], 9);
        assertThat(onVirtualThread(() -> read(b, buf, Deadline.NONE)).get()).isEqualTo(1);
        assertThat(buf.get(JAVA_BYTE, 0)).isEqualTo((byte) 9);
    }

    @Test
    void interruptClosesAChannelAParkedThreadReads() throws Exception {
        Pipe pipe = Pipe.open();
        toClose.add(pipe);
        VirtualCall<Integer> reader = onVirtualThread(() -> pipe.source().read(new byte[4], 0, 4)).parked();
        reader.thread.interrupt();
        assertThat(reader.failure()).isInstanceOf(ClosedByInterruptException.class);
        assertThat(pipe.source().isOpen()).isFalse();
    }

    @Test
    void twoThreadsParkedOnOneDescriptorEachWakeForTheirOwnData() throws Exception {
        OwnedFd[] p = pipe();
        Blocker b = Blocker.forDescriptor("test pipe", p[0]);
        VirtualCall<Byte> first = onVirtualThread(() -> readOne(b));
        VirtualCall<Byte> second = onVirtualThread(() -> readOne(b));
        waitUntil(() -> b.waiting() == 2, "both readers to register");
        first.parked();
        second.parked();
        writeByte(p[1], 1);
        waitUntil(() -> first.result.isDone() || second.result.isDone(), "one reader to get the byte");
        VirtualCall<Byte> done = first.result.isDone() ? first : second;
        VirtualCall<Byte> waiting = done == first ? second : first;
        assertThat(done.get()).isEqualTo((byte) 1);
        waitUntil(() -> b.waiting() == 1, "the other to park again");
        assertThat(waiting.result.isDone()).isFalse();
        writeByte(p[1], 2);
        assertThat(waiting.get()).isEqualTo((byte) 2);
    }

    private byte readOne(Blocker b) throws Exception {
        MemorySegment buf = Arena.ofAuto().allocate(1);
        assertThat(read(b, buf, Deadline.NONE)).isEqualTo(1);
        return buf.get(JAVA_BYTE, 0);
    }

    @Test
    void aDescriptorNumberUsedAgainIsArmedForItsNewOwner() throws Exception {
        OwnedFd[] old = pipe();
        int number = old[0].get();
        Blocker b = Blocker.forDescriptor("old pipe", old[0]);
        MemorySegment buf = arena.allocate(1);
        // the poller arms the number for the old pipe; the wait ends at its deadline
        assertThat(onVirtualThread(() -> read(b, buf, Deadline.end(Duration.ofMillis(50)))).get())
                .isEqualTo(-Blocker.ETIMEDOUT);
        b.close();
        old[1].close();
        OwnedFd[] fresh = pipe();
        org.junit.jupiter.api.Assumptions.assumeTrue(fresh[0].get() == number, "the kernel gave the number again");
        Blocker again = Blocker.forDescriptor("new pipe", fresh[0]);
        VirtualCall<Long> reader = onVirtualThread(() -> read(again, buf, Deadline.NONE)).parked();
        waitUntil(() -> again.waiting() == 1, "the reader to register");
        writeByte(fresh[1], 5);
        assertThat(reader.get()).isEqualTo(1);
    }

    @Test
    void aWaitWithoutDescriptorKeepsTheContractOnAPoolThread() throws Exception {
        SysVSemaphoreSet set = SysVSemaphoreSet.createPrivate(1);
        java.util.concurrent.atomic.AtomicBoolean removed = new java.util.concurrent.atomic.AtomicBoolean();
        toClose.add(() -> {
            if (!removed.get()) {
                set.remove();
            }
            set.close();
        });
        SemaphoreOps take = SemaphoreOps.of(0, -1);
        // interrupt: nothing taken, still open, status set
        VirtualCall<Boolean> interrupted = onVirtualThread(() -> set.operate(take)).parked();
        waitUntil(() -> valueWaiting(set) == 1, "the waiter to block in semop");
        interrupted.thread.interrupt();
        assertThat(interrupted.failure()).isInstanceOf(InterruptedIOException.class);
        assertThat(interrupted.interruptedAfter).isTrue();
        // a timed wait ends at its deadline
        assertThat(onVirtualThread(() -> set.operate(take, Duration.ofMillis(100))).get()).isFalse();
        // the value given is taken by exactly the waiter
        VirtualCall<Boolean> waiter = onVirtualThread(() -> set.operate(take)).parked();
        waitUntil(() -> valueWaiting(set) == 1, "the waiter to block in semop");
        set.operate(SemaphoreOps.of(0, 1));
        assertThat(waiter.get()).isTrue();
        assertThat(set.value(0)).isZero();
        // close releases
        VirtualCall<Boolean> closed = onVirtualThread(() -> set.operate(take)).parked();
        waitUntil(() -> valueWaiting(set) == 1, "the waiter to block in semop");
        set.remove();
        removed.set(true);
        assertThat(closed.failure()).isInstanceOf(org.panamaipc.ObjectRemovedException.class);
    }

    private static int valueWaiting(SysVSemaphoreSet set) {
        try {
            return set.waitingForIncrease(0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aVirtualThreadOwnsAProcessMutexAcrossCarriersAndItsDeathReleasesIt() throws Exception {
        Memfd shm = Memfd.create("vtmutex", 4096, EnumSet.of(MemfdOption.ALLOW_SEALING));
        toClose.add(shm);
        shm.addSeals(Seal.SHRINK); // the C library's mutex lives only in memory no process can shrink
        MemorySegment seg = shm.map().segment();
        ProcessMutex mutex = ProcessMutex.initialize(seg, 0);
        toClose.add(mutex);
        // lock, park (the carrier may change), unlock: no EPERM
        onVirtualThread(() -> {
            assertThat(mutex.lock()).isEqualTo(LockState.ACQUIRED);
            Thread.sleep(20);
            mutex.unlock();
            return null;
        }).get();
        // a virtual thread that ends holding it: the next locker is told the owner died
        onVirtualThread(mutex::lock).get();
        assertThat(mutex.tryLock(Duration.ofSeconds(10))).isEqualTo(LockState.OWNER_DIED);
        mutex.markConsistent();
        // a virtual thread waiting for it is released by interrupt, holding nothing
        VirtualCall<LockState> waiter = onVirtualThread(mutex::lock).parked();
        waitUntil(() -> waiter.thread.getState() == Thread.State.WAITING, "the waiter to park");
        waiter.thread.interrupt();
        assertThat(waiter.failure()).isInstanceOf(InterruptedIOException.class);
        mutex.unlock();
    }

    @Test
    void aVirtualThreadWaitsOnAProcessConditionHoldingTheMutexAsItsOwner() throws Exception {
        Memfd shm = Memfd.create("vtcond", 4096, EnumSet.of(MemfdOption.ALLOW_SEALING));
        toClose.add(shm);
        shm.addSeals(Seal.SHRINK); // the C library's mutex lives only in memory no process can shrink
        MemorySegment seg = shm.map().segment();
        ProcessMutex mutex = ProcessMutex.initialize(seg, 0);
        ProcessCondition condition = ProcessCondition.initialize(seg, 256);
        toClose.add(mutex);
        toClose.add(condition);
        MemorySegment flag = seg.asSlice(1024, 8);
        MemorySegment locked = seg.asSlice(1032, 8);
        VirtualCall<LockState> waiter = onVirtualThread(() -> {
            mutex.lock();
            locked.set(JAVA_INT, 0, 1);
            try {
                LockState s = LockState.ACQUIRED;
                while (flag.get(JAVA_INT, 0) == 0) { // a condition may wake spuriously: loop, as in C
                    s = condition.await(mutex);
                }
                return s;
            } finally {
                mutex.unlock(); // from whatever carrier: the mutex's owner is the bound thread
            }
        });
        waitUntil(() -> locked.get(JAVA_INT, 0) == 1, "the waiter to hold the mutex");
        mutex.lock(); // succeeds once the waiter's condition wait has released it
        flag.set(JAVA_INT, 0, 1);
        condition.signal();
        mutex.unlock();
        assertThat(waiter.get()).isEqualTo(LockState.ACQUIRED);
        assertThat(mutex.tryLock()).isEqualTo(LockState.ACQUIRED);
        mutex.unlock();
    }

    @Test
    void virtualThreadsStreamAMegabyteOfHeapBytesThroughASocketWithoutLoss() throws Exception {
        org.panamaipc.socket.SocketPair pair = org.panamaipc.socket.UnixSocket.pair(org.panamaipc.socket.SocketType.STREAM);
        toClose.add(pair);
        byte[] sent = new byte[1 << 20];
        new java.util.Random(42).nextBytes(sent);
        // the sender parks whenever the socket is full, the receiver whenever it is empty
        VirtualCall<Integer> sender = onVirtualThread(() -> pair.first().send(sent));
        VirtualCall<byte[]> receiver = onVirtualThread(() -> {
            byte[] got = new byte[sent.length];
            int n = 0;
            while (n < got.length) {
                n += pair.second().receive(got, n, Math.min(4096, got.length - n));
            }
            return got;
        });
        assertThat(sender.get()).isEqualTo(sent.length);
        assertThat(receiver.get()).isEqualTo(sent);
    }

    @Test
    void aVirtualThreadSendingHeapBytesToAFullQueueParksAndTheMessageArrivesWhole() throws Exception {
        String name = org.panamaipc.mq.PosixMessageQueue.uniqueName(TestRun.prefix("vtsend"));
        org.panamaipc.mq.PosixMessageQueue q = org.panamaipc.mq.PosixMessageQueue.create(name, 1, 64).unlinkOnClose();
        toClose.add(q);
        q.send(new byte[] {1}, 0); // full now
        byte[] message = "parked, then sent".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        VirtualCall<Boolean> sender = onVirtualThread(() -> {
            q.send(message, 3);
            return true;
        }).parked();
        assertThat(q.receive().data()).containsExactly(1);
        assertThat(sender.get()).isTrue();
        org.panamaipc.mq.PriorityMessage m = q.receive(Duration.ofSeconds(10));
        assertThat(m.data()).isEqualTo(message);
        assertThat(m.priority()).isEqualTo(3);
    }
}
