package org.panamaipc.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The open/closed state of a resource and the calls in flight on it, so that what the
 * resource frees on close (a descriptor, a mapping {@code sem_open} made) is freed only once
 * no call uses it any more: by {@link #close()} if idle, else by the last {@link #exit()}.
 * Lock-free; allocates nothing. The one use count of the library: {@link org.panamaipc.OwnedFd}
 * and every {@link Blocker} without a descriptor count their calls with it.
 */
public abstract class UseCount {
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(UseCount.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // state: calls in flight << 2 | RELEASED | CLOSING
    private static final int CLOSING = 1;
    private static final int RELEASED = 2;
    private static final int ONE = 4;

    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    /** Creates an open resource with no call in flight. */
    protected UseCount() {
    }

    /** Frees the resource: called exactly once, after close, when no call is in flight. */
    protected abstract void release();

    /**
     * Registers a call in flight.
     *
     * @return {@code true}, or {@code false} if the resource is closed (nothing registered)
     */
    public final boolean tryEnter() {
        int s;
        do {
            s = (int) STATE.getVolatile(this);
            if ((s & CLOSING) != 0) {
                return false;
            }
        } while (!STATE.weakCompareAndSet(this, s, s + ONE));
        return true;
    }

    /**
     * Ends a call begun by {@link #tryEnter()}; frees the resource if it was closed meanwhile.
     *
     * @throws IllegalStateException if no call is in flight: the count is left as it was, so
     *         that an unmatched exit can never free the resource under another call
     */
    public final void exit() {
        int s;
        do {
            s = (int) STATE.getVolatile(this);
            if (s < ONE) {
                throw new IllegalStateException("exit() without a matching enter()");
            }
        } while (!STATE.weakCompareAndSet(this, s, s - ONE));
        if (s - ONE == CLOSING) {
            releaseOnce();
        }
    }

    /** {@return whether {@link #close()} or {@link #detach()} has not been called} */
    public final boolean isOpen() {
        return ((int) STATE.getVolatile(this) & CLOSING) == 0;
    }

    /**
     * Closes, once: frees the resource now if no call is in flight, else when the last one exits.
     *
     * @return whether this call closed it (false if it was closed already)
     */
    public final boolean close() {
        int s;
        do {
            s = (int) STATE.getVolatile(this);
            if ((s & CLOSING) != 0) {
                return false;
            }
        } while (!STATE.weakCompareAndSet(this, s, s | CLOSING));
        if (s == 0) {
            releaseOnce();
        }
        return true;
    }

    /**
     * Marks the resource closed without freeing it, if it is open and idle.
     *
     * @return whether it was detached; false if closed or a call is in flight
     */
    public final boolean detach() {
        return STATE.compareAndSet(this, 0, CLOSING | RELEASED);
    }

    private void releaseOnce() {
        if (STATE.compareAndSet(this, CLOSING, CLOSING | RELEASED)) {
            release();
        }
    }
}
