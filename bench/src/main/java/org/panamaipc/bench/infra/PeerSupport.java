package org.panamaipc.bench.infra;

import java.io.IOException;

/**
 * The peer side of {@link Peer}: what every peer {@code main} calls once its end is set up.
 */
public final class PeerSupport {
    /**
     * The system property {@link Peer} sets ({@code true}) on a peer JVM started from a
     * virtual thread.
     */
    public static final String VIRTUAL_PROPERTY = "panama.bench.virtual";

    private PeerSupport() {
    }

    /** A peer's work: set-up, {@link #ready()}, and its loop. */
    @FunctionalInterface
    public interface Body {
        /**
         * Runs the peer.
         *
         * @throws Exception on any failure, which ends the peer
         */
        void run() throws Exception;
    }

    /**
     * Runs a peer's {@code main} body on the kind of thread its benchmark measures on: on a
     * virtual thread when the benchmark started this JVM from one ({@link #VIRTUAL_PROPERTY}),
     * else on the calling thread. Call it as the whole of {@code main}.
     *
     * @param body set-up, {@link #ready()} and the loop
     * @throws Exception what the body throws
     */
    public static void run(Body body) throws Exception {
        if (!Boolean.getBoolean(VIRTUAL_PROPERTY)) {
            body.run();
            return;
        }
        Exception[] failure = new Exception[1];
        Thread t = Thread.ofVirtual().name("peer").start(() -> {
            try {
                body.run();
            } catch (Exception e) {
                failure[0] = e;
            }
        });
        t.join();
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    /**
     * Tells the benchmark this peer is ready and arranges that the peer exits when its
     * standard input reaches end of file (the benchmark closed it, or died). Calls
     * {@link Runtime#halt}: a peer blocked in a system call exits all the same.
     */
    public static void ready() {
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // nothing is sent on standard input; wait for its end
                }
            } catch (IOException ignored) {
                // end all the same
            }
            Runtime.getRuntime().halt(0);
        }, "peer-stdin-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        readyLine();
    }

    /**
     * Prints the READY line only, for a peer whose standard input is its data channel
     * (it exits by itself at end of input).
     */
    public static void readyLine() {
        System.out.print("READY\n");
        System.out.flush();
    }
}
