package org.panamaipc;

import java.io.IOException;

/**
 * {@code openOrCreate} found an existing object that does not match what the caller asked
 * for (a smaller shared memory object, a queue with other limits, a semaphore set of another
 * size), and left it as it was: {@code openOrCreate} never alters an existing object. The
 * message names the object and both values, e.g.
 * {@code /orders: exists with maxMessages=10, asked for maxMessages=64}.
 */
public class ObjectMismatchException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param object the name, path or key of the existing object
     * @param found what it is, e.g. {@code "size=4096"}
     * @param asked what the caller asked for, e.g. {@code "size=8192"}
     */
    public ObjectMismatchException(String object, String found, String asked) {
        super(object + ": exists with " + found + ", asked for " + asked);
    }
}
