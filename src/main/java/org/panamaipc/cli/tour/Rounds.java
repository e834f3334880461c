package org.panamaipc.cli.tour;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** What the steps share: the payloads, the peer's answer to one, and exact reads. */
final class Rounds {
    /** Bytes per message in the steps that send messages. */
    static final int SIZE = 64;

    private Rounds() {
    }

    /** The payload of round {@code i}: 64 bytes that differ from round to round. */
    static byte[] payload(int i) {
        byte[] b = Arrays.copyOf(String.format("panama-ipc tour round %05d ", i).getBytes(StandardCharsets.US_ASCII), SIZE);
        for (int k = 27; k < SIZE; k++) {
            b[k] = (byte) ('a' + (i + k) % 26);
        }
        return b;
    }

    /** The peer's answer: the payload reversed, which proves the peer read it. */
    static byte[] answer(byte[] payload) {
        byte[] r = new byte[payload.length];
        for (int k = 0; k < payload.length; k++) {
            r[k] = payload[payload.length - 1 - k];
        }
        return r;
    }

    static boolean isAnswer(byte[] payload, byte[] reply) {
        return Arrays.equals(answer(payload), reply);
    }

    /** Reads exactly {@code b.length} bytes from a stream-like source. */
    static void readFully(Reader in, byte[] b) throws IOException {
        int got = 0;
        while (got < b.length) {
            int n = in.read(b, got, b.length - got);
            if (n < 0) {
                throw new IOException("end of stream after " + got + " of " + b.length + " bytes");
            }
            got += n;
        }
    }

    /** Writes all of {@code b} to a stream-like sink. */
    static void writeFully(Writer out, byte[] b) throws IOException {
        int put = 0;
        while (put < b.length) {
            put += out.write(b, put, b.length - put);
        }
    }

    static byte[] bytes(MemorySegment s, long offset, int length) {
        return s.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
    }

    static void put(MemorySegment s, long offset, byte[] b) {
        MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, offset, b.length);
    }

    /** A source of bytes. */
    @FunctionalInterface
    interface Reader {
        int read(byte[] b, int off, int len) throws IOException;
    }

    /** A sink of bytes. */
    @FunctionalInterface
    interface Writer {
        int write(byte[] b, int off, int len) throws IOException;
    }
}
