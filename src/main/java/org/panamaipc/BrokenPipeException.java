package org.panamaipc;


/**
 * A write or send found no reader left on the other end (EPIPE): the last read end of a
 * pipe or FIFO was closed, or the peer of a socket has gone.
 *
 * <p>It never arrives as a {@code SIGPIPE} killing the JVM: HotSpot installs a handler for
 * SIGPIPE, and sockets send with {@code MSG_NOSIGNAL}.
 */
public final class BrokenPipeException extends IpcException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception for a failed call.
     *
     * @param call the C function, e.g. {@code "write"}
     * @param arguments its arguments as they appear in the message
     */
    public BrokenPipeException(String call, String arguments) {
        super(call, arguments, Errno.EPIPE.number());
    }
}
