package org.panamaipc.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * Proves {@link LeakCheck} by running fixture classes that leak, through JUnit's engine test
 * kit, and cleaning up what they leaked.
 */
@IpcTest
class LeakCheckTest {

    /** The configuration parameter that only these tests set, so fixtures run only here. */
    private static final String RUN_FIXTURES = "panamaipc.leakcheck.fixtures";

    /** What the fixtures leaked, for the tests to remove; fixtures run on another thread. */
    private static final List<Runnable> CLEANUPS = new CopyOnWriteArrayList<>();

    private static volatile Object leaked;

    @AfterEach
    void removeWhatTheFixtureLeaked() {
        CLEANUPS.reversed().forEach(Runnable::run);
        CLEANUPS.clear();
    }

    // The messages are checked line by line, not whole: a test run of the same user elsewhere
    // on the machine may add objects of its own.

    @Test
    void reportsALeakedDescriptorOnTheTestThatLeakedIt() {
        EngineExecutionResults results = run(PipeLeak.class);

        assertThat(failureOf(results.testEvents()).getMessage())
                .startsWith("PipeLeak.leaksAPipe() leaked:\n")
                .containsPattern("\n  fd \\d+ -> pipe:\\[\\d+]\n  fd \\d+ -> pipe:\\[\\d+]");
        // Reported once: by the method, not again by the class.
        results.containerEvents().assertStatistics(stats -> stats.failed(0));
    }

    @Test
    void reportsALeakedSharedMemoryFile() {
        EngineExecutionResults results = run(DevShmLeak.class);

        assertThat(failureOf(results.testEvents()).getMessage())
                .startsWith("DevShmLeak.leaksAFile() leaked:\n")
                .containsPattern(line(leaked));
    }

    @Test
    void reportsLeakedSystemVObjects() {
        EngineExecutionResults results = run(SysVLeak.class);

        @SuppressWarnings("unchecked")
        List<String> ids = (List<String>) leaked;
        assertThat(failureOf(results.testEvents()).getMessage())
                .startsWith("SysVLeak.leaksOneOfEach() leaked:\n")
                .containsPattern("\n  System V shm id=" + ids.get(0) + " key=0x\\p{XDigit}{8}\n")
                .containsPattern("\n  System V sem id=" + ids.get(1) + " key=0x\\p{XDigit}{8}\n")
                .containsPattern("\n  System V msg id=" + ids.get(2) + " key=0x\\p{XDigit}{8}(\n|$)");
    }

    @Test
    void reportsALeakedChildProcess() {
        EngineExecutionResults results = run(ProcessLeak.class);

        assertThat(failureOf(results.testEvents()).getMessage())
                .startsWith("ProcessLeak.leaksAProcess() leaked:\n")
                .containsPattern("\n  process " + ((Process) leaked).pid() + ": \\S*sleep 600(\n|$)");
    }

    @Test
    void reportsALeakOutsideTestMethodsOnTheClass() {
        EngineExecutionResults results = run(BeforeAllLeak.class);

        results.testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));
        assertThat(failureOf(results.containerEvents()).getMessage())
                .startsWith("BeforeAllLeak leaked:\n")
                .containsPattern(line(leaked));
    }

    @Test
    void countsOnlyTheObjectsOfThisRun() throws Exception {
        // Another program (not started by the run: setsid -f leaves it no child of this JVM)
        // creates and uses one object of every kind during the fixture's test and keeps them
        // past its check; so does the fixture itself, under the run's prefix, in /dev/shm.
        EngineExecutionResults results = run(ForeignObjects.class);

        @SuppressWarnings("unchecked")
        List<String> foreign = (List<String>) leaked;
        assertThat(foreign).as("what the other program made").hasSizeGreaterThanOrEqualTo(5);
        String message = failureOf(results.testEvents()).getMessage();
        assertThat(message)
                .startsWith("ForeignObjects.runsBesideAnotherProgram() leaked:\n")
                .contains("/dev/shm/" + TestRun.PREFIX + "-own-");
        for (String line : foreign) {
            assertThat(message).doesNotContain(line);
        }
    }

    @Test
    void passesATestThatCleansUpAfterUsingTheJdk() {
        EngineExecutionResults results = run(CleanFixture.class, LeakCheck.DEFAULT_SETTLE);

        results.allEvents().assertStatistics(stats -> stats.failed(0));
        results.testEvents().assertStatistics(stats -> stats.succeeded(1));
    }

    // ---- the fixtures, which run only inside the tests above ----

    /** Lets a fixture class run only when a test above runs it through the engine test kit. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @IpcTest
    @EnabledIf("org.panamaipc.testing.LeakCheckTest#runByTestKit")
    @interface Fixture {}

    static boolean runByTestKit(ExtensionContext context) {
        return context.getConfigurationParameter(RUN_FIXTURES).isPresent();
    }

    @Fixture
    static class PipeLeak {
        @Test
        void leaksAPipe() throws IOException {
            Pipe pipe = Pipe.open();
            CLEANUPS.add(() -> closeAll(pipe.source(), pipe.sink()));
        }
    }

    @Fixture
    static class DevShmLeak {
        @Test
        void leaksAFile() throws IOException {
            leaked = createDevShmFile();
        }
    }

    @Fixture
    static class SysVLeak {
        @Test
        void leaksOneOfEach() {
            leaked = List.of(ipcmk("-M", "4096"), ipcmk("-S", "1"), ipcmk("-Q"));
        }
    }

    @Fixture
    static class ProcessLeak {
        @Test
        void leaksAProcess() throws IOException {
            // No pipes to the child: the process alone is leaked.
            Process sleep = new ProcessBuilder("sleep", "600")
                    .redirectInput(Path.of("/dev/null").toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            leaked = sleep;
            CLEANUPS.add(() -> sleep.destroyForcibly().onExit().join());
        }
    }

    @Fixture
    static class ForeignObjects {
        @Test
        void runsBesideAnotherProgram() throws Exception {
            leaked = startAnotherProgram();
            createDevShmFile("own");
        }
    }

    @Fixture
    static class BeforeAllLeak {
        @BeforeAll
        static void leakAFile() throws IOException {
            leaked = createDevShmFile();
        }

        @Test
        void doesNothing() {}
    }

    @Fixture
    static class CleanFixture {
        /** Uses, and releases, what the JDK and the tools of these tests open. */
        @Test
        void usesAndReleases() throws Exception {
            Pipe pipe = Pipe.open();
            Thread reader = Thread.ofVirtual().start(() -> readOneByte(pipe.source()));
            pipe.sink().write(ByteBuffer.allocate(1));
            reader.join();
            closeAll(pipe.source(), pipe.sink());
            Selector.open().close();
            new SecureRandom().nextBytes(new byte[8]);
            Path file = createDevShmFile();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    Arena arena = Arena.ofConfined()) {
                channel.map(FileChannel.MapMode.READ_WRITE, 0, 4096, arena).set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
            }
            Files.delete(file);
            ipcrm("m", ipcmk("-M", "4096"));
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                server.bind(null);
                SocketChannel.open(server.getLocalAddress()).close();
                server.accept().close();
                Files.delete(((UnixDomainSocketAddress) server.getLocalAddress()).getPath());
            }
            new ProcessBuilder("true").start().waitFor();
        }

        private static void readOneByte(Pipe.SourceChannel source) {
            try {
                source.read(ByteBuffer.allocate(1));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    // ---- helpers ----

    private static EngineExecutionResults run(Class<?> fixture) {
        // The default settling time: shorter, and an object another program makes and keeps
        // a moment, one the kernel records no process for, would count as the fixture's.
        return run(fixture, LeakCheck.DEFAULT_SETTLE);
    }

    private static EngineExecutionResults run(Class<?> fixture, String settle) {
        return EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(fixture))
                .configurationParameter(RUN_FIXTURES, "true")
                .configurationParameter(LeakCheck.SETTLE_PARAMETER, settle)
                .execute();
    }

    /** A pattern for a whole line of a leak report. */
    private static String line(Object leak) {
        return "\n  " + Pattern.quote(leak.toString()) + "(\n|$)";
    }

    private static Throwable failureOf(Events events) {
        List<Event> failed = events.failed().list();
        assertThat(failed).as("failed events").hasSize(1);
        return failed.getFirst().getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
    }

    private static Path createDevShmFile() throws IOException {
        return createDevShmFile("leaktest");
    }

    /** Creates a file in /dev/shm named as the run's objects are, as shm_open would. */
    private static Path createDevShmFile(String what) throws IOException {
        Path file = Files.createFile(Path.of("/dev/shm", TestRun.uniqueName(what).substring(1)));
        CLEANUPS.add(() -> deleteIfExists(file));
        return file;
    }

    /**
     * Starts {@code .ci/ipc-churn.py --hold} outside this JVM's process tree and waits until it
     * holds one object of every kind; the cleanups end it, which removes them.
     *
     * @return what it made, as the leak check would describe each: {@code System V shm id=...},
     *     {@code /dev/shm/churn-...}, a queue name
     */
    private static List<String> startAnotherProgram() throws Exception {
        Path report = Files.createTempFile("leakcheck-foreign", ".txt");
        Files.delete(report);
        CLEANUPS.add(() -> deleteIfExists(report));
        Process setsid = new ProcessBuilder("setsid", "-f", "python3", Path.of(".ci", "ipc-churn.py").toString(),
                        "--hold", report.toString())
                .redirectInput(Path.of("/dev/null").toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(setsid.waitFor()).isZero();
        Deadline.after(PeerProcess.DEFAULT_TIMEOUT).await(() -> Files.exists(report), "ipc-churn.py --hold is ready");
        List<String> lines = Files.readAllLines(report);
        assertThat(lines).last().isEqualTo("ready");
        long pid = Long.parseLong(lines.getFirst().substring("pid ".length()));
        CLEANUPS.add(() -> ProcessHandle.of(pid).ifPresent(program -> {
            program.destroy(); // SIGTERM: it removes what it made, then exits
            program.onExit().join();
        }));
        assertThat(ProcessHandle.current().descendants().map(ProcessHandle::pid)).doesNotContain(pid);
        return lines.subList(1, lines.size() - 1).stream()
                .map(line -> line.split(" ", 2))
                .map(w -> w[0].equals("shm") || w[0].equals("sem") || w[0].equals("msg")
                        ? "System V " + w[0] + " id=" + w[1] + " " : w[1])
                .toList();
    }

    /** Creates a System V object with {@code ipcmk} and returns its id. */
    private static String ipcmk(String... options) {
        ProcessBuilder builder = new ProcessBuilder("ipcmk");
        builder.command().addAll(List.of(options));
        try (PeerProcess ipcmk = PeerProcess.start("ipcmk", builder)) {
            String output = ipcmk.readLine(); // e.g. "Shared memory id: 5"
            ipcmk.expectExit(0, PeerProcess.DEFAULT_TIMEOUT);
            String id = output.substring(output.lastIndexOf(' ') + 1);
            // -M, -S, -Q create what ipcrm -m, -s, -q remove.
            CLEANUPS.add(() -> ipcrm(options[0].substring(1).toLowerCase(Locale.ROOT), id));
            return id;
        }
    }

    /** Removes a System V object, if it still exists, with {@code ipcrm -kind id}. */
    private static void ipcrm(String kind, String id) {
        try (PeerProcess ipcrm = PeerProcess.start("ipcrm", new ProcessBuilder("ipcrm", "-" + kind, id))) {
            ipcrm.waitFor();
        }
    }

    private static void deleteIfExists(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeAll(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
