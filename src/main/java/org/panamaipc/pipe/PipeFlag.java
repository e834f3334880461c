package org.panamaipc.pipe;

/**
 * Options of a new pipe ({@code pipe2} flags). Both ends are always close-on-exec
 * ({@code O_CLOEXEC}); a child process gets an end only through
 * {@link org.panamaipc.process.ChildProcess.Builder#mapFd(int, PipeEnd)}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/pipe2.2.html">pipe2(2)</a>
 */
public enum PipeFlag {
    /** {@code O_NONBLOCK}: reads of an empty pipe and writes to a full one return at once. */
    NON_BLOCKING,
    /**
     * {@code O_DIRECT}: packet mode. Each write of at most {@code PIPE_BUF} (4096) bytes is
     * one packet, and each read returns at most one packet; a read with a buffer smaller
     * than the packet discards the rest of it.
     */
    PACKET
}
