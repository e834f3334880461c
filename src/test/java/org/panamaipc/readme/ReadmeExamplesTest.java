package org.panamaipc.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.panamaipc.Interest;
import org.panamaipc.OwnedFd;
import org.panamaipc.WaitSet;
import org.panamaipc.channel.Channel;
import org.panamaipc.channel.ChannelClaim;
import org.panamaipc.channel.ChannelKind;
import org.panamaipc.channel.ChannelReader;
import org.panamaipc.channel.ChannelWriter;
import org.panamaipc.lock.HeldLock;
import org.panamaipc.lock.LockKind;
import org.panamaipc.lock.LockMode;
import org.panamaipc.lock.LockableFile;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.mq.PriorityMessage;
import org.panamaipc.mq.SysVMessageQueue;
import org.panamaipc.mq.TypeFilter;
import org.panamaipc.process.ChildProcess;
import org.panamaipc.process.ExitStatus;
import org.panamaipc.process.ProcessMemory;
import org.panamaipc.process.SyscallStop;
import org.panamaipc.process.Trace;
import org.panamaipc.process.TraceEvent;
import org.panamaipc.process.TraceOption;
import org.panamaipc.process.TraceeExit;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.Memfd;
import org.panamaipc.shm.SharedMemory;
import org.panamaipc.shm.SysVSharedMemory;
import org.panamaipc.signal.Signal;
import org.panamaipc.sync.EventFd;
import org.panamaipc.signal.SignalInfo;
import org.panamaipc.signal.SignalRegistration;
import org.panamaipc.signal.Signals;
import org.panamaipc.socket.SocketPair;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixSocket;
import org.panamaipc.sync.NamedSemaphore;
import org.panamaipc.testing.IpcTest;

/**
 * The README's examples, compiled and run. Each example sits between a README marker
 * comment (with the example's name) and an END marker comment here, and must appear,
 * character for character, as a {@code java} block in README.md:
 * {@link #readmeShowsExactlyTheseExamples} fails when one drifts from the other.
 */
@IpcTest
class ReadmeExamplesTest {
    private static final Pattern MIRRORED = Pattern.compile("// README:(\\S+)\\n(.*?)\\n\\s*// END", Pattern.DOTALL);
    private static final Pattern README_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private PrintStream stdout;

    @BeforeEach
    void capturePrinted() {
        stdout = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStdout() {
        System.setOut(stdout);
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void traceACommand() throws IOException {
        // README:trace
        try (Trace trace = Trace.start(List.of("sh", "-c", "echo hi > /dev/null"), TraceOption.SYSCALLS)) {
            for (TraceEvent e; (e = trace.next()) != null; ) {
                if (e instanceof SyscallStop call && !call.isEntry() && call.name().equals("write")) {
                    System.out.println("write(" + call.argument(0) + ", ..., " + call.argument(2) + ") = " + call.result());
                }
                if (!(e instanceof TraceeExit)) {
                    trace.resume(e);                 // as untraced: a signal stop gets its signal
                }
            }
        }
        // END
        assertThat(printed()).isEqualTo("write(1, ..., 3) = 3\n");
    }

    @Test
    void driveATraceOnTheTracerThread(@TempDir Path dir) throws IOException {
        Path file = Files.createFile(dir.resolve("kept"));
        try (Trace trace = Trace.start(List.of("rm", file.toString()), TraceOption.SYSCALLS)) {
            // README:drive
            trace.drive(e -> {                           // on the tracer thread
                if (e instanceof SyscallStop call && call.isEntry() && call.name().equals("unlinkat")) {
                    return false;                        // ends the loop; the tracee stays stopped there
                }
                if (!(e instanceof TraceeExit)) {
                    trace.resume(e);
                }
                return true;
            });
            // END
            assertThat(file).exists(); // rm waits at its unlinkat
            trace.resume(trace.child().pid());
            for (TraceEvent e; (e = trace.next()) != null; ) {
                if (!(e instanceof TraceeExit)) {
                    trace.resume(e);
                }
            }
            assertThat(trace.child().waitFor(Duration.ofSeconds(10))).isEqualTo(ExitStatus.exited(0));
        }
        assertThat(file).doesNotExist();
    }

    @Test
    void posixMessageQueue() throws IOException {
        // README:mq
        String name = PosixMessageQueue.uniqueName("orders");
        try (PosixMessageQueue q = PosixMessageQueue.create(name, 10, 256).unlinkOnClose()) {
            q.send("ship 42".getBytes(StandardCharsets.UTF_8), 5);        // priority 5
            PriorityMessage m = q.receive(Duration.ofSeconds(1));        // null on timeout
            System.out.println(new String(m.data(), StandardCharsets.UTF_8) + " @" + m.priority());
        }
        // END
        assertThat(PosixMessageQueue.unlinkIfExists(name)).isFalse();
        assertThat(printed()).isEqualTo("ship 42 @5\n");
    }

    @Test
    void systemVMessageQueue() throws IOException {
        // README:msg
        try (SysVMessageQueue q = SysVMessageQueue.createPrivate().removeOnClose()) {
            q.send(7, "typed".getBytes(StandardCharsets.UTF_8));
            System.out.println(q.receive(TypeFilter.exactly(7)));
        }
        // END
        assertThat(printed()).startsWith("TypedMessage[type=7 length=5]");
    }

    @Test
    void posixSharedMemory() throws IOException {
        // README:shm
        String name = SharedMemory.uniqueName("counter");       // a peer opens it by name
        try (SharedMemory shm = SharedMemory.create(name, 4096).unlinkOnClose();
             Mapping mapping = shm.map()) {
            MemorySegment s = mapping.segment();                   // a peer maps the same bytes
            s.set(ValueLayout.JAVA_LONG, 0, 42);
            System.out.println(s.get(ValueLayout.JAVA_LONG, 0));
        }
        // END
        assertThat(printed()).isEqualTo("42\n");
    }

    @Test
    void systemVSharedMemory() throws IOException {
        // README:sysv-shm
        try (SysVSharedMemory segment = SysVSharedMemory.createPrivate(4096).removeOnClose();
             Mapping mapping = segment.attach()) {
            mapping.segment().setString(0, "attached by id " + segment.id());
            System.out.println(mapping.segment().getString(0));
        }
        // END
        assertThat(printed()).startsWith("attached by id ");
    }

    @Test
    void namedSemaphore() throws IOException {
        // README:sem
        String name = NamedSemaphore.uniqueName("jobs");
        try (NamedSemaphore jobs = NamedSemaphore.create(name, 0).unlinkOnClose()) {
            jobs.release();                                          // another process: open + acquire
            System.out.println(jobs.tryAcquire(Duration.ofSeconds(1)) + ", value " + jobs.value());
        }
        // END
        assertThat(printed()).isEqualTo("true, value 0\n");
    }

    @Test
    void pipeToAChildProcess() throws IOException {
        // README:pipe
        try (Pipe toChild = Pipe.open(); Pipe fromChild = Pipe.open();
             ChildProcess tr = ChildProcess.builder("tr", "a-z", "A-Z")
                     .mapFd(0, toChild.source()).mapFd(1, fromChild.sink()).start()) {
            toChild.source().close();                                // the child has its own copies
            fromChild.sink().close();
            try (var out = toChild.sink().outputStream()) {
                out.write("hello, pipe\n".getBytes(StandardCharsets.UTF_8));
            }
            System.out.print(new String(fromChild.source().inputStream().readAllBytes(), StandardCharsets.UTF_8));
            System.out.println(tr.waitFor(Duration.ofSeconds(5)));
        }
        // END
        assertThat(printed()).startsWith("HELLO, PIPE\nexited(0)");
    }

    @Test
    void descriptorPassing() throws IOException {
        // README:fd
        try (SocketPair pair = UnixSocket.pair(SocketType.STREAM);
             Memfd memfd = Memfd.create("payload", 4096);
             Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(1);
            pair.first().sendDescriptors(one, memfd.fd());             // SCM_RIGHTS
            try (var received = pair.second().receiveMessage(one, 1)) {
                System.out.println("got " + received.descriptors());
            }
        }
        // END
        assertThat(printed()).startsWith("got [OwnedFd[");
    }

    @Test
    void receivedDescriptorBecomesWhatItIs() throws IOException {
        // README:received
        Path notes = Files.writeString(Files.createTempFile("notes", ".txt"), "passed as a descriptor");
        try (SocketPair pair = UnixSocket.pair(SocketType.DATAGRAM);
             LockableFile file = LockableFile.open(notes);
             Arena arena = Arena.ofConfined()) {
            pair.first().sendDescriptors(arena.allocate(1), file.fd());
            try (var received = pair.second().receiveMessage(arena.allocate(1), 1)) {
                OwnedFd fd = received.descriptors().getFirst();
                System.out.println(fd.kind());                              // REGULAR_FILE
                try (FileChannel channel = fd.toFileChannel()) {            // a JDK channel of its own
                    System.out.println(channel.size() + " bytes");
                }
            }
        } finally {
            Files.delete(notes);
        }
        // END
        assertThat(printed()).isEqualTo("REGULAR_FILE\n22 bytes\n");
    }

    @Test
    @ResourceLock("signals")
    void signals() throws Exception {
        // README:signal
        LinkedBlockingQueue<SignalInfo> seen = new LinkedBlockingQueue<>();
        try (SignalRegistration r = Signals.handle(Signal.SIGUSR1, seen::add)) {  // a Java thread runs it
            Signals.kill(ProcessHandle.current().pid(), Signal.SIGUSR1);
            System.out.println(seen.poll(5, TimeUnit.SECONDS) + " via " + r.delivery());
        }
        // END
        assertThat(printed()).startsWith("SignalInfo[signal=SIGUSR1");
    }

    @Test
    void channel() throws IOException {
        // README:channel
        String name = Channel.uniqueName("ticks");                     // the peer: Channel.open(name)
        try (Channel channel = Channel.create(name, ChannelKind.ONE_TO_ONE, 1 << 16).unlinkOnClose();
             ChannelWriter writer = channel.writer();
             Channel peer = Channel.open(name);                           // another process, usually
             ChannelReader reader = peer.reader()) {
            ChannelClaim claim = writer.tryClaim(1, 8);                  // zero copy: write in place
            claim.buffer().set(ValueLayout.JAVA_LONG, claim.offset(), 42);
            claim.commit();
            writer.send(2, "hello".getBytes(StandardCharsets.UTF_8));    // copies; waits while full
            reader.poll((type, buffer, offset, length) ->                // zero copy, no allocation
                    System.out.println(type + ": " + length + " bytes"), 16);
        }
        // END
        assertThat(SharedMemory.unlinkIfExists(name)).isFalse();
        assertThat(printed()).isEqualTo("1: 8 bytes\n2: 5 bytes\n");
    }

    @Test
    void virtualThreads() throws Exception {
        // README:virtual-threads
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
             WaitSet set = WaitSet.create(); Pipe pipe = Pipe.open();
             EventFd doorbell = EventFd.create(0, EventFd.Mode.COUNTER)) {
            set.register(doorbell, Interest.READABLE, "doorbell");      // beside queues, sockets, children...
            Future<String> line = threads.submit(() -> {                 // parks: its carrier runs others
                byte[] b = new byte[64];
                return new String(b, 0, pipe.source().read(b, 0, b.length), StandardCharsets.UTF_8);
            });
            Future<List<Object>> rang = threads.submit(() ->             // parks too
                    set.select().stream().map(WaitSet.Key::attachment).toList());
            doorbell.signal(1);
            pipe.sink().write("hello".getBytes(StandardCharsets.UTF_8), 0, 5);
            System.out.println(rang.get() + " rang, read " + line.get());
        }
        // END
        assertThat(printed()).isEqualTo("[doorbell] rang, read hello\n");
    }

    @Test
    void stateChanges() throws IOException {
        // README:state-changes
        try (ChildProcess child = ChildProcess.builder("sleep", "30").start()) {
            child.stop();                                                        // SIGSTOP
            System.out.println(child.nextChange(Duration.ofSeconds(5)).kind());  // STOPPED
            child.resume();                                                      // SIGCONT
            System.out.println(child.nextChange(Duration.ofSeconds(5)).kind());  // CONTINUED
            child.kill();
            System.out.println(child.nextChange().exitStatus());                 // killed(SIGKILL(9))
        }
        // END
        assertThat(printed()).isEqualTo("STOPPED\nCONTINUED\nkilled(SIGKILL(9))\n");
    }

    @Test
    void crossMemory() throws IOException {
        // README:cross-memory
        String owner = "import ctypes, sys; b = ctypes.create_string_buffer(b'hello from python');"
                + " print(ctypes.addressof(b), len(b.value), flush=True); sys.stdin.read()";
        try (Pipe in = Pipe.open(); Pipe out = Pipe.open(); Arena arena = Arena.ofConfined();
             ChildProcess python = ChildProcess.builder("python3", "-c", owner)
                     .mapFd(0, in.source()).mapFd(1, out.sink()).start()) {
            in.source().close();
            out.sink().close();
            String[] where = new BufferedReader(new InputStreamReader(out.source().inputStream())).readLine().split(" ");
            MemorySegment copy = arena.allocate(Long.parseLong(where[1]));
            long n = ProcessMemory.of(python.pidFd()).read(Long.parseLong(where[0]), copy);  // one copy
            System.out.println(n + " bytes: " + new String(copy.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8));
            in.sink().close();                                                   // the owner may let go now
            System.out.println(python.waitFor());                                // exited(0)
        }
        // END
        assertThat(printed()).isEqualTo("17 bytes: hello from python\nexited(0)\n");
    }

    @Test
    void waitSet() throws IOException {
        // README:waitset
        try (WaitSet set = WaitSet.create();
             PosixMessageQueue jobs = PosixMessageQueue.create(PosixMessageQueue.uniqueName("jobs"), 10, 256).unlinkOnClose();
             ChildProcess worker = ChildProcess.builder("sh", "-c", "exit 3").start()) {
            set.register(jobs, Interest.READABLE, "jobs");               // beside pipes, sockets, signals...
            set.register(worker, Interest.EXITED, "worker");
            jobs.send("job 1".getBytes(StandardCharsets.UTF_8), 0);
            for (boolean exited = false; !exited; ) {
                for (WaitSet.Key key : set.select(Duration.ofSeconds(5))) {
                    if (key.attachment().equals("jobs")) {
                        System.out.println(new String(jobs.tryReceive().data(), StandardCharsets.UTF_8));
                    } else {
                        System.out.println("worker " + worker.waitFor());
                        exited = true;
                    }
                }
            }
        }
        // END
        assertThat(printed().lines()).containsExactlyInAnyOrder("job 1", "worker exited(3)");
    }

    @Test
    void fileLock() throws IOException {
        // README:lock
        Path path = Files.createTempFile("example", ".lock");
        try (LockableFile file = LockableFile.open(path);
             HeldLock lock = file.lock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE)) {
            try (LockableFile other = LockableFile.open(path)) {        // another open file: refused
                System.out.println(other.tryLock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE) + " while " + lock);
            }
        } finally {
            Files.delete(path);
        }
        // END
        assertThat(printed()).startsWith("null while HeldLock[OPEN_FILE, EXCLUSIVE");
    }

    @Test
    void readmeShowsExactlyTheseExamples() throws IOException {
        String source = Files.readString(Path.of("src/test/java/org/panamaipc/readme/ReadmeExamplesTest.java"));
        String readme = Files.readString(Path.of("README.md"));
        List<String> blocks = new ArrayList<>();
        for (Matcher m = README_BLOCK.matcher(readme); m.find(); ) {
            blocks.add(m.group(1).strip());
        }
        int examples = 0;
        for (Matcher m = MIRRORED.matcher(source); m.find(); examples++) {
            String code = m.group(2).stripIndent().strip();
            assertThat(blocks).as("README.md has the example \"" + m.group(1) + "\" as a java block").contains(code);
        }
        assertThat(examples).isEqualTo(17);
        assertThat(blocks).as("every java block in README.md is an example here").hasSize(examples);
    }
}
