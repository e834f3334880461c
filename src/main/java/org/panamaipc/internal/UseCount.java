package org.panamaipc.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The open/closed state of a resource and the calls in flight on it, so that what the
 * resource frees on close (a descriptor, a mapping {@code sem_open} made) is freed only once
 * no call uses it any more: by {@link #close()} if idle, else by the last {@link #exit()}.
 * Lock-free; allocates nothing. The one use count of the library: every {@link Blocker}
 * without a descriptor counts its calls with an instance; {@link org.panamaipc.OwnedFd}, of
 * which a process may receive thousands, keeps the state in an {@code int} field of its own
 * and runs the same state machine through the static forms, so that an owned descriptor is
 * one object.
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

    /** What {@link #close(VarHandle, Object)} returns when the resource was closed already. */
    public static final int ALREADY_CLOSED = -1;
    /** ... when it closed the resource and a call in flight frees it on its {@code exit}. */
    public static final int CLOSED_IN_USE = 0;
    /** ... when it closed the idle resource: the caller frees it now. */
    public static final int CLOSED_IDLE = 1;

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
        return tryEnter(STATE, this);
    }

    /**
     * Ends a call begun by {@link #tryEnter()}; frees the resource if it was closed meanwhile.
     *
     * @throws IllegalStateException if no call is in flight: the count is left as it was, so
     *         that an unmatched exit can never free the resource under another call
     */
    public final void exit() {
        if (exit(STATE, this)) {
            release();
        }
    }

    /** {@return whether {@link #close()} or {@link #detach()} has not been called} */
    public final boolean isOpen() {
        return isOpen(STATE, this);
    }

    /**
     * Closes, once: frees the resource now if no call is in flight, else when the last one exits.
     *
     * @return whether this call closed it (false if it was closed already)
     */
    public final boolean close() {
        int c = close(STATE, this);
        if (c == CLOSED_IDLE) {
            release();
        }
        return c != ALREADY_CLOSED;
    }

    /**
     * Marks the resource closed without freeing it, if it is open and idle.
     *
     * @return whether it was detached; false if closed or a call is in flight
     */
    public final boolean detach() {
        return detach(STATE, this);
    }

    // ---------------------------------------------------------------- the static forms

    /**
     * {@link #tryEnter()} on a state kept in an {@code int} field of {@code holder}, starting at 0.
     *
     * @param state a handle on that {@code volatile int} field
     * @param holder the object that has it
     * @return {@code true}, or {@code false} if the resource is closed (nothing registered)
     */
    public static boolean tryEnter(VarHandle state, Object holder) {
        int s;
        do {
            s = (int) state.getVolatile(holder);
            if ((s & CLOSING) != 0) {
                return false;
            }
        } while (!state.weakCompareAndSet(holder, s, s + ONE));
        return true;
    }

    /**
     * {@link #exit()} on a state kept in a field of {@code holder}.
     *
     * @param state a handle on that {@code volatile int} field
     * @param holder the object that has it
     * @return whether the caller must free the resource now (it was closed during the call,
     *         and this was the last call); {@code true} is returned once only
     * @throws IllegalStateException if no call is in flight (the count is left as it was)
     */
    public static boolean exit(VarHandle state, Object holder) {
        int s;
        do {
            s = (int) state.getVolatile(holder);
            if (s < ONE) {
                throw new IllegalStateException("exit() without a matching enter()");
            }
        } while (!state.weakCompareAndSet(holder, s, s - ONE));
        return s - ONE == CLOSING && claimRelease(state, holder);
    }

    /**
     * {@link #isOpen()} on a state kept in a field of {@code holder}.
     *
     * @param state a handle on that {@code volatile int} field
     * @param holder the object that has it
     * @return whether it has not been closed or detached
     */
    public static boolean isOpen(VarHandle state, Object holder) {
        return ((int) state.getVolatile(holder) & CLOSING) == 0;
    }

    /**
     * {@link #close()} on a state kept in a field of {@code holder}.
     *
     * @param state a handle on that {@code volatile int} field
     * @param holder the object that has it
     * @return {@link #ALREADY_CLOSED}, {@link #CLOSED_IN_USE} or {@link #CLOSED_IDLE} (the
     *         caller frees the resource now)
     */
    public static int close(VarHandle state, Object holder) {
        int s;
        do {
            s = (int) state.getVolatile(holder);
            if ((s & CLOSING) != 0) {
                return ALREADY_CLOSED;
            }
        } while (!state.weakCompareAndSet(holder, s, s | CLOSING));
        return s == 0 && claimRelease(state, holder) ? CLOSED_IDLE : CLOSED_IN_USE;
    }

    /**
     * {@link #detach()} on a state kept in a field of {@code holder}.
     *
     * @param state a handle on that {@code volatile int} field
     * @param holder the object that has it
     * @return whether it was detached; false if closed or a call is in flight
     */
    public static boolean detach(VarHandle state, Object holder) {
        return state.compareAndSet(holder, 0, CLOSING | RELEASED);
    }

    /** {@return whether this caller is the one that frees the resource} */
    private static boolean claimRelease(VarHandle state, Object holder) {
        return state.compareAndSet(holder, CLOSING, CLOSING | RELEASED);
    }
}
