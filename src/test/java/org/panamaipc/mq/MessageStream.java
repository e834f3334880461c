package org.panamaipc.mq;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.BitSet;
import java.util.zip.CRC32;

/**
 * The messages the peer tests exchange and the checks a receiver makes on them.
 *
 * <pre>
 *  0        8          12             12 + PAYLOAD   + 8
 *  +--------+----------+--------------+--------------+
 *  | seq    | channel  | payload      | crc32        |
 *  +--------+----------+--------------+--------------+
 * </pre>
 *
 * The channel is the priority (POSIX) or the type (System V); the payload is derived from
 * the sequence number and the CRC covers everything before it. The receiver checks each
 * message's CRC, that every sequence number arrives exactly once, and that within a channel
 * sequence numbers only increase.
 */
final class MessageStream {
    static final int PAYLOAD = 36;
    static final int SIZE = 8 + 4 + PAYLOAD + 8;
    static final int CHANNELS = 4;

    private MessageStream() {
    }

    static int channelOf(long seq) {
        return (int) (seq % CHANNELS);
    }

    /** Writes message {@code seq} into {@code m} (native memory of at least {@link #SIZE}). */
    static void write(MemorySegment m, long seq, int channel) {
        m.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, seq);
        m.set(ValueLayout.JAVA_INT_UNALIGNED, 8, channel);
        long x = seq * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < PAYLOAD; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            m.set(ValueLayout.JAVA_BYTE, 12 + i, (byte) x);
        }
        m.set(ValueLayout.JAVA_LONG_UNALIGNED, 12 + PAYLOAD, crc(m));
    }

    private static long crc(MemorySegment m) {
        CRC32 crc = new CRC32();
        crc.update(m.asSlice(0, 12 + PAYLOAD).asByteBuffer());
        return crc.getValue();
    }

    /** Checks received messages; not thread-safe. */
    static final class Checker {
        private final long count;
        private final BitSet seen = new BitSet();
        private final long[] lastPerChannel = new long[CHANNELS];
        private long received;

        Checker(long count) {
            this.count = count;
            java.util.Arrays.fill(lastPerChannel, -1);
        }

        /** Checks one message; returns an error text or null. */
        String check(MemorySegment m, long length, int channel) {
            if (length != SIZE) {
                return "length=" + length;
            }
            long seq = m.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
            if (m.get(ValueLayout.JAVA_LONG_UNALIGNED, 12 + PAYLOAD) != crc(m)) {
                return "bad checksum at seq=" + seq;
            }
            if (seq < 0 || seq >= count || m.get(ValueLayout.JAVA_INT_UNALIGNED, 8) != channel
                    || channel != channelOf(seq)) {
                return "seq=" + seq + " on channel " + channel;
            }
            if (seen.get((int) seq)) {
                return "duplicate seq=" + seq;
            }
            seen.set((int) seq);
            if (seq <= lastPerChannel[channel]) {
                return "reordered: seq=" + seq + " after " + lastPerChannel[channel] + " on channel " + channel;
            }
            lastPerChannel[channel] = seq;
            received++;
            return null;
        }

        /** Returns an error text or null once all messages should have arrived. */
        String complete() {
            if (received != count || seen.cardinality() != count) {
                return "received " + received + " of " + count;
            }
            return null;
        }
    }
}
