package org.panamaipc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.panamaipc.sync.EventFd;

/**
 * Makes the JDK open, before the first snapshot of {@link LeakCheck}, the descriptors it
 * opens lazily and keeps for the life of the JVM, so that the first test to trigger them is
 * not blamed for a leak.
 *
 * <p>Measured on JDK 25: the first virtual thread that blocks on I/O makes the JDK create
 * its pollers (four epoll descriptors and a socket), which stay open. Selectors, process
 * launches, Unix and TCP sockets, memory mapping, {@code SecureRandom} (which keeps the
 * random devices open; {@link Descriptors} ignores them) and the FFM linker open nothing
 * that outlives them. {@code LeakCheckTest} checks this list.
 *
 * <p>The library has one such resource of its own: the epoll descriptor of the poller virtual
 * threads park on while they wait in a library call, made by the first one that waits.
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

    /** Blocks a virtual thread on reading an empty pipe, which starts the pollers, then frees it. */
    private static void startVirtualThreadPollers() {
        try {
            Pipe pipe = Pipe.open();
            try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
                parkAVirtualThread("a virtual thread blocks on reading a pipe", () -> source.read(ByteBuffer.allocate(1)),
                        () -> sink.write(ByteBuffer.allocate(1)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Blocks a virtual thread in a library call, which starts the library's poller, then frees it. */
    private static void startLibraryPoller() {
        try (EventFd event = EventFd.create(0, EventFd.Mode.COUNTER)) {
            parkAVirtualThread("a virtual thread parks on the library's poller", event::await, () -> event.signal(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An I/O call, for the lambdas above. */
    private interface IoCall {
        void run() throws IOException;
    }

    /** Starts {@code wait} on a virtual thread, waits until it is parked, then ends it with {@code free}. */
    private static void parkAVirtualThread(String what, IoCall wait, IoCall free) throws IOException {
        Thread waiter = Thread.ofVirtual().name("leak-check warm-up").start(() -> {
            try {
                wait.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        // A virtual thread waiting for I/O is parked in a poller: its state is WAITING.
        Deadline.after(TIMEOUT).await(() -> waiter.getState() == Thread.State.WAITING, what);
        free.run();
        try {
            if (!waiter.join(TIMEOUT)) {
                throw new AssertionError("virtual thread still parked after " + TIMEOUT + ": " + what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
