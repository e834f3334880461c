package org.panamaipc;

import org.panamaipc.internal.EpollCalls;

/**
 * What a {@link WaitSet} waits for on a {@link Waitable}. Each kind of object offers the
 * interests that make sense for it ({@link Waitable#interests()}); the names say what the
 * readiness means for that kind, though underneath there are only two: {@link #WRITABLE} is
 * {@code EPOLLOUT}, every other interest is {@code EPOLLIN}.
 *
 * <p>Readiness is a hint, as it is for {@code poll}: another thread or process may take the
 * message, the connection or the room first, so follow it with the object's
 * {@code tryX()} form, which does not wait.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/epoll.7.html">epoll(7)</a>
 */
public enum Interest {
    /**
     * Something can be taken without waiting: a message from a queue, bytes (or end of file)
     * from a pipe, FIFO or socket, a non-zero eventfd counter, a ready key from a nested
     * {@link WaitSet}.
     */
    READABLE(true),
    /** Something can be put without waiting: room in a queue, pipe or socket, an eventfd counter not full. */
    WRITABLE(false),
    /** A listening socket has a connection to accept. */
    ACCEPTABLE(true),
    /** A process (pidfd, child process) has exited. */
    EXITED(true),
    /** A signal registration has deliveries not yet taken. */
    SIGNALED(true);

    private final boolean in;

    Interest(boolean in) {
        this.in = in;
    }

    /** {@return the {@code EPOLL*} bit this interest waits for} */
    int epollEvent() {
        return in ? EpollCalls.IN : EpollCalls.OUT;
    }

    /** {@return this interest as one bit of a set} */
    int bit() {
        return 1 << ordinal();
    }
}
