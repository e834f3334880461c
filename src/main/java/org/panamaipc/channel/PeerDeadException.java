package org.panamaipc.channel;

import java.io.IOException;

/**
 * The process on the other end of a channel died while this end waited for it: a reader
 * found no record and its writer (for many-to-one: every producer) dead, or a writer found no
 * room and the reader dead. Everything the dead peer committed was delivered before this is
 * thrown. The end stays open: a new peer may attach and the call be made again.
 *
 * <p>A process is dead when {@code /proc/PID/stat} is gone, says it has exited (state
 * {@code Z} or {@code X}: not yet reaped by its parent) or names another process (its start
 * time differs from the one the peer recorded when it attached).
 *
 * <p><b>How soon.</b> A waiting end sleeps in slices of 25 ms and looks at its peer after each
 * (a spinning one every 20 ms), so it learns of the death at most 25 ms after the peer's
 * process has exited. Exiting is the kernel's part: after {@code kill -9} a process's threads
 * stop and its memory is released before it counts as exited, a few milliseconds for a small
 * process, tens for a JVM of some hundred megabytes on a loaded machine. {@code
 * ChannelProcessTest} measured 16 to 30 ms from {@code kill -9} of a peer JVM to the
 * exception (a load average of 5 to 7 on 2 CPUs), where 50 ms slices, a process not yet
 * reaped counted as alive and a second slice after a dead claim gave 49 to 91 ms before.
 * Under a load of 15 and more, the exit itself stretches: 103 to 256 ms were measured there
 * with 50 ms slices.
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
