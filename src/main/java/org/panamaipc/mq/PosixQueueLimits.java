package org.panamaipc.mq;

import org.panamaipc.internal.Check;

/**
 * The system's limits on POSIX message queues, read from {@code /proc/sys/fs/mqueue/} and
 * {@code getrlimit(RLIMIT_MSGQUEUE)}. A process without {@code CAP_SYS_RESOURCE} cannot
 * create a queue beyond them.
 *
 * @param maxMessages {@code msg_max}: the largest {@code maxMessages} a queue may have
 * @param maxMessageSize {@code msgsize_max}: the largest {@code maxMessageSize} in bytes
 * @param maxQueues {@code queues_max}: the most queues on the system
 * @param defaultMaxMessages {@code msg_default}: {@code maxMessages} when none is given
 * @param defaultMaxMessageSize {@code msgsize_default}: {@code maxMessageSize} when none is given
 * @param rlimitSoft the soft {@code RLIMIT_MSGQUEUE}: bytes all of the user's queues may take,
 *        {@link Long#MAX_VALUE} for no limit
 * @param rlimitHard the hard {@code RLIMIT_MSGQUEUE}, {@link Long#MAX_VALUE} for no limit
 * @see <a href="https://man7.org/linux/man-pages/man7/mq_overview.7.html">mq_overview(7)</a>
 */
public record PosixQueueLimits(long maxMessages, long maxMessageSize, long maxQueues,
                               long defaultMaxMessages, long defaultMaxMessageSize,
                               long rlimitSoft, long rlimitHard) {

    /**
     * About the bytes a queue counts against {@code RLIMIT_MSGQUEUE}, as Linux reckons it
     * (its messages' bytes plus the kernel's bookkeeping per message, whose size depends on
     * the kernel's build).
     *
     * @param maxMessages the queue's {@code maxMessages}
     * @param maxMessageSize the queue's {@code maxMessageSize}
     * @return the bytes charged to the user while the queue exists
     * @throws IllegalArgumentException if either is negative
     */
    public static long bytesCharged(long maxMessages, long maxMessageSize) {
        Check.notNegative("maxMessages", maxMessages);
        Check.notNegative("maxMessageSize", maxMessageSize);
        // ipc/mqueue.c: maxmsg * sizeof(struct msg_msg) + min(maxmsg, MQ_PRIO_MAX) *
        // sizeof(struct posix_msg_tree_node) + maxmsg * msgsize; both structures are 48 bytes
        // on x86_64.
        return maxMessages * 48 + Math.min(maxMessages, 32768) * 48 + maxMessages * maxMessageSize;
    }
}
