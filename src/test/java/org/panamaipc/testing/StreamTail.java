package org.panamaipc.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Drains a stream on a daemon thread and keeps only its last characters, for diagnostics.
 *
 * <p>A peer's stderr must be drained continuously, or a chatty peer blocks once the pipe
 * buffer (64 KiB) is full; only its end matters in a failure message, so the buffer is
 * bounded.
 */
final class StreamTail {

    private final int capacity;
    private final StringBuilder text = new StringBuilder();
    private final Thread drainer;
    private long dropped;

    private StreamTail(InputStream in, int capacity, String threadName) {
        this.capacity = capacity;
        this.drainer = Thread.ofPlatform().name(threadName).daemon().unstarted(() -> drain(in));
    }

    /**
     * Starts draining {@code in} until end of stream.
     *
     * @param in the stream, closed by the caller once {@link #awaitEnd} returned
     * @param capacity how many characters to keep
     * @param threadName the name of the draining thread, for thread dumps
     * @return the running tail
     */
    static StreamTail start(InputStream in, int capacity, String threadName) {
        StreamTail tail = new StreamTail(in, capacity, threadName);
        tail.drainer.start();
        return tail;
    }

    /**
     * Returns the kept characters, prefixed with a note if older ones were dropped.
     *
     * @return the tail of the stream so far
     */
    synchronized String text() {
        return dropped == 0 ? text.toString() : "[" + dropped + " chars dropped]\n" + text;
    }

    /**
     * Waits until the stream has ended and everything before the end has been kept.
     *
     * @param timeout how long to wait
     * @return true if the stream ended in time
     */
    boolean awaitEnd(Duration timeout) {
        try {
            return drainer.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !drainer.isAlive();
        }
    }

    private void drain(InputStream in) {
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
        char[] chunk = new char[4096];
        try {
            for (int n; (n = reader.read(chunk)) >= 0; ) {
                append(chunk, n);
            }
        } catch (IOException closed) {
            // The owner closed the stream: the tail keeps what it has.
        }
    }

    private synchronized void append(char[] chunk, int n) {
        text.append(chunk, 0, n);
        int excess = text.length() - capacity;
        if (excess > 0) {
            text.delete(0, excess);
            dropped += excess;
        }
    }
}
