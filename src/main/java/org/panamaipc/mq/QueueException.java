package org.panamaipc.mq;

import org.panamaipc.IpcException;

/**
 * A message queue call failed, with an explanation of what the error means for this queue
 * beside the call and errno, e.g. {@code mq_receive(fd=7, "/orders", len=8192): EBADF (Bad
 * file descriptor); the queue was opened WRITE_ONLY}.
 */
public class QueueException extends IpcException {
    private static final long serialVersionUID = 1L;

    /** Why the call failed, in words, beside the error number. */
    private final String explanation;

    /**
     * Creates the exception.
     *
     * @param call the C function that failed
     * @param arguments the arguments worth naming
     * @param errno the captured errno
     * @param explanation what the error means here, appended to the message
     */
    public QueueException(String call, String arguments, int errno, String explanation) {
        super(call, arguments, errno);
        this.explanation = explanation;
    }

    /** {@return what the error means for this queue, in words} */
    public String explanation() {
        return explanation;
    }

    @Override
    public String getMessage() {
        return super.getMessage() + "; " + explanation;
    }
}
