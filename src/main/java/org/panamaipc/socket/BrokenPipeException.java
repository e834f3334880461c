package org.panamaipc.socket;

import org.panamaipc.IpcException;

/**
 * A send found the other end closed (EPIPE): the peer closed its socket or shut down its
 * input, or this socket's output was shut down.
 *
 * <p>Sends use {@code MSG_NOSIGNAL}, so the kernel reports this error instead of raising
 * {@code SIGPIPE}, whose default action would kill the JVM.
 */
public final class BrokenPipeException extends IpcException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param call the C function that failed, e.g. {@code "send"}
     * @param arguments the arguments worth naming
     * @param errno the value of {@code errno} (EPIPE)
     */
    public BrokenPipeException(String call, String arguments, int errno) {
        super(call, arguments, errno);
    }
}
