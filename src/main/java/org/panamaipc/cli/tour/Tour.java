package org.panamaipc.cli.tour;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.panamaipc.ErrnoException;

/**
 * The tour: starts a peer process, runs every {@link TourStep} against it, prints one line
 * per mechanism and a summary table, and removes everything it made.
 */
final class Tour {
    private final PrintStream out;
    private final List<TourStep> steps;

    Tour(PrintStream out, List<TourStep> steps) {
        this.out = out;
        this.steps = steps;
    }

    /** Runs the tour; true if every step exchanged and verified its data. */
    boolean run() {
        long started = System.nanoTime();
        List<String[]> rows = new ArrayList<>();
        int passed = 0;
        int width = steps.stream().mapToInt(s -> s.mechanism().length()).max().orElse(1);
        Scratch scratch = new Scratch();
        Peer[] peerRef = new Peer[1];
        Thread hook = new Thread(() -> {
            if (peerRef[0] != null) {
                peerRef[0].kill();
            }
            scratch.cleanUp();
        }, "tour-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            long t0 = System.nanoTime();
            try (Peer peer = Peer.launch()) {
                peerRef[0] = peer;
                out.printf("panama-ipc tour: peer JVM pid %d started in %d ms; this process is pid %d%n%n",
                        peer.pid(), (System.nanoTime() - t0) / 1_000_000, ProcessHandle.current().pid());
                for (TourStep step : steps) {
                    Exchange e;
                    try {
                        e = step.lead(peer, scratch);
                    } catch (Exception | Error failure) {
                        e = Exchange.failed("-", new long[0], describe(failure));
                    } finally {
                        scratch.cleanUp();
                    }
                    boolean ok = e.verified();
                    passed += ok ? 1 : 0;
                    out.printf("  %-4s %-" + width + "s %s%s%n", ok ? "ok" : "FAIL", step.mechanism(),
                            ok ? e.what() + ", verified" : e.what().equals("-") ? "" : e.what() + ": ",
                            ok ? "; " + step.timed() + " median " + Exchange.micros(e.median()) : e.problem());
                    rows.add(new String[] {step.mechanism(), ok ? "ok" : "FAIL",
                        Integer.toString(e.roundTripNanos().length), Exchange.micros(e.min()),
                        Exchange.micros(e.median()), Exchange.micros(e.percentile(99))});
                    // after a failure the peer may still be at its end of the step: let it finish
                    if (!peer.resynchronize() || !peer.isAlive()) {
                        out.println("  the peer is lost; the remaining steps are skipped");
                        break;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            out.println("ipc tour: could not start the peer process: " + describe(e));
            return false;
        } finally {
            peerRef[0] = null;
            scratch.cleanUp();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
        out.println();
        rows.addFirst(new String[] {"MECHANISM", "RESULT", "ROUNDS", "MIN", "MEDIAN", "P99"});
        printTable(rows);
        out.printf("%n%d of %d mechanisms exchanged and verified data in %.1f s; %s.%n",
                passed, steps.size(), (System.nanoTime() - started) / 1e9,
                scratch.clean() ? "every object, file and process it made is gone" : "SOME CLEAN-UP FAILED (see above)");
        return passed == steps.size() && scratch.clean();
    }

    private void printTable(List<String[]> rows) {
        int[] w = new int[rows.getFirst().length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder("  ");
            for (int i = 0; i < r.length; i++) {
                String cell = r[i];
                // numbers right-aligned, words left-aligned
                boolean right = i >= 2;
                b.append(right ? " ".repeat(w[i] - cell.length()) + cell : cell + " ".repeat(w[i] - cell.length()));
                b.append("  ");
            }
            out.println(b.toString().stripTrailing());
        }
    }

    static String describe(Throwable e) {
        if (e instanceof ErrnoException || (e instanceof IOException && e.getMessage() != null)) {
            return e.getMessage();
        }
        return e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
