package org.panamaipc.signal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Reads a child's output line by line on a daemon thread, so a test can wait for a line with a deadline. */
final class Lines {
    private static final String END = new String("end of stream");
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder seen = new StringBuilder();

    Lines(InputStream in) {
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the end of the stream either way
            }
            lines.add(END);
        });
    }

    /** The next line; fails the test if none comes in time. */
    String next(Duration timeout) throws InterruptedException {
        String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null || line == END) {
            throw new AssertionError((line == null ? "no line within " + timeout : "end of output") + "; output so far:\n" + seen);
        }
        seen.append(line).append('\n');
        return line;
    }
}
