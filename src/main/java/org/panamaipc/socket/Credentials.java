package org.panamaipc.socket;

/**
 * A process's credentials as the kernel reports them over a Unix domain socket
 * ({@code struct ucred}): {@code SO_PEERCRED} for the peer of a connection, or
 * {@code SCM_CREDENTIALS} with a message.
 *
 * @param pid the process id
 * @param uid the user id
 * @param gid the group id
 * @see <a href="https://man7.org/linux/man-pages/man7/unix.7.html">unix(7)</a>
 */
public record Credentials(int pid, int uid, int gid) {
}
