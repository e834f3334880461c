package org.panamaipc.socket;

import org.panamaipc.ErrnoException;
import org.panamaipc.internal.Errors;

/**
 * Binding failed because the address is taken (EADDRINUSE): a socket file or another socket
 * already has that path, or a socket is bound to that abstract name.
 *
 * <p>It is the JDK's {@link java.net.BindException}, so callers can catch what they already know, and
 * carries the errno like every exception of this library.
 */
public final class AddressInUseException extends java.net.BindException implements ErrnoException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    /**
     * Creates the exception.
     *
     * @param call the C function that failed, e.g. {@code "bind"}
     * @param arguments the arguments worth naming, e.g. the address
     * @param errno the value of {@code errno}
     */
    public AddressInUseException(String call, String arguments, int errno) {
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
