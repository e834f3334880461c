package org.panamaipc.internal;

import org.panamaipc.OwnedFd;

/**
 * The library's own way to use an {@link OwnedFd} in a call: registers the call so that a
 * concurrent {@code close()} waits for it, apart from the public {@link OwnedFd#acquire()} /
 * {@link OwnedFd#release()} pair. A caller's unbalanced {@code release()} can therefore never
 * take back a use the library registered: it is refused, and the descriptor stays open under
 * every call of the library in flight. Every {@link #enter} is followed by one {@link #exit}
 * in a {@code finally}. Allocates nothing.
 */
public final class FdUse {
    /** What {@link OwnedFd} lends this class: its uses, without the public bookkeeping. */
    public interface Access {
        /**
         * Registers a call.
         *
         * @param fd the descriptor
         * @return its number, or -1 if it is closed (nothing registered)
         */
        int tryEnter(OwnedFd fd);

        /**
         * Ends a call registered by {@link #tryEnter}.
         *
         * @param fd the descriptor
         */
        void exit(OwnedFd fd);
    }

    private static volatile Access access;

    private FdUse() {
    }

    /**
     * Called once, by {@link OwnedFd}'s initialisation, which precedes every use of an instance.
     *
     * @param lent the access
     */
    public static void install(Access lent) {
        if (access != null) {
            throw new IllegalStateException("installed already");
        }
        access = lent;
    }

    /**
     * Registers a call on the descriptor.
     *
     * @param fd the descriptor
     * @return its number, valid until {@link #exit}
     * @throws IllegalStateException if it is closed
     */
    public static int enter(OwnedFd fd) {
        int n = access.tryEnter(fd);
        if (n < 0) {
            throw new IllegalStateException("fd is closed: " + fd);
        }
        return n;
    }

    /**
     * Registers a call on the descriptor if it is open.
     *
     * @param fd the descriptor
     * @return its number, or -1 if it is closed (nothing to {@link #exit} then)
     */
    public static int tryEnter(OwnedFd fd) {
        return access.tryEnter(fd);
    }

    /**
     * Ends a call registered by {@link #enter}; closes the descriptor if it was closed meanwhile.
     *
     * @param fd the descriptor
     */
    public static void exit(OwnedFd fd) {
        access.exit(fd);
    }
}
