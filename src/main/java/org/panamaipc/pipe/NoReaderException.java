package org.panamaipc.pipe;

import org.panamaipc.IpcException;

/**
 * A non-blocking open of a FIFO for writing found no process that has it open for reading
 * (ENXIO). The message says so in words, since the C library's "No such device or address"
 * does not.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/fifo.7.html">fifo(7)</a>
 */
public final class NoReaderException extends IpcException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception for a failed open.
     *
     * @param arguments the open's arguments as they appear in the message
     */
    public NoReaderException(String arguments) {
        super("open", arguments, org.panamaipc.Errno.ENXIO.number());
    }

    @Override
    public String getMessage() {
        return super.getMessage() + ": no reader has the FIFO open";
    }
}
