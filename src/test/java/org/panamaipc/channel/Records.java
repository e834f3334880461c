package org.panamaipc.channel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Checksummed records of mixed sizes for the cross-process tests: record {@code n} of a
 * stream has type {@code n % 1000 + 1}, a length that varies with {@code n}, its number in
 * the first 8 bytes and bytes derived from it after: a lost, duplicated or torn record is
 * seen at once. Used by the tests and by {@link ChannelPeer}.
 */
final class Records {
    private Records() {
    }

    /** {@return the type of record {@code n}} */
    static int type(long n) {
        return (int) (n % 1000) + 1;
    }

    /** The longest record of a stream, so that tests size rings by record counts. */
    static final int LONGEST = 2000;

    /** {@return the payload length of record {@code n}, 8 to {@code maxPayload} or {@value #LONGEST}} */
    static int length(long n, int maxPayload) {
        return 8 + (int) ((n * 7919) % (Math.min(maxPayload, LONGEST) - 7));
    }

    /** Writes record {@code n}'s payload into {@code buffer} at {@code offset}. */
    static void fill(long n, MemorySegment buffer, long offset, int length) {
        buffer.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, n);
        for (int i = 8; i < length; i++) {
            buffer.set(ValueLayout.JAVA_BYTE, offset + i, (byte) (n + i * 31));
        }
    }

    /**
     * Checks a delivered record against what record {@code n} must be.
     *
     * @return {@code null} if it is right, else what is wrong
     */
    static String check(long n, int type, MemorySegment buffer, long offset, int length, int maxPayload) {
        if (length < 8) {
            return "record " + n + ": length=" + length;
        }
        long got = buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
        if (got != n) {
            return "record " + n + ": found record " + got + " (lost or duplicated)";
        }
        if (type != type(n) || length != length(n, maxPayload)) {
            return "record " + n + ": type=" + type + " length=" + length;
        }
        for (int i = 8; i < length; i++) {
            if (buffer.get(ValueLayout.JAVA_BYTE, offset + i) != (byte) (n + i * 31)) {
                return "record " + n + ": torn at byte " + i;
            }
        }
        return null;
    }
}
