package org.panamaipc.internal;

import java.io.Serial;

/**
 * The library cannot work in this JVM because native access is not enabled for it; the
 * message names the flag to add. An {@link Error}, not an exception: nothing a caller does
 * at run time repairs it, and a static initializer passes it on unwrapped.
 */
public final class NativeAccessError extends LinkageError {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the error.
     *
     * @param message what is missing and the flag to add
     */
    public NativeAccessError(String message) {
        super(message);
    }
}
