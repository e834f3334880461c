package org.panamaipc.cli.tour;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Names and clean-up for one tour run: unique object names, a private temporary directory,
 * and the undo actions steps register, run in reverse order at the end (and on Ctrl-C).
 */
final class Scratch implements AutoCloseable {
    /** One clean-up action. */
    @FunctionalInterface
    interface Undo {
        void run() throws Exception;
    }

    private final String tag = "ipc-tour-" + ProcessHandle.current().pid() + "-"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
    private final Deque<Undo> undo = new ArrayDeque<>();
    private Path dir;
    private int failures;

    /** A POSIX object name unique to this run, e.g. {@code /ipc-tour-123-ab12f-mq-a}. */
    String name(String suffix) {
        return "/" + tag + "-" + suffix;
    }

    /** A path in this run's private directory (created on first use, removed at the end). */
    synchronized Path path(String file) throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory(tag);
            Path created = dir;
            undo.push(() -> {
                Files.deleteIfExists(created);
                synchronized (this) {
                    dir = null;
                }
            });
        }
        return dir.resolve(file);
    }

    /** Registers an action that removes something; it runs at the end even if the step fails. */
    synchronized void onCleanup(Undo action) {
        undo.push(action);
    }

    /** Runs every registered action, newest first, and forgets them. */
    synchronized void cleanUp() {
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (Exception e) {
                failures++;
                System.err.println("ipc tour: clean-up: " + Tour.describe(e));
            }
        }
    }

    /** Whether every clean-up action so far succeeded. */
    synchronized boolean clean() {
        return failures == 0;
    }

    @Override
    public void close() {
        cleanUp();
    }
}
