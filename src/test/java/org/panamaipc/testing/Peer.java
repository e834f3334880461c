package org.panamaipc.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The peer's side of the line protocol of {@link PeerProcess}, for the {@code main} classes
 * that {@link PeerJvm} starts.
 *
 * <p><b>A peer may use only the JDK and the library.</b> It runs in a JVM of its own with the
 * library and the test classes but without JUnit or AssertJ; a peer that fails throws, and
 * its stack trace on stderr appears in the test's failure message.
 *
 * <p>The protocol: the peer prints {@value #READY} once it has set up what the test is to use,
 * then reads commands from stdin and prints answers, one line each. {@link #readLine()}
 * returns {@code null} when the test closes the peer: the peer should then release what it
 * holds and return from {@code main}.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     Peer.ready();
 *     for (String line; (line = Peer.readLine()) != null; ) {
 *         Peer.println(line);
 *     }
 * }
 * }</pre>
 *
 * <p><b>Orphans exit.</b> Loading this class makes the peer exit (status
 * {@value #ORPHANED_EXIT_CODE}, shutdown hooks run) when its parent process dies, so that a
 * test JVM that is killed does not leave its peers running.
 */
public final class Peer {

    /** The line a peer prints once it is set up. */
    public static final String READY = "READY";

    /** The exit status of a peer whose parent died. */
    public static final int ORPHANED_EXIT_CODE = 3;

    private static final BufferedReader STDIN =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

    static {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit()
                .thenRun(() -> Runtime.getRuntime().exit(ORPHANED_EXIT_CODE)));
    }

    private Peer() {}

    /** Tells the test that this peer is set up: prints {@value #READY}. */
    public static void ready() {
        println(READY);
    }

    /**
     * Prints a line to stdout and flushes it, so the test sees it at once.
     *
     * @param line the line; its {@code toString()} must not contain a line break
     */
    public static void println(Object line) {
        System.out.println(line);
        System.out.flush();
    }

    /**
     * Reads the next line the test sent.
     *
     * @return the line without terminator, or {@code null} once the test closed the peer
     * @throws UncheckedIOException if stdin cannot be read
     */
    public static String readLine() {
        try {
            synchronized (STDIN) {
                return STDIN.readLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the test's commands from stdin", e);
        }
    }
}
