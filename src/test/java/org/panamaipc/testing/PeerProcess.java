package org.panamaipc.testing;

import java.io.BufferedWriter;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A process on the other end of a test, spoken to through a line protocol on its standard
 * streams.
 *
 * <p>The test writes lines to the peer's stdin with {@link #send} and reads the peer's stdout
 * line by line with {@link #readLine}, each read bounded by a timeout. By convention a peer
 * prints {@value Peer#READY} once it has set up what the test is to use ({@link #expectReady}).
 * The peer's stderr is kept (its last {@value #STDERR_CAPACITY} characters) and shown in every
 * failure message, so that a peer that crashed says why.
 *
 * <p>Failures are {@link AssertionError}s: a peer that prints no line in time, ends its output
 * early, prints the wrong line or exits with the wrong code fails the test with its name, pid,
 * exit code and stderr.
 *
 * <p><b>Lifetime.</b> {@link #close()} leaves nothing behind: it closes the peer's stdin (the
 * signal for a well-behaved peer to clean up and exit), waits a moment, then kills the peer
 * and every process it started, reaps the peer and closes the pipes. Use try-with-resources.
 * Peers still running when the test JVM shuts down are killed by a shutdown hook.
 *
 * <pre>{@code
 * try (PeerProcess peer = PeerJvm.start(EchoPeer.class)) {
 *     peer.expectReady();
 *     peer.send("ping");
 *     peer.expectLine("ping");
 * }
 * }</pre>
 *
 * <p>A single test thread drives a peer; the methods are not meant to be called concurrently.
 *
 * @see PeerJvm
 * @see PythonPeer
 */
public final class PeerProcess implements AutoCloseable {

    /** The timeout of the methods that take none: generous, for a loaded 2-core machine. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** How long {@link #close()} lets the peer exit by itself before killing it. */
    public static final Duration DEFAULT_CLOSE_GRACE = Duration.ofSeconds(1);

    /** How many characters of the peer's stderr failure messages show. */
    static final int STDERR_CAPACITY = 8192;

    /** How long to let the pipes drain once the peer has exited. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);

    /** How long killing a process may take before something is badly wrong. */
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    private static final Set<PeerProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> LIVE.forEach(peer -> peer.process.destroyForcibly()), "peer-process-reaper"));
    }

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final LineQueue stdout;
    private final StreamTail stderr;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Processes the peer started and left running when {@link #kill9} killed it. */
    private final Set<ProcessHandle> orphans = ConcurrentHashMap.newKeySet();

    private PeerProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        String threadPrefix = "peer " + name + " " + process.pid();
        this.stdin = new BufferedWriter(
                new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.stdout = LineQueue.start(process.getInputStream(), threadPrefix + " stdout");
        this.stderr = StreamTail.start(process.getErrorStream(), STDERR_CAPACITY, threadPrefix + " stderr");
    }

    /**
     * Starts a peer from a prepared process builder.
     *
     * <p>The builder's command, environment and directory are used as they are; its standard
     * streams are set to pipes. {@link PeerJvm} and {@link PythonPeer} prepare builders for
     * the common peers; this is for the others (a shell tool, a C program).
     *
     * @param name what to call the peer in messages, e.g. its main class or script
     * @param builder the prepared builder; modified
     * @return the running peer
     * @throws UncheckedIOException if the process cannot be started
     */
    public static PeerProcess start(String name, ProcessBuilder builder) {
        Objects.requireNonNull(name, "name");
        builder.redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.PIPE)
                .redirectErrorStream(false);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start peer " + name + ": " + builder.command(), e);
        }
        RunProcesses.started(process.pid());
        PeerProcess peer = new PeerProcess(name, process);
        LIVE.add(peer);
        return peer;
    }

    /**
     * Returns the peer's process id.
     *
     * @return the pid
     */
    public long pid() {
        return process.pid();
    }

    /**
     * Tells whether the peer is still running.
     *
     * @return true until the peer has exited
     */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Returns what the peer has written to stderr so far (its last characters).
     *
     * @return the captured stderr
     */
    public String stderr() {
        return stderr.text();
    }

    /**
     * Writes a line to the peer's stdin.
     *
     * @param line the line, without terminator
     * @throws AssertionError if the peer no longer reads its stdin (it exited)
     * @throws IllegalStateException if this peer was closed
     */
    public void send(String line) {
        checkOpen();
        try {
            stdin.write(line);
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            throw failure("could not be sent \"" + line + "\" (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Reads the next line the peer prints, waiting at most {@link #DEFAULT_TIMEOUT}.
     *
     * @return the line, without terminator
     * @throws AssertionError if no line comes in time or the peer's output ends first
     */
    public String readLine() {
        return readLine(DEFAULT_TIMEOUT);
    }

    /**
     * Reads the next line the peer prints.
     *
     * @param timeout how long to wait for the line
     * @return the line, without terminator
     * @throws AssertionError if no line comes in time or the peer's output ends first
     */
    public String readLine(Duration timeout) {
        try {
            return stdout.next(timeout);
        } catch (TimeoutException e) {
            throw failure("printed no line within " + timeout, null);
        } catch (EOFException e) {
            stderr.awaitEnd(DRAIN_TIMEOUT);
            awaitExit(DRAIN_TIMEOUT);
            throw failure("closed its output instead of printing a line", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("was waited for by an interrupted thread", e);
        }
    }

    /**
     * Reads the next line and checks that it is {@code expected}, waiting at most
     * {@link #DEFAULT_TIMEOUT}.
     *
     * @param expected the line the peer must print next
     * @throws AssertionError if the peer prints another line, none in time, or ends its output
     */
    public void expectLine(String expected) {
        expectLine(expected, DEFAULT_TIMEOUT);
    }

    /**
     * Reads the next line and checks that it is {@code expected}.
     *
     * @param expected the line the peer must print next
     * @param timeout how long to wait for the line
     * @throws AssertionError if the peer prints another line, none in time, or ends its output
     */
    public void expectLine(String expected, Duration timeout) {
        String actual = readLine(timeout);
        if (!expected.equals(actual)) {
            throw failure("printed \"" + actual + "\" where \"" + expected + "\" was expected", null);
        }
    }

    /**
     * Waits for the peer to print {@value Peer#READY}, its signal that it is set up.
     *
     * @throws AssertionError if the peer prints another line, none in time, or ends its output
     */
    public void expectReady() {
        expectLine(Peer.READY, DEFAULT_TIMEOUT);
    }

    /**
     * Waits at most {@link #DEFAULT_TIMEOUT} for the peer to exit and returns its exit code.
     *
     * @return the exit code; 128 + n if killed by signal n
     * @throws AssertionError if the peer does not exit in time
     */
    public int waitFor() {
        return waitFor(DEFAULT_TIMEOUT);
    }

    /**
     * Waits for the peer to exit and returns its exit code.
     *
     * @param timeout how long to wait
     * @return the exit code; 128 + n if killed by signal n
     * @throws AssertionError if the peer does not exit in time
     */
    public int waitFor(Duration timeout) {
        if (!awaitExit(timeout)) {
            throw failure("did not exit within " + timeout, null);
        }
        return process.exitValue();
    }

    /**
     * Waits for the peer to exit and checks its exit code.
     *
     * @param expectedCode the exit code the peer must end with, e.g. 0
     * @param timeout how long to wait
     * @throws AssertionError if the peer does not exit in time or ends with another code
     */
    public void expectExit(int expectedCode, Duration timeout) {
        int code = waitFor(timeout);
        if (code != expectedCode) {
            stderr.awaitEnd(DRAIN_TIMEOUT);
            throw failure("was expected to exit with code " + expectedCode, null);
        }
    }

    /**
     * Kills the peer with SIGKILL, as a crash would, and waits until it is gone (reaped).
     *
     * <p>Processes the peer started are left running, as after a real crash; {@link #close()}
     * kills them.
     *
     * @throws AssertionError if the peer is still there after a generous timeout
     */
    public void kill9() {
        // Once the peer is dead its children are orphans, no longer found under it.
        orphans.addAll(ProcessTrees.runningDescendants(process.toHandle()));
        process.destroyForcibly();
        if (!awaitExit(KILL_TIMEOUT)) {
            throw failure("survived SIGKILL for " + KILL_TIMEOUT, null);
        }
    }

    /**
     * Ends the peer and everything it started, allowing it {@link #DEFAULT_CLOSE_GRACE} to exit
     * by itself once its stdin is closed. Does nothing if already closed.
     *
     * @throws AssertionError if a process survives SIGKILL (which would mean a stuck kernel)
     */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_GRACE);
    }

    /**
     * Ends the peer and everything it started. Does nothing if already closed.
     *
     * <p>Closes the peer's stdin, waits up to {@code grace} for the peer to exit by itself,
     * then kills it and all its descendants with SIGKILL, waits until they are gone and closes
     * the pipes. The exit code is not checked: use {@link #expectExit} for that.
     *
     * @param grace how long the peer may take to exit by itself
     * @throws AssertionError if a process survives SIGKILL (which would mean a stuck kernel)
     */
    public void close(Duration grace) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            // Remember the descendants now: once the peer has exited they are orphans, and
            // ProcessHandle no longer finds them under it.
            Set<ProcessHandle> strays = new LinkedHashSet<>(orphans);
            strays.addAll(ProcessTrees.runningDescendants(process.toHandle()));
            closeQuietly(stdin);
            if (!awaitExit(grace)) {
                strays.addAll(ProcessTrees.runningDescendants(process.toHandle()));
                process.destroyForcibly();
                if (!awaitExit(KILL_TIMEOUT)) {
                    throw failure("survived SIGKILL for " + KILL_TIMEOUT, null);
                }
            }
            Deadline deadline = Deadline.after(KILL_TIMEOUT);
            if (!ProcessTrees.kill(strays, deadline)) {
                throw failure("left processes that survived SIGKILL: " + strays, null);
            }
            // Every writer of the pipes is gone: the readers reach end of stream promptly.
            stdout.awaitEnd(DRAIN_TIMEOUT);
            stderr.awaitEnd(DRAIN_TIMEOUT);
        } finally {
            closeQuietly(process.getInputStream());
            closeQuietly(process.getErrorStream());
            LIVE.remove(this);
        }
    }

    /**
     * Returns the peer's name and pid, e.g. {@code EchoPeer (pid 1234)}.
     *
     * @return a description for messages
     */
    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }

    /** Waits until the peer has exited and been reaped, so that its pid is free again. */
    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    private AssertionError failure(String what, Throwable cause) {
        StringBuilder message = new StringBuilder("peer ").append(this).append(' ').append(what);
        if (process.isAlive()) {
            message.append(" (still running)");
        } else {
            message.append(" (exited with code ").append(describeExit(process.exitValue())).append(')');
        }
        String err = stderr.text();
        if (err.isEmpty()) {
            message.append("; its stderr is empty");
        } else {
            message.append("; its stderr:\n").append(err.stripTrailing());
        }
        return new AssertionError(message.toString(), cause);
    }

    private static String describeExit(int code) {
        // Process reports death by signal n as 128 + n, as shells do.
        return code > 128 && code < 128 + 65 ? code + ", signal " + (code - 128) + "?" : Integer.toString(code);
    }

    private static void closeQuietly(AutoCloseable stream) {
        try {
            stream.close();
        } catch (Exception ignored) {
            // Closing a pipe whose other end is gone can fail; the descriptor is released anyway.
        }
    }
}
