package org.panamaipc.mq;


/**
 * The system's limits on System V message queues, from {@code /proc/sys/kernel/}.
 *
 * @param maxMessageSize {@code msgmax}: the longest text of one message in bytes
 * @param defaultMaxBytes {@code msgmnb}: a new queue's {@code maxBytes}, and the most an
 *        unprivileged process may raise it to
 * @param maxQueues {@code msgmni}: the most queues on the system
 * @see <a href="https://man7.org/linux/man-pages/man7/sysvipc.7.html">sysvipc(7)</a>
 */
public record SysVQueueLimits(long maxMessageSize, long defaultMaxBytes, long maxQueues) {
}
