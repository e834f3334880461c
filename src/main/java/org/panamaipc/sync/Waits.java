package org.panamaipc.sync;

import java.time.Duration;
import org.panamaipc.internal.Deadline;

/** The unlimited wait of the blocking forms, made once so that they allocate nothing. */
final class Waits {
    /** Passed by the untimed forms to the timed ones. */
    static final Duration FOREVER = Duration.ofSeconds(Long.MAX_VALUE);

    private static final Deadline UNLIMITED = Deadline.after(FOREVER);

    private Waits() {
    }

    /** {@return the deadline for a timeout: the shared unlimited one for {@link #FOREVER}} */
    static Deadline deadline(Duration timeout) {
        return timeout == FOREVER ? UNLIMITED : Deadline.after(timeout);
    }
}
