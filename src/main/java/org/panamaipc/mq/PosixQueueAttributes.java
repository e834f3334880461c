package org.panamaipc.mq;


/**
 * The attributes of an open POSIX message queue ({@code struct mq_attr}).
 *
 * @param nonBlocking whether this open queue description has {@code O_NONBLOCK}
 * @param maxMessages the most messages the queue holds ({@code mq_maxmsg})
 * @param maxMessageSize the largest message in bytes ({@code mq_msgsize})
 * @param currentMessages the messages queued now ({@code mq_curmsgs})
 * @see <a href="https://man7.org/linux/man-pages/man3/mq_getattr.3.html">mq_getattr(3)</a>
 */
public record PosixQueueAttributes(boolean nonBlocking, long maxMessages, long maxMessageSize,
                                   long currentMessages) {
}
