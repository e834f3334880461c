package org.panamaipc.channel;

import java.io.IOException;

/**
 * An end could not attach because a live process holds it: the reader of a one-to-one or
 * many-to-one channel, the writer of a one-to-one channel or the transmitter of a broadcast
 * channel, or all {@value ChannelLayout#MAX_PRODUCERS} producer slots of a many-to-one
 * channel. An end held by a dead process is taken over instead.
 */
public final class ChannelEndInUseException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The pid of the process the exception is about. */
    private final long pid;

    /**
     * Creates the exception.
     *
     * @param channel the channel, for the message
     * @param role the end, e.g. {@code "reader"}
     * @param pid the live process that holds it
     */
    public ChannelEndInUseException(String channel, String role, long pid) {
        super(channel + ": the " + role + " is attached by the live process pid=" + pid);
        this.pid = pid;
    }

    /** {@return the pid of the process that holds the end} */
    public long pid() {
        return pid;
    }
}
