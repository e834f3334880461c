package org.panamaipc.bench.infra;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/** Whole-buffer reads and writes on byte channels, without allocation. */
public final class Streams {
    private Streams() {
    }

    /**
     * Writes the buffer's remaining bytes.
     *
     * @param ch the channel
     * @param buf the bytes, cleared and filled by the caller
     * @throws IOException as the channel does
     */
    public static void writeFully(WritableByteChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /**
     * Reads until the buffer is full.
     *
     * @param ch the channel
     * @param buf the buffer, cleared by the caller
     * @throws IOException as the channel does; {@link EOFException} at end of stream
     */
    public static void readFully(ReadableByteChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new EOFException();
            }
        }
    }
}
