package org.panamaipc.bench.infra;

import java.io.IOException;

/**
 * The peer side of {@link Peer}: what every peer {@code main} calls once its end is set up.
 */
public final class PeerSupport {
    private PeerSupport() {
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
