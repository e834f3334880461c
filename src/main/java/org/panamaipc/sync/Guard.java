package org.panamaipc.sync;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open/closed state of a handle and the calls in flight on it, so that memory the
 * handle frees on close (a semaphore {@code sem_open} mapped) is freed only once no call
 * uses it any more: by {@link #close()} if idle, else by the last {@link #exit()}.
 */
final class Guard {
    private static final int CLOSED = 1 << 30;

    private final AtomicInteger state = new AtomicInteger();

    /** {@return whether close() has not been called} */
    boolean isOpen() {
        return (state.get() & CLOSED) == 0;
    }

    /**
     * Registers a call in flight.
     *
     * @param what the object, for the message
     * @throws IllegalStateException if closed
     */
    void enter(Object what) {
        while (true) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                throw new IllegalStateException(what + " is closed");
            }
            if (state.compareAndSet(s, s + 1)) {
                return;
            }
        }
    }

    /** {@return true if this was the last call of a closed handle: the caller frees it now} */
    boolean exit() {
        return state.decrementAndGet() == CLOSED;
    }

    /** {@return true if the handle was open and idle: the caller frees it now} */
    boolean close() {
        while (true) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s | CLOSED)) {
                return s == 0;
            }
        }
    }
}
