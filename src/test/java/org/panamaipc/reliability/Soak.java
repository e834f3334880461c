package org.panamaipc.reliability;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The soak's message: a sequence number and its checksum, 16 bytes, the same on both sides. */
final class Soak {
    /** Bytes of one message. */
    static final int MESSAGE_BYTES = 16;

    /** The system property that sets how many messages each mechanism carries. */
    static final String MESSAGES_PROPERTY = "panamaipc.soak.messages";

    /** Messages per mechanism in the normal run. */
    static final long DEFAULT_MESSAGES = 5_000;

    private Soak() {
    }

    /** {@return how many messages each mechanism carries in this run} */
    static long messages() {
        return Long.getLong(MESSAGES_PROPERTY, DEFAULT_MESSAGES);
    }

    /** {@return a checksum of a sequence number that no other number shares (an odd multiplier is a bijection)} */
    static long checksum(long seq) {
        return (seq * 0x9E37_79B9_7F4A_7C15L) ^ 0x5DEE_CE66_DL;
    }

    /**
     * Writes message {@code seq} into the first 16 bytes of a segment.
     *
     * @param message at least 16 bytes
     * @param seq the sequence number
     */
    static void write(MemorySegment message, long seq) {
        message.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, seq);
        message.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, checksum(seq));
    }

    /**
     * Checks that a message is number {@code expected} and intact.
     *
     * @param message the 16 bytes received
     * @param expected the sequence number that must come next
     * @param what the mechanism, for the message
     */
    static void check(MemorySegment message, long expected, String what) {
        long seq = message.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        long sum = message.get(ValueLayout.JAVA_LONG_UNALIGNED, 8);
        if (sum != checksum(seq)) {
            throw new AssertionError(what + ": message " + expected + " is corrupt: seq=" + seq + " checksum=" + sum);
        }
        if (seq != expected) {
            throw new AssertionError(what + ": expected message " + expected + ", got " + seq
                    + (seq < expected ? " (duplicated)" : " (" + (seq - expected) + " lost)"));
        }
    }
}
