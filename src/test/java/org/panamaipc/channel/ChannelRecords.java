package org.panamaipc.channel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The test records that the Java, C ({@code channel_peer.c}) and Python
 * ({@code channel_peer.py}) ends write and check, byte for byte the same: record {@code i} of
 * producer {@code p} has a payload of {@code 8 + (i * 7919 + p * 131) % 1017} bytes (8 to
 * 1024), type {@code 1 + i % 7}, its first 8 bytes {@code p << 32 | i} (little-endian) and
 * then {@code PATTERN[(i * 7 + p * 13) % 256 + k - 8]} for byte {@code k}, with
 * {@code PATTERN[j] = (j * 131 + (j >> 8)) & 0xFF}. A torn, shifted or mixed-up record fails
 * the check.
 */
final class ChannelRecords {
    /** The longest payload a test record has. */
    static final int MAX_LENGTH = 1024;

    private static final MemorySegment PATTERN = pattern();

    private ChannelRecords() {}

    private static MemorySegment pattern() {
        MemorySegment p = Arena.global().allocate(256 + MAX_LENGTH);
        for (int j = 0; j < p.byteSize(); j++) {
            p.set(ValueLayout.JAVA_BYTE, j, (byte) ((j * 131 + (j >> 8)) & 0xFF));
        }
        return p;
    }

    static int length(long i, int p) {
        return 8 + (int) ((i * 7919 + p * 131L) % 1017);
    }

    static int type(long i) {
        return 1 + (int) (i % 7);
    }

    /**
     * Writes record {@code i} of producer {@code p} at {@code offset} of {@code target}.
     *
     * @return its length
     */
    static int fill(MemorySegment target, long offset, long i, int p) {
        int length = length(i, p);
        target.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, ((long) p << 32) | i);
        MemorySegment.copy(PATTERN, (i * 7 + p * 13) % 256, target, offset + 8, length - 8);
        return length;
    }

    /** Checks records as they arrive, per producer in order; counts what is wrong. */
    static final class Checker implements RecordHandler {
        private final long[] next;
        long total;
        long bytes;
        long bad;
        long duplicated;
        long lost;

        Checker(int producers) {
            next = new long[producers];
        }

        @Override
        public void onRecord(int type, MemorySegment buffer, long offset, int length) {
            total++;
            bytes += length;
            if (length < 8) {
                bad++;
                return;
            }
            long id = buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
            int p = (int) (id >>> 32);
            long i = id & 0xFFFFFFFFL;
            if (p < 0 || p >= next.length || type != type(i) || length != length(i, p)
                    || MemorySegment.mismatch(buffer, offset + 8, offset + length,
                            PATTERN, (i * 7 + p * 13) % 256, (i * 7 + p * 13) % 256 + length - 8) != -1) {
                bad++;
                return;
            }
            if (i < next[p]) {
                duplicated++;
            } else if (i > next[p]) {
                lost += i - next[p];
            }
            next[p] = i + 1;
        }

        @Override
        public String toString() {
            return "records=" + total + " bytes=" + bytes + " bad=" + bad + " dup=" + duplicated + " lost=" + lost;
        }
    }
}
