package org.panamaipc.cli.tour;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** The peer's end of the control channel, as a step's {@link TourStep#follow} sees it. */
final class PeerSide {
    private final PrintStream out;
    private final BlockingQueue<String> in;

    PeerSide(PrintStream out, BlockingQueue<String> in) {
        this.out = out;
        this.in = in;
    }

    /** Tells the leader this end is ready for the first round. */
    void ready() {
        say("ready");
    }

    /** Sends one line to the leader. */
    void say(String line) {
        out.println(line);
        out.flush();
    }

    /** The leader's next line. */
    String hear() throws IOException {
        try {
            String line = in.poll(Peer.REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new IOException("the tour sent nothing for " + Peer.REPLY_TIMEOUT.toSeconds() + " s");
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
