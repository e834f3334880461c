package org.panamaipc.bench.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The other process of a two-process benchmark: a JVM running a peer {@code main} from the
 * benchmark sources (with the benchmark's own class path), or any command such as a C
 * program, pinned with {@code taskset} to the CPU its {@link Placement} names.
 *
 * <p>Protocol: the peer sets up its end, then prints the line {@code READY} on standard
 * output ({@link PeerSupport#ready()}); {@link #start} returns only then. The peer exits
 * when its standard input reaches end of file, which {@link #close()} causes (and which the
 * kernel causes if the benchmark JVM dies, so no peer outlives its benchmark). A peer that
 * does not exit in time is killed. Its standard error goes to a temporary file that is
 * quoted when it fails to start and deleted on close.
 *
 * <p>A peer JVM started from a virtual thread (a benchmark forked with
 * {@link Jvm#VIRTUAL_THREADS}) is told so, and a peer whose {@code main} goes through
 * {@link PeerSupport#run} then runs its loop on a virtual thread as well.
 *
 * <p>Typical use, in a benchmark's {@code @Setup(Level.Trial)} and {@code @TearDown(Level.Trial)}:
 * <pre>{@code
 * peer = Peer.jvm(placement, PipeEchoPeer.class, "echo", path.toString());
 * ...
 * peer.close();
 * }</pre>
 */
public final class Peer implements AutoCloseable {
    private static final long READY_TIMEOUT_SECONDS = 60;
    private static final long EXIT_TIMEOUT_SECONDS = 10;
    private static final boolean TASKSET = Files.isExecutable(Path.of("/usr/bin/taskset"))
            || Files.isExecutable(Path.of("/bin/taskset"));

    private final Process process;
    private final Path stderr;
    private final InputStream out;
    private volatile boolean ready;
    private boolean closed;

    private Peer(Process process, Path stderr, InputStream out) {
        this.process = process;
        this.stderr = stderr;
        this.out = out;
    }

    /**
     * Starts a peer JVM running {@code mainClass} with the class path and JVM of this one.
     *
     * @param placement where the peer runs
     * @param mainClass a class with {@code main(String[])} that calls {@link PeerSupport#ready()}
     * @param args its arguments
     * @return the started, ready peer
     * @throws IOException when it cannot be started or does not become ready in time
     */
    public static Peer jvm(Placement placement, Class<?> mainClass, String... args) throws IOException {
        return start(placement, false, jvmCommand(mainClass, args));
    }

    /**
     * Starts a peer JVM through a launcher program that receives the JVM's path and its
     * arguments and execs it (e.g. {@code bench/jvm-blocking-sigusr1}, which blocks a signal
     * first so that the peer JVM has it blocked in every thread).
     *
     * @param placement where the peer runs
     * @param launcher the launcher's path
     * @param mainClass the peer's main class
     * @param args its arguments
     * @return the started, ready peer
     * @throws IOException when it cannot be started or does not become ready in time
     */
    public static Peer jvmLaunchedBy(Placement placement, String launcher, Class<?> mainClass, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher);
        cmd.addAll(jvmCommand(mainClass, args));
        return start(placement, false, cmd);
    }

    /**
     * Starts a peer JVM whose standard input and output are the benchmark's data channel
     * ({@link #stdin()}, {@link #stdout()} after the {@code READY} line): the ProcessBuilder
     * baseline. Such a peer exits at end of input as well.
     *
     * @param placement where the peer runs
     * @param mainClass the peer's main class
     * @param args its arguments
     * @return the started, ready peer
     * @throws IOException when it cannot be started or does not become ready in time
     */
    public static Peer jvmStdio(Placement placement, Class<?> mainClass, String... args) throws IOException {
        return start(placement, true, jvmCommand(mainClass, args));
    }

    /**
     * Starts any command as a peer (e.g. a C program), which must print {@code READY}.
     *
     * @param placement where the peer runs
     * @param command the program and its arguments
     * @return the started, ready peer
     * @throws IOException when it cannot be started or does not become ready in time
     */
    public static Peer command(Placement placement, List<String> command) throws IOException {
        return start(placement, false, command);
    }

    /**
     * The command line of a peer JVM pinned as {@code placement} says, for benchmarks that
     * start their peer another way (e.g. through the library's own process spawning, to hand
     * it descriptors); such a peer must end by itself when its benchmark's end closes.
     *
     * @param placement where the peer runs
     * @param mainClass the peer's main class
     * @param args its arguments
     * @return {@code taskset -c CPU java ... mainClass args} (without taskset where there is none)
     */
    public static List<String> pinnedJvmCommand(Placement placement, Class<?> mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        if (TASKSET) {
            cmd.add("taskset");
            cmd.add("-c");
            cmd.add(Integer.toString(placement.peerCpu()));
        }
        cmd.addAll(jvmCommand(mainClass, args));
        return cmd;
    }

    private static List<String> jvmCommand(Class<?> mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Jvm.NATIVE_ACCESS);
        cmd.add(Jvm.AGRONA_EXPORTS);
        cmd.add(Jvm.UNSAFE_ALLOW);
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xms64m");
        cmd.add("-Xmx256m");
        if (Thread.currentThread().isVirtual()) {
            cmd.add("-D" + PeerSupport.VIRTUAL_PROPERTY + "=true");
        }
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Peer start(Placement placement, boolean stdio, List<String> command) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (TASKSET) {
            cmd.add("taskset");
            cmd.add("-c");
            cmd.add(Integer.toString(placement.peerCpu()));
        } else {
            System.err.println("[peer] taskset not found: the peer runs unpinned");
        }
        cmd.addAll(command);
        Path err = Names.removedAtExit(Files.createTempFile("panama-bench-peer-", ".err"));
        Process p = new ProcessBuilder(cmd)
                .redirectError(err.toFile())
                .start();
        Peer peer = new Peer(p, err, p.getInputStream());
        try {
            peer.awaitReady();
        } catch (IOException | RuntimeException e) {
            peer.close();
            throw e;
        }
        if (!stdio) {
            Thread drain = new Thread(peer::drainStdout, "peer-stdout-" + p.pid());
            drain.setDaemon(true);
            drain.start();
        }
        return peer;
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS);
        // A watchdog: a peer that never prints READY is killed, which ends the read below.
        Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
            try {
                if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    if (!ready) {
                        process.destroyForcibly();
                    }
                }
            } catch (InterruptedException ignored) {
                // closed
            }
        });
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = out.read()) != -1 && b != '\n') {
            line.append((char) b);
        }
        ready = line.toString().equals("READY");
        watchdog.interrupt();
        if (!ready) {
            throw new IOException("peer did not become ready: command=" + process.info().commandLine().orElse("?")
                    + " stdout=\"" + line + "\" stderr=\"" + stderrText() + "\"");
        }
    }

    private void drainStdout() {
        byte[] sink = new byte[4096];
        try {
            while (out.read(sink) != -1) {
                // discard: a peer prints nothing after READY except by mistake
            }
        } catch (IOException ignored) {
            // the peer is gone
        }
    }

    private String stderrText() {
        try {
            String s = Files.readString(stderr, StandardCharsets.UTF_8);
            return s.length() > 4000 ? s.substring(0, 4000) + "..." : s;
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** {@return the peer's standard input (the data channel of a {@link #jvmStdio} peer)} */
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    /** {@return the peer's standard output after its READY line (for a {@link #jvmStdio} peer)} */
    public InputStream stdout() {
        return out;
    }

    /** {@return the peer's process id} */
    public long pid() {
        return process.pid();
    }

    /**
     * Ends the peer: closes its standard input, waits for it to exit, kills it if it does not.
     * Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                System.err.println("[peer] pid " + process.pid() + " did not exit at end of input: killing it");
                process.destroyForcibly();
                process.waitFor(EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(stderr);
        } catch (IOException ignored) {
            // a temporary file
        }
    }
}
