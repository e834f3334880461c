package org.panamaipc.mq;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.pollfd;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.Sys;
import org.panamaipc.internal.Waiters;

/**
 * Waits until any of several POSIX message queues is readable (holds a message) or
 * writable (has room), with a timeout: on Linux a queue descriptor is a file descriptor,
 * and this is {@code poll(2)} over them.
 *
 * <pre>{@code
 * try (PosixQueuePoller poller = PosixQueuePoller.create()) {
 *     int orders = poller.register(ordersQueue, EnumSet.of(PosixQueuePoller.Readiness.READABLE));
 *     int audit = poller.register(auditQueue, EnumSet.of(PosixQueuePoller.Readiness.READABLE));
 *     while (poller.poll(Duration.ofSeconds(1)) > 0) {
 *         if (poller.isReadable(orders)) { ordersQueue.tryReceive(message); }
 *         if (poller.isReadable(audit)) { auditQueue.tryReceive(message); }
 *     }
 * }
 * }</pre>
 *
 * <p>Registration and {@link #poll} belong to one thread; {@link #close()} may be called
 * from any thread and makes a blocked {@link #poll} throw {@link AsynchronousCloseException}.
 * Readiness is a hint: another receiver may take the message first, so follow a readable
 * queue with {@code tryReceive}. Polling allocates nothing.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/poll.2.html">poll(2)</a>
 * @see <a href="https://man7.org/linux/man-pages/man7/mq_overview.7.html">mq_overview(7)</a>
 */
public final class PosixQueuePoller implements AutoCloseable {
    /** What to wait for on a queue. */
    public enum Readiness {
        /** A message can be received ({@code POLLIN}). */
        READABLE,
        /** A message can be sent ({@code POLLOUT}). */
        WRITABLE
    }

    private static final short POLLIN = (short) LibC.POLLIN();
    private static final short POLLOUT = (short) LibC.POLLOUT();
    private static final long POLLFD_SIZE = pollfd.sizeof();
    private static final long REVENTS = pollfd.revents$offset();

    // Freed by the garbage collector, never explicitly: close() may race a poll() that is
    // still reading this memory.
    private final Arena arena = Arena.ofAuto();
    private final List<PosixMessageQueue> queues = new ArrayList<>();
    private final Waiters waiters = new Waiters();
    private MemorySegment fds = MemorySegment.NULL;
    private volatile boolean open = true;

    private PosixQueuePoller() {
    }

    /** {@return a poller with no queue registered} */
    public static PosixQueuePoller create() {
        return new PosixQueuePoller();
    }

    /**
     * Adds a queue to wait for.
     *
     * @param queue an open queue; it is not closed by the poller
     * @param interest what to wait for; not empty
     * @return the queue's index for {@link #isReadable}, {@link #isWritable} and {@link #queue}
     * @throws IllegalArgumentException if {@code interest} is empty
     * @throws IllegalStateException if the poller or the queue is closed
     */
    public int register(PosixMessageQueue queue, Set<Readiness> interest) {
        Check.notNull("queue", queue);
        Check.notNull("interest", interest);
        if (interest.isEmpty()) {
            throw new IllegalArgumentException("interest must not be empty");
        }
        ensureOpen();
        int index = queues.size();
        MemorySegment grown = arena.allocate(pollfd.layout(), index + 1);
        MemorySegment.copy(fds, 0, grown, 0, fds.byteSize());
        MemorySegment p = pollfd.asSlice(grown, index);
        pollfd.fd(p, queue.fd().get());
        pollfd.events(p, (short) ((interest.contains(Readiness.READABLE) ? POLLIN : 0)
                | (interest.contains(Readiness.WRITABLE) ? POLLOUT : 0)));
        fds = grown;
        queues.add(queue);
        return index;
    }

    /** {@return the number of queues registered} */
    public int size() {
        return queues.size();
    }

    /**
     * The queue registered at an index.
     *
     * @param index what {@link #register} returned
     * @return the queue
     */
    public PosixMessageQueue queue(int index) {
        return queues.get(index);
    }

    /**
     * Waits until at least one registered queue is ready, at most {@code timeout}.
     *
     * @param timeout the longest wait; zero checks without waiting
     * @return the number of ready queues, 0 on timeout
     * @throws AsynchronousCloseException if the poller is closed while waiting
     * @throws IOException if {@code poll} fails
     * @throws IllegalStateException if the poller or a registered queue is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/poll.2.html">poll(2)</a>
     */
    public int poll(Duration timeout) throws IOException {
        Check.timeout(timeout);
        ensureOpen();
        int count = queues.size();
        int acquired = 0;
        try {
            for (; acquired < count; acquired++) {
                PosixMessageQueue q = queues.get(acquired);
                try {
                    q.fd().acquire(); // keeps a concurrent close from recycling the number mid-poll
                } catch (IllegalStateException closed) {
                    throw new IllegalStateException("registered queue " + Errors.quote(q.name()) + " is closed");
                }
            }
            for (int i = 0; i < count; i++) {
                fds.set(ValueLayout.JAVA_SHORT, i * POLLFD_SIZE + REVENTS, (short) 0);
            }
            long end = Deadline.end(timeout);
            int slot = waiters.enter();
            try {
                if (!open) {
                    throw new AsynchronousCloseException(); // a close() before enter() signalled no one
                }
                while (true) {
                    int r = Sys.poll(fds, count, Deadline.pollMillis(end));
                    if (r >= 0) {
                        return r;
                    }
                    if (r != -Sys.EINTR) {
                        throw Errors.of("poll", "nfds=" + count, -r);
                    }
                    if (!open) {
                        throw new AsynchronousCloseException();
                    }
                }
            } finally {
                waiters.exit(slot);
            }
        } finally {
            for (int i = 0; i < acquired; i++) {
                queues.get(i).fd().release();
            }
        }
    }

    /**
     * Whether the last {@link #poll} found a queue readable.
     *
     * @param index what {@link #register} returned
     * @return whether a message could be received
     */
    public boolean isReadable(int index) {
        return (revents(index) & POLLIN) != 0;
    }

    /**
     * Whether the last {@link #poll} found a queue writable.
     *
     * @param index what {@link #register} returned
     * @return whether a message could be sent
     */
    public boolean isWritable(int index) {
        return (revents(index) & POLLOUT) != 0;
    }

    private short revents(int index) {
        java.util.Objects.checkIndex(index, queues.size());
        return fds.get(ValueLayout.JAVA_SHORT, index * POLLFD_SIZE + REVENTS);
    }

    private void ensureOpen() {
        if (!open) {
            throw new IllegalStateException("poller is closed");
        }
    }

    /** Closes the poller (not its queues); a thread blocked in {@link #poll} is woken. Idempotent. */
    @Override
    public void close() {
        if (open) {
            open = false;
            waiters.wakeAll();
        }
    }
}
