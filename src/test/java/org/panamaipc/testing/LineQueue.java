package org.panamaipc.testing;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads a stream line by line on a daemon thread, so that a test can wait for the next line
 * with a deadline.
 *
 * <p>A blocking read on a pipe cannot be given a timeout in plain Java, so the read happens on
 * its own thread and the test waits on a queue instead.
 */
final class LineQueue {

    /** An item of the queue: a line, or the end of the stream when {@code text} is null. */
    private record Item(String text) {
        static final Item END = new Item(null);
    }

    private final BlockingQueue<Item> items = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile boolean ended;

    private LineQueue(InputStream in, String threadName) {
        this.reader = Thread.ofPlatform().name(threadName).daemon().unstarted(() -> pump(in));
    }

    /**
     * Starts reading lines from {@code in} until end of stream.
     *
     * @param in the stream, closed by the caller once {@link #awaitEnd} returned
     * @param threadName the name of the reading thread, for thread dumps
     * @return the running queue
     */
    static LineQueue start(InputStream in, String threadName) {
        LineQueue queue = new LineQueue(in, threadName);
        queue.reader.start();
        return queue;
    }

    /**
     * Returns the next line, waiting at most {@code timeout} for it.
     *
     * @param timeout how long to wait
     * @return the line, without its terminator
     * @throws EOFException if the stream ended before another line
     * @throws TimeoutException if no line came in time
     * @throws InterruptedException if the waiting thread was interrupted
     */
    String next(Duration timeout) throws EOFException, TimeoutException, InterruptedException {
        if (ended && items.isEmpty()) {
            throw new EOFException();
        }
        Item item = items.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (item == null) {
            throw new TimeoutException();
        }
        if (item == Item.END) {
            ended = true;
            throw new EOFException();
        }
        return item.text();
    }

    /**
     * Waits until the reading thread has seen the end of the stream.
     *
     * @param timeout how long to wait
     * @return true if the stream ended in time
     */
    boolean awaitEnd(Duration timeout) {
        try {
            return reader.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !reader.isAlive();
        }
    }

    private void pump(InputStream in) {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        try {
            for (String line; (line = lines.readLine()) != null; ) {
                items.add(new Item(line));
            }
        } catch (IOException closed) {
            // The owner closed the stream: for the reader that is the end of it.
        } finally {
            items.add(Item.END);
        }
    }
}
