import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.panamaipc.Interest;
import org.panamaipc.WaitSet;
import org.panamaipc.internal.Sys;
import org.panamaipc.lock.HeldLock;
import org.panamaipc.lock.LockKind;
import org.panamaipc.lock.LockMode;
import org.panamaipc.lock.LockableFile;
import org.panamaipc.mq.PosixMessage;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.mq.SysVMessage;
import org.panamaipc.mq.SysVMessageQueue;
import org.panamaipc.mq.TypeFilter;
import org.panamaipc.pipe.Fifo;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.pipe.PipeSink;
import org.panamaipc.pipe.PipeSource;
import org.panamaipc.process.ChildProcess;
import org.panamaipc.socket.SocketPair;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixServerSocket;
import org.panamaipc.socket.UnixSocket;
import org.panamaipc.sync.EventFd;
import org.panamaipc.sync.Futex;
import org.panamaipc.sync.NamedSemaphore;
import org.panamaipc.sync.ProcessCondition;
import org.panamaipc.sync.ProcessMutex;
import org.panamaipc.sync.SemaphoreOps;
import org.panamaipc.sync.SysVSemaphoreSet;
import org.panamaipc.sync.UnnamedSemaphore;

/**
 * Counts the system calls of each wait the library offers, on a platform thread: run it under
 * {@code strace -f} (bench/syscalls/audit.sh does) and {@code count.py} counts, per operation,
 * the calls the measuring thread makes between its markers ({@code write} to /dev/null of
 * "B label" and "E label"). "ready": the operation need not wait; "wait": another thread gives
 * a few milliseconds after the operation started, so it has to block. Not a benchmark.
 */
public class SyscallAudit {
    static final int K = 20;
    static final int WARM = 200;
    static final Arena ARENA = Arena.ofShared();
    static int devNull;

    interface Op {
        void run() throws Exception;
    }

    static void mark(String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        MemorySegment s = ARENA.allocate(b.length);
        s.copyFrom(MemorySegment.ofArray(b));
        Sys.write(devNull, s, b.length);
    }

    /** K times: setup (not counted), then the operation between markers. */
    static void ready(String label, Op setup, Op op) throws Exception {
        for (int i = 0; i < K + WARM; i++) { // warm-up: class loading, first-use set-up, the JIT's requests
            setup.run();
            String l = i < WARM ? "warm" : label + " ready";
            mark("B " + l);
            op.run();
            mark("E " + l);
        }
    }

    /** K times: the operation between markers, released by {@code give} on another thread 5 ms later. */
    static void waiting(String label, Op op, Op give) throws Exception {
        Thread helper = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < K + 1; i++) {
                    Thread.sleep(5);
                    give.run();
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        for (int i = 0; i < K + 1; i++) {
            String l = i < 1 ? "warm" : label + " wait";
            mark("B " + l);
            op.run();
            mark("E " + l);
        }
        helper.join();
    }

    public static void main(String[] args) throws Exception {
        devNull = Sys.open(ARENA.allocateFrom("/dev/null"), org.panamaipc.bindings.LibC.O_WRONLY(), 0);
        Op none = () -> { };
        MemorySegment eight = ARENA.allocate(8);
        Path dir = Files.createTempDirectory("syscall-audit");

        try (EventFd e = EventFd.create(0, EventFd.Mode.COUNTER)) {
            ready("eventfd.await()", () -> e.signal(1), e::await);
            waiting("eventfd.await()", e::await, () -> e.signal(1));
            ready("eventfd.await(timeout)", () -> e.signal(1), () -> e.await(Duration.ofSeconds(10)));
            waiting("eventfd.await(timeout)", () -> e.await(Duration.ofSeconds(10)), () -> e.signal(1));
            ready("eventfd.tryAwait() empty", none, e::tryAwait);
            ready("eventfd.signal(1)", e::tryAwait, () -> e.signal(1));
        }
        try (EventFd e = EventFd.create(0, EventFd.Mode.COUNTER)) {
            ready("eventfd.trySignal(1)", e::tryAwait, () -> e.trySignal(1));
            ready("eventfd.await() after trySignal", () -> e.signal(1), e::await);
            waiting("eventfd.await() after trySignal", e::await, () -> e.signal(1));
        }
        try (Pipe p = Pipe.open()) {
            PipeSource in = p.source();
            PipeSink out = p.sink();
            ready("pipe.read", () -> out.write(eight), () -> in.read(eight));
            waiting("pipe.read", () -> in.read(eight), () -> out.write(eight));
            ready("pipe.read(timeout)", () -> out.write(eight), () -> in.read(eight, Duration.ofSeconds(10)));
            waiting("pipe.read(timeout)", () -> in.read(eight, Duration.ofSeconds(10)), () -> out.write(eight));
            ready("pipe.write", none, () -> out.write(eight)); // 23 x 8 bytes: room enough
        }
        Path fifo = dir.resolve("fifo");
        Fifo.create(fifo);
        try (PipeSource in = Fifo.openForReadingNonBlocking(fifo); PipeSink out = Fifo.openForWriting(fifo)) {
            in.setBlocking(true);
            ready("fifo.read", () -> out.write(eight), () -> in.read(eight));
            waiting("fifo.read", () -> in.read(eight), () -> out.write(eight));
        }
        String qname = PosixMessageQueue.uniqueName("audit");
        try (PosixMessageQueue q = PosixMessageQueue.create(qname, 4, 64).unlinkOnClose()) {
            PosixMessage m = PosixMessage.allocate(ARENA, 64);
            ready("posix-mq.receive", () -> q.send(eight, 0), () -> q.receive(m));
            waiting("posix-mq.receive", () -> q.receive(m), () -> q.send(eight, 0));
            ready("posix-mq.receive(timeout)", () -> q.send(eight, 0), () -> q.receive(m, Duration.ofSeconds(10)));
            waiting("posix-mq.receive(timeout)", () -> q.receive(m, Duration.ofSeconds(10)), () -> q.send(eight, 0));
            ready("posix-mq.tryReceive empty", none, () -> q.tryReceive(m));
            ready("posix-mq.send", () -> q.tryReceive(m), () -> q.send(eight, 0));
        }
        try (SysVMessageQueue q = SysVMessageQueue.createPrivate().removeOnClose()) {
            SysVMessage m = SysVMessage.allocate(ARENA, 64);
            ready("sysv-mq.receive", () -> q.send(1, eight), () -> q.receive(m, TypeFilter.any()));
            waiting("sysv-mq.receive", () -> q.receive(m, TypeFilter.any()), () -> q.send(1, eight));
            ready("sysv-mq.receive(timeout)", () -> q.send(1, eight),
                    () -> q.receive(m, TypeFilter.any(), Duration.ofSeconds(10)));
            waiting("sysv-mq.receive(timeout)", () -> q.receive(m, TypeFilter.any(), Duration.ofSeconds(10)),
                    () -> q.send(1, eight));
            ready("sysv-mq.tryReceive empty", none, () -> q.tryReceive(m, TypeFilter.any()));
            ready("sysv-mq.send", () -> q.tryReceive(m, TypeFilter.any()), () -> q.send(1, eight));
        }
        try (SocketPair sp = UnixSocket.pair(SocketType.STREAM)) {
            UnixSocket a = sp.first();
            UnixSocket b = sp.second();
            ready("unix-stream.receive", () -> b.send(eight), () -> a.receive(eight));
            waiting("unix-stream.receive", () -> a.receive(eight), () -> b.send(eight));
            ready("unix-stream.receive(timeout)", () -> b.send(eight), () -> a.receive(eight, Duration.ofSeconds(10)));
            waiting("unix-stream.receive(timeout)", () -> a.receive(eight, Duration.ofSeconds(10)), () -> b.send(eight));
            ready("unix-stream.send", none, () -> a.send(eight));
        }
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("sock"));
        try (UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, address).unlinkOnClose()) {
            UnixSocket[] last = new UnixSocket[1];
            ready("unix.accept+close", () -> last[0] = UnixSocket.connect(SocketType.STREAM, address),
                    () -> server.accept().close());
            waiting("unix.accept+close", () -> server.accept().close(),
                    () -> last[0] = UnixSocket.connect(SocketType.STREAM, address));
        }
        MemorySegment shared = ARENA.allocate(4096, 64);
        try (UnnamedSemaphore s = UnnamedSemaphore.initialize(shared, 0, 0)) {
            ready("posix-sem.acquire", s::release, s::acquire);
            waiting("posix-sem.acquire", s::acquire, s::release);
            ready("posix-sem.tryAcquire(timeout)", s::release, () -> s.tryAcquire(Duration.ofSeconds(10)));
            waiting("posix-sem.tryAcquire(timeout)", () -> s.tryAcquire(Duration.ofSeconds(10)), s::release);
            ready("posix-sem.tryAcquire empty", none, s::tryAcquire);
            ready("posix-sem.release", s::tryAcquire, s::release);
        }
        String sname = NamedSemaphore.uniqueName("audit");
        try (NamedSemaphore s = NamedSemaphore.create(sname, 0).unlinkOnClose()) {
            ready("named-sem.acquire", s::release, s::acquire);
            waiting("named-sem.acquire", s::acquire, s::release);
            ready("named-sem.release", s::tryAcquire, s::release);
        }
        try (SysVSemaphoreSet set = SysVSemaphoreSet.createPrivate(1).removeOnClose()) {
            SemaphoreOps up = SemaphoreOps.of(0, 1);
            SemaphoreOps down = SemaphoreOps.of(0, -1);
            ready("sysv-sem.operate(-1)", () -> set.operate(up), () -> set.operate(down));
            waiting("sysv-sem.operate(-1)", () -> set.operate(down), () -> set.operate(up));
            ready("sysv-sem.operate(-1, timeout)", () -> set.operate(up), () -> set.operate(down, Duration.ofSeconds(10)));
            ready("sysv-sem.operate(+1)", none, () -> set.operate(up));
        }
        try (Futex f = Futex.of(shared, 128)) {
            waiting("futex.await(0)", () -> {
                while (f.value() == 0) {
                    f.await(0);
                }
                f.getAndAdd(-1);
            }, () -> {
                f.getAndAdd(1);
                f.wake(1);
            });
            ready("futex.wake(1) nobody waiting", none, () -> f.wake(1));
        }
        try (ProcessMutex mutex = ProcessMutex.initialize(shared, 256);
             ProcessCondition cond = ProcessCondition.initialize(shared, 1024)) {
            ready("mutex.lock+unlock free", none, () -> { mutex.lock(); mutex.unlock(); });
            ready("mutex.tryLock+unlock free", none, () -> { mutex.tryLock(); mutex.unlock(); });
            Op holdBriefly = () -> {
                Thread t = Thread.ofPlatform().start(() -> {
                    try {
                        mutex.lock();
                        Thread.sleep(5);
                        mutex.unlock();
                    } catch (Exception x) {
                        throw new RuntimeException(x);
                    }
                });
                Thread.sleep(1);
                mark("B mutex.lock held-for-5ms wait");
                mutex.lock();
                mark("E mutex.lock held-for-5ms wait");
                mutex.unlock();
                t.join();
            };
            for (int i = 0; i < K; i++) {
                holdBriefly.run();
            }
            java.util.concurrent.atomic.AtomicInteger turn = new java.util.concurrent.atomic.AtomicInteger();
            Thread helper = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < K + 1; i++) {
                        Thread.sleep(5);
                        mutex.lock();
                        turn.incrementAndGet();
                        cond.signal();
                        mutex.unlock();
                    }
                } catch (Exception x) {
                    throw new RuntimeException(x);
                }
            });
            for (int i = 0; i < K + 1; i++) {
                mutex.lock();
                String l = i < 1 ? "warm" : "condition.await wait";
                mark("B " + l);
                while (turn.get() == 0) {
                    cond.await(mutex);
                }
                turn.decrementAndGet();
                mark("E " + l);
                mutex.unlock();
            }
            helper.join();
            ready("condition.signal nobody waiting", none, cond::signal);
        }
        Path lockPath = dir.resolve("lock");
        try (LockableFile file = LockableFile.openOrCreate(lockPath)) {
            ready("file-lock.lock(OPEN_FILE)+release free", none, () -> file.lock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE).release());
            ready("file-lock.tryLock(OPEN_FILE)+release free", none,
                    () -> file.tryLock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE).release());
            try (LockableFile other = LockableFile.open(lockPath)) {
                HeldLock[] held = new HeldLock[1];
                java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
                Thread helper = Thread.ofPlatform().start(() -> {
                    try {
                        while (!done.get()) {
                            Thread.sleep(5);
                            HeldLock h;
                            synchronized (held) {
                                h = held[0];
                                held[0] = null;
                            }
                            if (h != null) {
                                h.release();
                            }
                        }
                    } catch (Exception x) {
                        throw new RuntimeException(x);
                    }
                });
                for (int i = 0; i < K + 1; i++) {
                    synchronized (held) {
                        held[0] = other.lock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE);
                    }
                    String l = i < 1 ? "warm" : "file-lock.lock(OPEN_FILE)+release wait";
                    mark("B " + l);
                    file.lock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE).release();
                    mark("E " + l);
                }
                done.set(true);
                helper.join();
            }
        }
        for (int i = 0; i < K / 4 + 1; i++) {
            try (ChildProcess child = ChildProcess.builder("sleep", "0.005").start()) {
                String l = i < 1 ? "warm" : "child.waitFor wait";
                mark("B " + l);
                child.waitFor();
                mark("E " + l);
            }
        }
        try (WaitSet set = WaitSet.create(); EventFd e = EventFd.create(0, EventFd.Mode.COUNTER)) {
            set.register(e, Interest.READABLE);
            ready("waitset.select ready", () -> e.signal(1), () -> { set.select(); e.tryAwait(); });
            waiting("waitset.select", () -> { set.select(); e.tryAwait(); }, () -> e.signal(1));
        }
        Files.deleteIfExists(lockPath);
        Files.deleteIfExists(fifo);
        Files.deleteIfExists(dir);
        System.out.println("done");
    }
}
