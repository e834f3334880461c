package org.panamaipc.channel;

import java.io.IOException;

/**
 * The process on the other end of a channel died while this end waited for it: a reader
 * found no record and its writer (for many-to-one: every producer) dead, or a writer found no
 * room and the reader dead. Everything the dead peer committed was delivered before this is
 * thrown. The end stays open: a new peer may attach and the call be made again.
 *
 * <p>A process is dead when {@code /proc/PID/stat} is gone or names another process (its
 * start time differs from the one the peer recorded when it attached).
 */
public final class PeerDeadException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The pid of the process the exception is about. */
    private final long pid;

    /**
     * Creates the exception.
     *
     * @param channel the channel, for the message
     * @param role the dead end, e.g. {@code "writer"}
     * @param pid the pid the dead end recorded
     */
    public PeerDeadException(String channel, String role, long pid) {
        super(channel + ": the " + role + " pid=" + pid + " died");
        this.pid = pid;
    }

    /** {@return the pid of the dead process} */
    public long pid() {
        return pid;
    }
}
