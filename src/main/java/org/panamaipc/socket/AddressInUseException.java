package org.panamaipc.socket;

import org.panamaipc.Errno;
import org.panamaipc.ErrnoException;

/**
 * Binding failed because the address is taken (EADDRINUSE)
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
     * @param call the C function that failed, e.g. {@code " a socket file or another socket already has that path, or a socket is bound to that abstract name.:bind"}
     * @param arguments the arguments worth naming, e.g. the address
     * @param errno the value of {@code errno}
     */
    public AddressInUseException(String call, String arguments, int errno) {
        super(call + "(" + arguments + "): " + Errno.describe(errno));
        this.call = call;
        this.errno = errno;
    }

    @Override
    public Errno errno() {
        return Errno.of(errno);
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
