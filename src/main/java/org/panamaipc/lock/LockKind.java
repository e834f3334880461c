package org.panamaipc.lock;

/**
 * The three lock families of Linux. They are all advisory: they bind only processes that
 * take locks too. {@code fcntl} record locks and {@code flock} locks do not see each other
 * (on Linux, for local files).
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/fcntl.2.html">fcntl(2)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/flock.2.html">flock(2)</a>
 */
public enum LockKind {
    /**
     * Classic POSIX record locks ({@code F_SETLK}, {@code F_SETLKW}, {@code F_GETLK}, the
     * locks of {@code lockf} and python's {@code fcntl.lockf}): byte ranges owned by the
     * <em>process</em>.
     *
     * <p><b>The classic pitfall:</b> closing <em>any</em> descriptor of the file in the process
     * — another {@link LockableFile} on the same path, a {@code FileInputStream} some library
     * opened and closed — silently drops <em>all</em> of the process's locks on it. They are
     * not inherited by children, and threads of one process never conflict with each other.
     * Prefer {@link #OPEN_FILE} unless a peer uses POSIX locks and must see yours.
     */
    PROCESS,
    /**
     * Open file description locks ({@code F_OFD_SETLK}, {@code F_OFD_SETLKW},
     * {@code F_OFD_GETLK}, Linux 3.15): byte ranges owned by the <em>open file</em>, that is
     * by one {@link LockableFile}. Closing other descriptors of the file leaves them alone;
     * they are released when this open file is closed. Two {@link LockableFile}s of the same
     * process conflict like two processes. They do conflict with {@link #PROCESS} locks.
     */
    OPEN_FILE,
    /**
     * BSD {@code flock} locks: the whole file, owned by the open file, shared or exclusive.
     * The locks of the util-linux {@code flock} command and python's {@code fcntl.flock}.
     */
    FLOCK
}
