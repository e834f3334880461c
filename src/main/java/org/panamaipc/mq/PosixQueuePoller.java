package org.panamaipc.mq;

import java.io.IOException;
import java.io.InterruptedIOException;
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
import org.panamaipc.bindings.timespec;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Blocker.Timing;
import org.panamaipc.internal.BlockingCall;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.Sys;

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
 * from any thread and makes a blocked {@link #poll} throw {@link AsynchronousCloseException};
 * {@link Thread#interrupt()} ends it with {@link InterruptedIOException}, the poller staying
 * open and the thread's interrupt status set.
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
    private static final BlockingCall POLL = PosixQueuePoller::poll;
    private static final long NANOS_PER_MILLI = 1_000_000;

    private final Blocker blocker = Blocker.forHandle("queue poller", null);
    private MemorySegment fds = MemorySegment.NULL;

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
     * @throws InterruptedIOException if the thread is interrupted while waiting (the poller
     *         stays open)
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
            long r = blocker.call(POLL, 0, fds, MemorySegment.NULL, count, 0, 0, Deadline.end(timeout),
                    Timing.RELATIVE);
            if (r == -Blocker.ETIMEDOUT) {
                return 0;
            }
            if (r < 0) {
                throw Errors.of("poll", "nfds=" + count, (int) -r);
            }
            return (int) r;
        } finally {
            for (int i = 0; i < acquired; i++) {
                queues.get(i).fd().release();
            }
        }
    }

    /** {@code poll} as a {@link BlockingCall}: the engine's relative limit, rounded up to milliseconds. */
    private static long poll(int unused, MemorySegment fds, MemorySegment none, long count, long y, long z,
                             MemorySegment timeout) {
        int millis = -1;
        if (timeout.address() != 0) {
            long ms = timespec.tv_sec(timeout) * 1000
                    + (timespec.tv_nsec(timeout) + NANOS_PER_MILLI - 1) / NANOS_PER_MILLI;
            millis = (int) Math.min(Integer.MAX_VALUE, ms);
        }
        return Sys.poll(fds, count, millis);
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
        if (!blocker.isOpen()) {
            throw new IllegalStateException("poller is closed");
        }
    }

    /** Closes the poller (not its queues); a thread blocked in {@link #poll} is woken. Idempotent. */
    @Override
    public void close() {
        blocker.close();
    }
}
