package org.panamaipc.mq;

import java.util.Arrays;

/**
 * A message received from a POSIX message queue into a new array: the convenient,
 * allocating form. {@link PosixMessage} receives without allocating.
 *
 * @param data the message's bytes
 * @param priority its priority, 0 (lowest) to {@link PosixMessageQueue#MAX_PRIORITY}
 */
public record PriorityMessage(byte[] data, int priority) {

    /** {@return a short description with the length and priority} */
    @Override
    public String toString() {
        return "PriorityMessage[length=" + data.length + " priority=" + priority + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PriorityMessage m && m.priority == priority && Arrays.equals(m.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(data) + priority;
    }
}
