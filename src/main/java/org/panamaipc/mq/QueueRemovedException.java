package org.panamaipc.mq;


/**
 * The System V queue was removed ({@code IPC_RMID}, e.g. by {@code ipcrm -q}) while a thread
 * was blocked on it ({@code EIDRM}), or its id no longer names a queue ({@code EINVAL}).
 */
public class QueueRemovedException extends QueueException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param call the C function that failed
     * @param arguments the arguments worth naming
     * @param errno {@code EIDRM} or {@code EINVAL}
     * @param explanation what happened, in words
     */
    public QueueRemovedException(String call, String arguments, int errno, String explanation) {
        super(call, arguments, errno, explanation);
    }
}
