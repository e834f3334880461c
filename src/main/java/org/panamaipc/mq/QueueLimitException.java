package org.panamaipc.mq;


/**
 * A call exceeded a system limit on message queues; the exception names the limit and its
 * value instead of leaving a bare {@code EINVAL}, {@code EMFILE} or {@code ENOSPC}, e.g.
 * {@code mq_open("/orders", O_RDWR|O_CREAT|O_EXCL, maxMessages=50, maxMessageSize=64):
 * EINVAL (Invalid argument); maxMessages=50 exceeds /proc/sys/fs/mqueue/msg_max=10}.
 *
 * @see PosixMessageQueue#limits()

 */
public class QueueLimitException extends QueueException {
    private static final long serialVersionUID = 1L;

    /** The limit that was reached, e.g. {@code /proc/sys/fs/mqueue/msg_max} or {@code RLIMIT_MSGQUEUE}. */
    private final String limit;
    /** The value of the limit when the call failed. */
    private final long value;

    /**
     * Creates the exception.
     *
     * @param call the C function that failed
     * @param arguments the arguments worth naming
     * @param errno the captured errno
     * @param limit the limit's name, e.g. {@code /proc/sys/fs/mqueue/msg_max}, {@code RLIMIT_MSGQUEUE}
     *        or {@code msg_qbytes} (a System V queue's own maxBytes)
     * @param value the limit's value
     * @param explanation how the call exceeded it
     */
    public QueueLimitException(String call, String arguments, int errno, String limit, long value,
                               String explanation) {
        super(call, arguments, errno, explanation);
        this.limit = limit;
        this.value = value;
    }

    /** {@return the name of the limit exceeded, e.g. {@code /proc/sys/fs/mqueue/msg_max}} */
    public String limit() {
        return limit;
    }

    /** {@return the limit's value when the call failed} */
    public long value() {
        return value;
    }
}
