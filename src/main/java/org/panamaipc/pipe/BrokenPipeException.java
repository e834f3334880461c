package org.panamaipc.pipe;

import org.panamaipc.IpcException;

/**
 * A write found no reader left on a pipe or FIFO (EPIPE): the other side has closed its end
 * or exited. Never a {@code SIGPIPE} killing the JVM: the JVM catches {@code SIGPIPE} and
 * does nothing with it, so the write fails with EPIPE and this exception is thrown.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/pipe.7.html">pipe(7)</a>
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
        super(call, arguments, org.panamaipc.Errno.EPIPE.number());
    }
}
