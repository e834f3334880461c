package org.panamaipc.vthreads;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.panamaipc.lock.HeldLock;
import org.panamaipc.lock.LockKind;
import org.panamaipc.lock.LockMode;
import org.panamaipc.lock.LockableFile;
import org.panamaipc.mq.SysVMessageQueue;
import org.panamaipc.mq.TypeFilter;
import org.panamaipc.mq.TypedMessage;
import org.panamaipc.pipe.Fifo;
import org.panamaipc.pipe.PipeSink;
import org.panamaipc.pipe.PipeSource;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.Memfd;
import org.panamaipc.socket.SocketConnectException;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixServerSocket;
import org.panamaipc.socket.UnixSocket;
import org.panamaipc.sync.Futex;
import org.panamaipc.sync.LockState;
import org.panamaipc.sync.NamedSemaphore;
import org.panamaipc.sync.ProcessMutex;
import org.panamaipc.sync.SemaphoreOps;
import org.panamaipc.sync.SysVSemaphoreSet;
import org.panamaipc.sync.UnnamedSemaphore;
import org.panamaipc.testing.TestRun;

/**
 * A wait with no descriptor to poll, which the library hands to a platform thread of its own
 * while the virtual thread parks: {@code n} waiters, each waiting for its own event, and the
 * event that releases waiter {@code i} (or, for a gate that opens for everyone at once, all).
 *
 * @param <S> what the waiters share: the objects, the files
 */
interface Gate<S> {
    /** A memfd sealed against shrinking: the only kind of memfd the C library's objects may live in. */
    static Memfd sealedMemfd(String name, long size) throws IOException {
        Memfd memfd = Memfd.create(name, size, java.util.EnumSet.of(org.panamaipc.shm.MemfdOption.ALLOW_SEALING));
        try {
            memfd.addSeals(org.panamaipc.shm.Seal.SHRINK);
            return memfd;
        } catch (IOException | RuntimeException e) {
            memfd.close();
            throw e;
        }
    }

    /** {@return what {@code n} waiters wait on} */
    S setUp(int n) throws IOException;

    /** Waits as waiter {@code i}, the way a user would; returns what it got. */
    Object await(S s, int i) throws IOException;

    /** {@return what waiter {@code i} gets once released} */
    Object expected(int i);

    /** Releases waiter {@code i} alone; a gate that {@link #opensForAll()} ignores {@code i} and releases all. */
    void release(S s, int i) throws IOException;

    /** {@return whether one release lets every waiter through (a shared lock)} */
    default boolean opensForAll() {
        return false;
    }

    /**
     * {@return the name prefix of the library's platform threads that wait in the call for the
     * virtual threads: the pool's, or the threads bound to virtual threads (a process mutex)}
     */
    default String waitingThreads() {
        return DescriptorWaits.POOL;
    }

    /** {@return what an interrupted wait throws: the library's interruption, or a channel's} */
    default Class<? extends Throwable> interrupted() {
        return InterruptedIOException.class;
    }

    /** Releases everything: closes the objects (which ends any wait left), removes names and files. */
    void tearDown(S s) throws IOException;

    /** The gates, by name: each mechanism of the library whose wait has no descriptor. */
    static List<String> names() {
        return List.of("sysv-queue", "sysv-semaphore", "named-semaphore", "unnamed-semaphore", "futex",
                "ofd-lock", "flock", "fifo-open", "socket-connect", "process-mutex");
    }

    /** {@return the gate of that name} */
    static Gate<?> byName(String name) {
        return switch (name) {
            case "sysv-queue" -> new SysVQueueGate();
            case "sysv-semaphore" -> new SysVSemaphoreGate();
            case "named-semaphore" -> new NamedSemaphoreGate();
            case "unnamed-semaphore" -> new UnnamedSemaphoreGate();
            case "futex" -> new FutexGate();
            case "ofd-lock" -> new OfdLockGate();
            case "flock" -> new FlockGate();
            case "fifo-open" -> new FifoOpenGate();
            case "socket-connect" -> new ConnectGate();
            case "process-mutex" -> new MutexGate();
            default -> throw new IllegalArgumentException("no gate " + name + "; there are " + names());
        };
    }

    /** One System V queue; waiter {@code i} receives exactly type {@code i + 1}. */
    final class SysVQueueGate implements Gate<SysVMessageQueue> {
        @Override
        public SysVMessageQueue setUp(int n) throws IOException {
            return SysVMessageQueue.createPrivate().removeOnClose();
        }

        @Override
        public Object await(SysVMessageQueue q, int i) throws IOException {
            TypedMessage m = q.receive(TypeFilter.exactly(i + 1));
            return m.type() + ":" + new String(m.data(), StandardCharsets.UTF_8);
        }

        @Override
        public Object expected(int i) {
            return (i + 1) + ":message " + i;
        }

        @Override
        public void release(SysVMessageQueue q, int i) throws IOException {
            q.send(i + 1, ("message " + i).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void tearDown(SysVMessageQueue q) {
            q.close();
        }
    }

    /** One System V set of {@code n} semaphores at 0; waiter {@code i} takes one of semaphore {@code i}. */
    final class SysVSemaphoreGate implements Gate<SysVSemaphoreSet> {
        @Override
        public SysVSemaphoreSet setUp(int n) throws IOException {
            return SysVSemaphoreSet.createPrivate(n).removeOnClose();
        }

        @Override
        public Object await(SysVSemaphoreSet set, int i) throws IOException {
            return set.operate(SemaphoreOps.of(i, -1)) + ":" + set.value(i);
        }

        @Override
        public Object expected(int i) {
            return "true:0";
        }

        @Override
        public void release(SysVSemaphoreSet set, int i) throws IOException {
            set.operate(SemaphoreOps.of(i, 1));
        }

        @Override
        public void tearDown(SysVSemaphoreSet set) {
            set.close();
        }
    }

    /** {@code n} POSIX named semaphores at 0, one a waiter. */
    final class NamedSemaphoreGate implements Gate<List<NamedSemaphore>> {
        @Override
        public List<NamedSemaphore> setUp(int n) throws IOException {
            List<NamedSemaphore> sems = new ArrayList<>(n);
            try {
                for (int i = 0; i < n; i++) {
                    sems.add(NamedSemaphore.create(NamedSemaphore.uniqueName(TestRun.prefix("vt")), 0).unlinkOnClose());
                }
                return sems;
            } catch (IOException | RuntimeException e) {
                tearDown(sems);
                throw e;
            }
        }

        @Override
        public Object await(List<NamedSemaphore> sems, int i) throws IOException {
            sems.get(i).acquire();
            return "acquired:" + sems.get(i).value();
        }

        @Override
        public Object expected(int i) {
            return "acquired:0";
        }

        @Override
        public void release(List<NamedSemaphore> sems, int i) throws IOException {
            sems.get(i).release();
        }

        @Override
        public void tearDown(List<NamedSemaphore> sems) {
            sems.forEach(NamedSemaphore::close);
        }
    }

    /** {@code n} unnamed semaphores at 0 in one memfd, one a waiter. */
    final class UnnamedSemaphoreGate implements Gate<UnnamedSemaphoreGate.Region> {
        private static final long STRIDE = (UnnamedSemaphore.SIZE + 7) & ~7L;

        /** The memfd, its mapping and the semaphores in it. */
        record Region(Memfd memfd, Mapping mapping, List<UnnamedSemaphore> sems) {
        }

        @Override
        public Region setUp(int n) throws IOException {
            Memfd memfd = sealedMemfd("vt-semaphores", STRIDE * n);
            Mapping mapping = null;
            List<UnnamedSemaphore> sems = new ArrayList<>(n);
            try {
                mapping = memfd.map();
                for (int i = 0; i < n; i++) {
                    sems.add(UnnamedSemaphore.initialize(mapping.segment(), STRIDE * i, 0));
                }
                return new Region(memfd, mapping, sems);
            } catch (IOException | RuntimeException e) {
                tearDown(new Region(memfd, mapping, sems));
                throw e;
            }
        }

        @Override
        public Object await(Region r, int i) throws IOException {
            r.sems().get(i).acquire();
            return "acquired:" + r.sems().get(i).value();
        }

        @Override
        public Object expected(int i) {
            return "acquired:0";
        }

        @Override
        public void release(Region r, int i) throws IOException {
            r.sems().get(i).release();
        }

        @Override
        public void tearDown(Region r) {
            r.sems().forEach(UnnamedSemaphore::close);
            if (r.mapping() != null) {
                r.mapping().close();
            }
            r.memfd().close();
        }
    }

    /** {@code n} futex words at 0 in one memfd; waiter {@code i} waits until word {@code i} is {@code i + 1}. */
    final class FutexGate implements Gate<FutexGate.Words> {
        /** The memfd, its mapping and a futex on each word. */
        record Words(Memfd memfd, Mapping mapping, List<Futex> futexes) {
        }

        @Override
        public Words setUp(int n) throws IOException {
            Memfd memfd = Memfd.create("vt-futexes", 4L * n);
            try {
                Mapping mapping = memfd.map();
                MemorySegment s = mapping.segment();
                List<Futex> futexes = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    futexes.add(Futex.of(s, 4L * i));
                }
                return new Words(memfd, mapping, futexes);
            } catch (IOException | RuntimeException e) {
                memfd.close();
                throw e;
            }
        }

        @Override
        public Object await(Words w, int i) throws IOException {
            Futex f = w.futexes().get(i);
            while (f.value() == 0) { // a futex wait may end spuriously: a user loops so
                f.await(0);
            }
            return f.value();
        }

        @Override
        public Object expected(int i) {
            return i + 1;
        }

        @Override
        public void release(Words w, int i) throws IOException {
            Futex f = w.futexes().get(i);
            f.set(i + 1);
            f.wake(1);
        }

        @Override
        public void tearDown(Words w) {
            w.futexes().forEach(Futex::close);
            w.mapping().close();
            w.memfd().close();
        }
    }

    /**
     * Open file description locks: one open file holds byte {@code 2i} for each waiter
     * (bytes apart, so that the kernel keeps the locks apart), another waits for them, each
     * waiter for its byte.
     */
    final class OfdLockGate implements Gate<OfdLockGate.Locks> {
        /** The directory, the holder's file and locks, the waiters' file. */
        record Locks(Path dir, LockableFile holder, List<HeldLock> held, LockableFile waiters) {
        }

        @Override
        public Locks setUp(int n) throws IOException {
            Path dir = Files.createTempDirectory("vt-locks");
            Path path = dir.resolve("locked");
            LockableFile holder = null;
            LockableFile waiters = null;
            try {
                holder = LockableFile.openOrCreate(path);
                List<HeldLock> held = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    held.add(holder.tryLock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE, 2L * i, 1));
                }
                waiters = LockableFile.open(path);
                return new Locks(dir, holder, held, waiters);
            } catch (IOException | RuntimeException e) {
                tearDown(new Locks(dir, holder, List.of(), waiters));
                throw e;
            }
        }

        @Override
        public Object await(Locks f, int i) throws IOException {
            try (HeldLock lock = f.waiters().lock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE, 2L * i, 1)) {
                return "locked:" + lock.start() + ":" + lock.isValid();
            }
        }

        @Override
        public Object expected(int i) {
            return "locked:" + 2 * i + ":true";
        }

        @Override
        public void release(Locks f, int i) throws IOException {
            f.held().get(i).release();
        }

        @Override
        public void tearDown(Locks f) throws IOException {
            if (f.waiters() != null) {
                f.waiters().close();
            }
            if (f.holder() != null) {
                f.holder().close();
            }
            deleteTree(f.dir());
        }
    }

    /**
     * {@code flock}: one open file holds the file exclusively; each waiter, with an open file
     * of its own, wants it shared, and all get it when the holder lets go.
     */
    final class FlockGate implements Gate<FlockGate.Locks> {
        /** The directory, the holder's file and lock, the waiters' files. */
        record Locks(Path dir, LockableFile holder, HeldLock held, List<LockableFile> waiters) {
        }

        @Override
        public Locks setUp(int n) throws IOException {
            Path dir = Files.createTempDirectory("vt-flock");
            Path path = dir.resolve("locked");
            List<LockableFile> waiters = new ArrayList<>(n);
            LockableFile holder = null;
            try {
                holder = LockableFile.openOrCreate(path);
                HeldLock held = holder.tryLock(LockKind.FLOCK, LockMode.EXCLUSIVE);
                for (int i = 0; i < n; i++) {
                    waiters.add(LockableFile.open(path));
                }
                return new Locks(dir, holder, held, waiters);
            } catch (IOException | RuntimeException e) {
                tearDown(new Locks(dir, holder, null, waiters));
                throw e;
            }
        }

        @Override
        public Object await(Locks f, int i) throws IOException {
            try (HeldLock lock = f.waiters().get(i).lock(LockKind.FLOCK, LockMode.SHARED)) {
                return "locked:" + lock.mode() + ":" + lock.isValid();
            }
        }

        @Override
        public Object expected(int i) {
            return "locked:SHARED:true";
        }

        @Override
        public boolean opensForAll() {
            return true;
        }

        @Override
        public void release(Locks f, int i) throws IOException {
            f.held().release();
        }

        @Override
        public void tearDown(Locks f) throws IOException {
            f.waiters().forEach(LockableFile::close);
            if (f.holder() != null) {
                f.holder().close();
            }
            deleteTree(f.dir());
        }
    }

    /** {@code n} FIFOs; waiter {@code i} opens FIFO {@code i} for reading, which waits for a writer, then reads. */
    final class FifoOpenGate implements Gate<Path> {
        @Override
        public Path setUp(int n) throws IOException {
            Path dir = Files.createTempDirectory("vt-fifos");
            try {
                for (int i = 0; i < n; i++) {
                    Fifo.create(dir.resolve("fifo-" + i));
                }
                return dir;
            } catch (IOException | RuntimeException e) {
                deleteTree(dir);
                throw e;
            }
        }

        @Override
        public Object await(Path dir, int i) throws IOException {
            try (PipeSource source = Fifo.openForReading(dir.resolve("fifo-" + i))) {
                byte[] b = new byte[64];
                int n = source.read(b, 0, b.length);
                return n < 0 ? "EOF" : new String(b, 0, n, StandardCharsets.UTF_8);
            }
        }

        @Override
        public Object expected(int i) {
            return "fifo " + i;
        }

        @Override
        public void release(Path dir, int i) throws IOException {
            // a reader waiting in open counts as a reader: a non-blocking open for writing succeeds
            try (PipeSink sink = Fifo.openForWritingNonBlocking(dir.resolve("fifo-" + i))) {
                byte[] b = ((String) expected(i)).getBytes(StandardCharsets.UTF_8);
                sink.write(b, 0, b.length);
            }
        }

        @Override
        public void tearDown(Path dir) throws IOException {
            deleteTree(dir);
        }
    }

    /**
     * Unix stream sockets connecting to a listener whose backlog is full: {@code connect}
     * waits for room, and no poll tells when there is. Accepting lets them in, one per
     * accepted connection, in an order the kernel picks: the gate opens for all. A socket is a
     * channel: an interrupt closes it.
     */
    final class ConnectGate implements Gate<ConnectGate.Sockets> {
        /** The directory, the listener, the connections that fill its backlog, the accepted, the waiters' sockets. */
        record Sockets(Path dir, UnixServerSocket server, SocketAddress address, List<UnixSocket> fillers,
                List<UnixSocket> accepted, List<UnixSocket> clients) {
        }

        @Override
        public Sockets setUp(int n) throws IOException {
            Path dir = Files.createTempDirectory("vt-connect");
            SocketAddress address = UnixDomainSocketAddress.of(dir.resolve("listener"));
            Sockets s = new Sockets(dir, UnixServerSocket.create(SocketType.STREAM, address, 1).unlinkOnClose(),
                    address, new ArrayList<>(), new ArrayList<>(), new ArrayList<>(n));
            try {
                while (true) { // fill the backlog: until a connect would have to wait
                    UnixSocket filler = UnixSocket.open(SocketType.STREAM);
                    filler.configureBlocking(false);
                    try {
                        filler.connect(address);
                        s.fillers().add(filler);
                    } catch (SocketConnectException full) {
                        filler.close();
                        break;
                    }
                }
                for (int i = 0; i < n; i++) {
                    s.clients().add(UnixSocket.open(SocketType.STREAM));
                }
                return s;
            } catch (IOException | RuntimeException e) {
                tearDown(s);
                throw e;
            }
        }

        @Override
        public Object await(Sockets s, int i) throws IOException {
            UnixSocket client = s.clients().get(i);
            client.connect(s.address());
            return "connected:" + client.remoteAddress().equals(s.address());
        }

        @Override
        public Object expected(int i) {
            return "connected:true";
        }

        @Override
        public boolean opensForAll() {
            return true;
        }

        @Override
        public void release(Sockets s, int i) throws IOException {
            for (int k = 0; k < s.fillers().size() + s.clients().size(); k++) {
                s.accepted().add(s.server().accept());
            }
        }

        @Override
        public Class<? extends Throwable> interrupted() {
            return ClosedByInterruptException.class;
        }

        @Override
        public void tearDown(Sockets s) throws IOException {
            s.clients().forEach(UnixSocket::close);
            s.accepted().forEach(UnixSocket::close);
            s.fillers().forEach(UnixSocket::close);
            s.server().close();
            deleteTree(s.dir());
        }
    }

    /** Deletes a directory of files. */
    private static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    /**
     * Process mutexes in a memfd, each held by the thread that drives the round: waiter
     * {@code i} locks mutex {@code i} (on the platform thread bound to it, since the C library
     * knows an owner by its kernel thread) and unlocks it; the driver's unlock releases it.
     */
    final class MutexGate implements Gate<MutexGate.Mutexes> {
        /** The memfd, its mapping, the mutexes and which the driver still holds. */
        record Mutexes(Memfd memfd, Mapping mapping, List<ProcessMutex> mutexes, boolean[] held) {
        }

        @Override
        public Mutexes setUp(int n) throws IOException {
            Memfd memfd = sealedMemfd("vt-mutexes", ProcessMutex.SIZE * n);
            try {
                Mapping mapping = memfd.map();
                List<ProcessMutex> mutexes = new ArrayList<>(n);
                boolean[] held = new boolean[n];
                for (int i = 0; i < n; i++) {
                    ProcessMutex m = ProcessMutex.initialize(mapping.segment(), ProcessMutex.SIZE * i);
                    mutexes.add(m);
                    m.lock();
                    held[i] = true;
                }
                return new Mutexes(memfd, mapping, mutexes, held);
            } catch (IOException | RuntimeException e) {
                memfd.close();
                throw e;
            }
        }

        @Override
        public Object await(Mutexes m, int i) throws IOException {
            ProcessMutex mutex = m.mutexes().get(i);
            LockState s = mutex.lock();
            mutex.unlock();
            return s;
        }

        @Override
        public Object expected(int i) {
            return LockState.ACQUIRED;
        }

        @Override
        public void release(Mutexes m, int i) throws IOException {
            m.mutexes().get(i).unlock();
            m.held()[i] = false;
        }

        @Override
        public String waitingThreads() {
            return "panama-ipc-bound";
        }

        @Override
        public void tearDown(Mutexes m) throws IOException {
            for (int i = 0; i < m.held().length; i++) {
                if (m.held()[i]) {
                    m.mutexes().get(i).unlock();
                }
            }
            m.mutexes().forEach(ProcessMutex::close);
            m.mapping().close();
            m.memfd().close();
        }
    }
}
