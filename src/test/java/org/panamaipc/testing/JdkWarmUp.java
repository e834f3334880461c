package org.panamaipc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Makes the JDK open, before the first snapshot of {@link LeakCheck}, the descriptors it
 * opens lazily and keeps for the life of the JVM, so that the first test to trigger them is
 * not blamed for a leak.
 *
 * <p>Measured on JDK 25: the first virtual thread that blocks on I/O makes the JDK create
 * its pollers (four epoll descriptors and a socket), which stay open. Selectors, process
 * launches, Unix and TCP sockets, memory mapping, {@code SecureRandom} (which keeps the
 * random devices open; {@link Descriptors} ignores them) and the FFM linker open nothing
 * that outlives them. {@code LeakCheckTest} checks this list. The library itself keeps one
 * such descriptor: the epoll instance of its poller, made when a virtual thread first parks.
 */
final class JdkWarmUp {

    private static final AtomicBoolean DONE = new AtomicBoolean();

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private JdkWarmUp() {}

    /** Warms up the lazily opened JDK resources, the first time only. */
    static void once() {
        if (DONE.compareAndSet(false, true)) {
            startVirtualThreadPollers();
            startLibraryPoller();
        }
    }

    /**
     * Parks a virtual thread in a read of the library's own pipe, which makes the library's
     * poller open its epoll descriptor, kept for the life of the JVM like the JDK's.
     */
    private static void startLibraryPoller() {
        try (org.panamaipc.pipe.Pipe pipe = org.panamaipc.pipe.Pipe.open()) {
            Thread reader = Thread.ofVirtual().name("leak-check warm-up of the library's poller").start(() -> {
                try {
                    pipe.source().read(new byte[1], 0, 1);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Deadline.after(TIMEOUT).await(() -> reader.getState() == Thread.State.WAITING,
                    "a virtual thread parks on reading a pipe of the library");
            pipe.sink().write(new byte[1], 0, 1);
            if (!reader.join(TIMEOUT)) {
                throw new AssertionError("virtual thread still blocked after " + TIMEOUT);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Blocks a virtual thread on reading an empty pipe, which starts the pollers, then frees it. */
    private static void startVirtualThreadPollers() {
        try {
            Pipe pipe = Pipe.open();
            try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
                Thread reader = Thread.ofVirtual().name("leak-check warm-up").start(() -> read(source));
                // A virtual thread waiting for I/O is parked in a poller: its state is WAITING.
                Deadline.after(TIMEOUT).await(() -> reader.getState() == Thread.State.WAITING,
                        "a virtual thread blocks on reading a pipe");
                sink.write(ByteBuffer.allocate(1));
                if (!reader.join(TIMEOUT)) {
                    throw new AssertionError("virtual thread still blocked after " + TIMEOUT);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void read(Pipe.SourceChannel source) {
        try {
            source.read(ByteBuffer.allocate(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
