package org.panamaipc.cli.tour;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * {@code ipc tour}: every mechanism of the library, live against a peer process. The
 * {@code org.panamaipc.cli} dispatcher runs it through {@link #run}.
 */
public final class TourCommand {
    /** Creates the command. */
    public TourCommand() {
    }

    /**
     * The word that selects it.
     *
     * @return {@code "tour"}
     */
    public String name() {
        return "tour";
    }

    /**
     * Its synopsis for help.
     *
     * @return the synopsis after {@code ipc}
     */
    public String synopsis() {
        return "tour";
    }

    /**
     * What it does, for help.
     *
     * @return one paragraph
     */
    public String description() {
        return """
                Starts a peer process (a second JVM) and, for every mechanism the library has,
                exchanges real data with it both ways, verifies it and measures the round trip.
                Prints one line per mechanism, then a summary table. Exit 1 if any mechanism
                failed. Removes every object, file and process it made.
                """;
    }

    /**
     * Runs the tour.
     *
     * @param in unused
     * @param out where the report goes
     * @return 0 if every mechanism passed, 1 otherwise
     */
    public int run(InputStream in, PrintStream out) {
        return new Tour(out, TourSteps.ALL).run() ? 0 : 1;
    }
}
