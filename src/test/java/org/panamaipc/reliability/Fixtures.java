package org.panamaipc.reliability;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.panamaipc.Interest;
import org.panamaipc.OwnedFd;
import org.panamaipc.WaitSet;
import org.panamaipc.channel.BroadcastReceiver;
import org.panamaipc.channel.BroadcastTransmitter;
import org.panamaipc.channel.Channel;
import org.panamaipc.channel.ChannelKind;
import org.panamaipc.channel.ChannelReader;
import org.panamaipc.channel.ChannelWriter;
import org.panamaipc.lock.HeldLock;
import org.panamaipc.lock.LockKind;
import org.panamaipc.lock.LockMode;
import org.panamaipc.lock.LockableFile;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.mq.SysVMessage;
import org.panamaipc.mq.SysVMessageQueue;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.pipe.PipeSink;
import org.panamaipc.pipe.PipeSource;
import org.panamaipc.process.ChildProcess;
import org.panamaipc.process.PidFd;
import org.panamaipc.process.Registers;
import org.panamaipc.process.SyscallStop;
import org.panamaipc.process.Trace;
import org.panamaipc.process.TraceEvent;
import org.panamaipc.process.TraceOption;
import org.panamaipc.process.TraceeExit;
import org.panamaipc.shm.MappedFile;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.Memfd;
import org.panamaipc.shm.Seal;
import org.panamaipc.shm.SharedMemory;
import org.panamaipc.shm.SysVSharedMemory;
import org.panamaipc.signal.Signal;
import org.panamaipc.signal.SignalRegistration;
import org.panamaipc.signal.Signals;
import org.panamaipc.socket.AbstractSocketAddress;
import org.panamaipc.socket.ReceivedMessage;
import org.panamaipc.socket.SocketPair;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixServerSocket;
import org.panamaipc.socket.UnixSocket;
import org.panamaipc.sync.EventFd;
import org.panamaipc.sync.Futex;
import org.panamaipc.sync.NamedSemaphore;
import org.panamaipc.sync.ProcessCondition;
import org.panamaipc.sync.SemaphoreOps;
import org.panamaipc.sync.ProcessMutex;
import org.panamaipc.sync.SysVSemaphoreSet;
import org.panamaipc.sync.UnnamedSemaphore;

/**
 * A live object of every public type that holds a kernel resource, made in a {@link Scope}
 * that undoes everything it made, names and System V objects included. The suite checks that
 * every public {@link AutoCloseable} type of the library has one here.
 */
final class Fixtures {
    /** Makes a live object. */
    @FunctionalInterface
    interface Factory {
        /**
         * Makes the object.
         *
         * @param scope where everything made is undone
         * @return the object
         * @throws Exception if it cannot be made
         */
        Object make(Scope scope) throws Exception;
    }

    private static final Map<Class<?>, Factory> FACTORIES = new LinkedHashMap<>();

    static {
        FACTORIES.put(OwnedFd.class, s -> s.own(s.own(EventFd.create(0, EventFd.Mode.COUNTER)).fd().dup()));
        FACTORIES.put(WaitSet.class, s -> s.own(WaitSet.create()));
        FACTORIES.put(Pipe.class, s -> s.own(Pipe.open()));
        FACTORIES.put(PipeSource.class, s -> s.own(Pipe.open()).source());
        FACTORIES.put(PipeSink.class, s -> s.own(Pipe.open()).sink());
        FACTORIES.put(PosixMessageQueue.class, s -> {
            String name = PosixMessageQueue.uniqueName("rel");
            s.defer(() -> PosixMessageQueue.unlinkIfExists(name));
            return s.own(PosixMessageQueue.create(name, 4, 64));
        });
        FACTORIES.put(SysVMessageQueue.class, Fixtures::sysVQueue);
        FACTORIES.put(SharedMemory.class, s -> {
            String name = SharedMemory.uniqueName("rel");
            s.defer(() -> SharedMemory.unlinkIfExists(name));
            return s.own(SharedMemory.create(name, 4096));
        });
        FACTORIES.put(SysVSharedMemory.class, s -> sysVSharedMemory(s, 4096));
        FACTORIES.put(Memfd.class, s -> s.own(Memfd.create("rel", 4096)));
        FACTORIES.put(MappedFile.class, s -> s.own(MappedFile.create(tempFile(s).resolveSibling("mapped"), 4096)));
        FACTORIES.put(Mapping.class, s -> s.own(s.own(Memfd.create("rel", 4096)).map()));
        FACTORIES.put(NamedSemaphore.class, s -> {
            String name = NamedSemaphore.uniqueName("rel");
            s.defer(() -> NamedSemaphore.unlinkIfExists(name));
            return s.own(NamedSemaphore.create(name, 0));
        });
        FACTORIES.put(SysVSemaphoreSet.class, s -> sysVSemaphoreSet(s, 1));
        FACTORIES.put(UnnamedSemaphore.class, s -> s.own(UnnamedSemaphore.initialize(sharedRegion(s), 0, 0)));
        FACTORIES.put(ProcessMutex.class, s -> s.own(ProcessMutex.initialize(sharedRegion(s), 0)));
        FACTORIES.put(ProcessCondition.class, s -> s.own(ProcessCondition.initialize(sharedRegion(s), 0)));
        FACTORIES.put(Futex.class, s -> s.own(Futex.of(sharedRegion(s), 0)));
        FACTORIES.put(EventFd.class, s -> s.own(EventFd.create(0, EventFd.Mode.COUNTER)));
        FACTORIES.put(SocketPair.class, s -> s.own(UnixSocket.pair(SocketType.STREAM)));
        FACTORIES.put(UnixSocket.class, s -> {
            SocketPair pair = s.own(UnixSocket.pair(SocketType.STREAM));
            return pair.first();
        });
        FACTORIES.put(UnixServerSocket.class, s -> s.own(UnixServerSocket.create(SocketType.STREAM,
                AbstractSocketAddress.unique("rel"))));
        FACTORIES.put(ReceivedMessage.class, s -> {
            SocketPair pair = s.own(UnixSocket.pair(SocketType.DATAGRAM));
            Arena arena = s.own(Arena.ofConfined());
            pair.first().sendDescriptors(arena.allocateFrom("fd"), pair.first().fd());
            return s.own(pair.second().receiveMessage(arena.allocate(16), 4));
        });
        FACTORIES.put(LockableFile.class, s -> s.own(LockableFile.openOrCreate(tempFile(s))));
        FACTORIES.put(HeldLock.class, s -> s.own(s.own(LockableFile.openOrCreate(tempFile(s)))
                .lock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE)));
        FACTORIES.put(PidFd.class, s -> s.own(PidFd.open(ProcessHandle.current().pid())));
        FACTORIES.put(ChildProcess.class, s -> {
            // A child that has exited and been waited for: close() then owes the kernel nothing.
            ChildProcess child = s.own(ChildProcess.builder("true").start());
            child.waitFor();
            return child;
        });
        FACTORIES.put(ChildProcess.Builder.class, s -> ChildProcess.builder("true"));
        FACTORIES.put(SemaphoreOps.Builder.class, s -> SemaphoreOps.builder());
        FACTORIES.put(WaitSet.Key.class, s -> s.own(WaitSet.create())
                .register(s.own(EventFd.create(0, EventFd.Mode.COUNTER)), Interest.READABLE));
        FACTORIES.put(SysVMessage.class, s -> SysVMessage.allocate(s.own(Arena.ofShared()), 64));
        FACTORIES.put(SignalRegistration.class, s -> s.own(Signals.handle(Signal.SIGWINCH, info -> { })));
        // Channels in a memfd: no name to remove; closing the channel closes its ends too.
        FACTORIES.put(Channel.class, s -> s.own(Channel.createAnonymous(ChannelKind.ONE_TO_ONE, 4096)));
        FACTORIES.put(ChannelWriter.class, s -> s.own(s.own(Channel.createAnonymous(ChannelKind.ONE_TO_ONE, 4096))
                .writer()));
        FACTORIES.put(ChannelReader.class, s -> s.own(s.own(Channel.createAnonymous(ChannelKind.ONE_TO_ONE, 4096))
                .reader()));
        FACTORIES.put(BroadcastTransmitter.class, s -> s.own(s.own(Channel.createAnonymous(ChannelKind.BROADCAST, 4096))
                .transmitter()));
        FACTORIES.put(BroadcastReceiver.class, s -> s.own(s.own(Channel.createAnonymous(ChannelKind.BROADCAST, 4096))
                .receiver()));
        FACTORIES.put(Trace.class, Fixtures::trace);
        FACTORIES.put(SyscallStop.class, s -> syscallStop(tracedTrue(s)));
        FACTORIES.put(TraceEvent.class, s -> syscallStop(tracedTrue(s)));
        FACTORIES.put(Registers.class, s -> {
            Trace trace = tracedTrue(s);
            return trace.registers(syscallStop(trace).pid());
        });
    }

    private Fixtures() {
    }

    /** {@return the types that have a factory, and the factories} */
    static Map<Class<?>, Factory> all() {
        return FACTORIES;
    }

    /**
     * Makes a live object of a type, or of the first type that extends it.
     *
     * @param type the type
     * @param scope where it is undone
     * @return the object, or null if no factory makes one
     * @throws Exception if the factory fails
     */
    static Object make(Class<?> type, Scope scope) throws Exception {
        Factory exact = FACTORIES.get(type);
        if (exact != null) {
            return exact.make(scope);
        }
        for (Map.Entry<Class<?>, Factory> e : FACTORIES.entrySet()) {
            if (type.isAssignableFrom(e.getKey())) {
                return e.getValue().make(scope);
            }
        }
        return null;
    }

    /**
     * A private System V queue, removed when the scope ends (by id: the object may be closed by then).
     *
     * @param scope where it is undone
     * @return the queue
     * @throws Exception if it cannot be made
     */
    static SysVMessageQueue sysVQueue(Scope scope) throws Exception {
        SysVMessageQueue made = scope.own(SysVMessageQueue.createPrivate());
        int id = made.id();
        scope.defer(() -> {
            try (SysVMessageQueue again = SysVMessageQueue.openId(id)) {
                again.remove();
            }
        });
        return made;
    }

    /**
     * A private System V segment, removed when the scope ends.
     *
     * @param scope where it is undone
     * @param size its size
     * @return the segment
     * @throws Exception if it cannot be made
     */
    static SysVSharedMemory sysVSharedMemory(Scope scope, long size) throws Exception {
        SysVSharedMemory made = scope.own(SysVSharedMemory.createPrivate(size));
        int id = made.id();
        scope.defer(() -> {
            try (SysVSharedMemory again = SysVSharedMemory.openId(id)) {
                again.remove();
            }
        });
        return made;
    }

    /**
     * A private System V semaphore set, removed when the scope ends.
     *
     * @param scope where it is undone
     * @param size how many semaphores
     * @return the set
     * @throws Exception if it cannot be made
     */
    static SysVSemaphoreSet sysVSemaphoreSet(Scope scope, int size) throws Exception {
        SysVSemaphoreSet made = scope.own(SysVSemaphoreSet.createPrivate(size));
        int id = made.id();
        scope.defer(() -> {
            try (SysVSemaphoreSet again = SysVSemaphoreSet.openId(id)) {
                again.remove();
            }
        });
        return made;
    }

    /**
     * A trace of a sleeping child of this process, attached to it: the trace leaves the child
     * to its caller, so the scope closes the trace, then kills and reaps the child and closes it.
     *
     * @param scope where it is undone
     * @return the trace
     * @throws Exception if it cannot be made
     */
    static Trace trace(Scope scope) throws Exception {
        ChildProcess child = scope.own(ChildProcess.builder(List.of("sleep", "30")).start());
        scope.defer(() -> {
            if (child.fd().isOpen()) {
                child.kill();
                child.waitFor();
            }
        });
        return scope.own(Trace.attach(child));
    }

    /**
     * A trace of {@code true}, started traced for its system calls; the trace owns the child,
     * which runs on untraced to its end when the scope closes the trace.
     *
     * @param scope where it is undone
     * @return the trace, before its first event
     * @throws Exception if it cannot be made
     */
    static Trace tracedTrue(Scope scope) throws Exception {
        return scope.own(Trace.start(List.of("true"), TraceOption.SYSCALLS));
    }

    /**
     * {@return the first system-call stop of a trace, a live one: the tracee stays in it}
     *
     * @param trace a trace of a program that makes system calls
     * @throws Exception if the trace ends without one
     */
    static SyscallStop syscallStop(Trace trace) throws Exception {
        for (int events = 0; events < 100; events++) {
            TraceEvent e = trace.next(Duration.ofSeconds(10));
            if (e instanceof SyscallStop stop) {
                return stop;
            }
            if (e == null || e instanceof TraceeExit) {
                break;
            }
            trace.resume(e);
        }
        throw new IllegalStateException("no system-call stop from " + trace);
    }

    /** {@return 4 KiB of shared memory that cannot shrink (a memfd sealed with Seal.SHRINK), mapped for the scope} */
    static MemorySegment sharedRegion(Scope scope) throws Exception {
        Memfd memfd = scope.own(Memfd.create("rel-region", 4096));
        memfd.addSeals(Seal.SHRINK);
        return scope.own(memfd.map()).segment();
    }

    /** {@return a new empty file in a directory of its own, both deleted when the scope ends} */
    static Path tempFile(Scope scope) throws Exception {
        Path dir = Files.createTempDirectory("rel-");
        scope.defer(() -> {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        });
        return Files.createFile(dir.resolve("file"));
    }
}
