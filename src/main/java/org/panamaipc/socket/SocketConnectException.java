package org.panamaipc.socket;

import org.panamaipc.ErrnoException;
import org.panamaipc.internal.Errors;

/**
 * Connecting failed: nothing listens at the address (ECONNREFUSED), no socket file exists at
 * the path (ENOENT), or the listener's queue is full on a non-blocking connect (EAGAIN).
 *
 * <p>It is the JDK's {@link java.net.ConnectException}, so callers can catch what they already know, and
 * carries the errno like every exception of this library.
 */
public final class SocketConnectException extends java.net.ConnectException implements ErrnoException {
    private static final long serialVersionUID = 1L;

    /** The call that failed, with its arguments, e.g. {@code mq_open("/orders", O_RDWR)}. */
    private final String call;
    /** The error number the call returned. */
    private final int errno;

    /**
     * Creates the exception.
     *
     * @param call the C function that failed, e.g. {@code "connect"}
     * @param arguments the arguments worth naming, e.g. the address
     * @param errno the value of {@code errno}
     */
    public SocketConnectException(String call, String arguments, int errno) {
        super(Errors.message(call, arguments, errno));
        this.call = call;
        this.errno = errno;
    }

    @Override
    public int errnoNumber() {
        return errno;
    }

    @Override
    public String call() {
        return call;
    }
}
