package org.panamaipc.reliability;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a case made, undone in reverse order when the case ends, whether it passed or not: the
 * suite's cases must leave nothing behind for the leak check to find.
 */
final class Scope implements AutoCloseable {
    /** One step of clean-up. */
    @FunctionalInterface
    interface Cleanup {
        /**
         * Undoes one thing.
         *
         * @throws Exception if it cannot; the other steps still run
         */
        void run() throws Exception;
    }

    private final Deque<Cleanup> cleanups = new ArrayDeque<>();

    /**
     * Remembers something to close.
     *
     * @param <T> its type
     * @param resource the resource
     * @return the resource
     */
    <T extends AutoCloseable> T own(T resource) {
        cleanups.push(resource::close);
        return resource;
    }

    /**
     * Remembers a clean-up step.
     *
     * @param cleanup the step
     */
    void defer(Cleanup cleanup) {
        cleanups.push(cleanup);
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        while (!cleanups.isEmpty()) {
            try {
                cleanups.pop().run();
            } catch (Exception | AssertionError e) {
                if (first == null) {
                    first = e instanceof Exception ex ? ex : new Exception(e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
