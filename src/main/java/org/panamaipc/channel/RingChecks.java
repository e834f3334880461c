package org.panamaipc.channel;

import org.panamaipc.internal.Check;
import org.panamaipc.sync.EventFd;

/** The checks every end makes: a record it is asked to write, a doorbell, and positions read from the header. */
final class RingChecks {
    private RingChecks() {
    }

    /**
     * Checks a record before anything is written.
     *
     * @throws IllegalArgumentException if the type is below 1 or the length out of range
     */
    static void checkRecord(int type, long length, int maxPayloadLength, int capacity) {
        if (type < 1) {
            throw new IllegalArgumentException("type=" + type + " must be at least 1");
        }
        if (length < 0 || length > maxPayloadLength) {
            throw new IllegalArgumentException("length=" + length + " maxPayloadLength=" + maxPayloadLength
                    + ": a payload must be at most " + maxPayloadLength + " bytes (capacity=" + capacity + ")");
        }
    }

    /**
     * Checks a doorbell before an end takes it.
     *
     * @throws NullPointerException if it is null
     * @throws IllegalStateException if it is closed
     */
    static void checkDoorbell(EventFd eventFd) {
        if (!Check.notNull("eventFd", eventFd).isOpen()) {
            throw new IllegalStateException("eventFd=" + eventFd + " is closed: a doorbell must be open");
        }
    }

    /**
     * Checks a one-to-one or many-to-one channel's positions.
     *
     * @throws ChannelCorruptedException unless {@code 0 <= tail - head <= capacity}, both 8-aligned
     */
    static void checkPositions(String what, long tail, long head, int capacity) throws ChannelCorruptedException {
        long used = tail - head;
        if (used < 0 || used > capacity || (tail & 7) != 0 || (head & 7) != 0) {
            throw corruptPositions(what, tail, head, capacity);
        }
    }

    /** {@return the report of impossible positions} */
    static ChannelCorruptedException corruptPositions(String what, long tail, long head, int capacity) {
        return new ChannelCorruptedException(what + ": corrupt positions tail=" + tail + " head=" + head
                + " capacity=" + capacity + ": must satisfy 0 <= tail - head <= capacity, both 8-aligned");
    }
}
