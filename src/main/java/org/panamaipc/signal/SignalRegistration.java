package org.panamaipc.signal;

import java.io.IOException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;
import org.panamaipc.Interest;
import org.panamaipc.OwnedFd;
import org.panamaipc.Waitable;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.FdUse;
import org.panamaipc.internal.EventCounter;

/**
 * A handler installed by {@link Signals#handle}; {@link #close()} removes it, and removing
 * the last handler of a signal restores the disposition the signal had before.
 *
 * <p><b>Waiting for deliveries.</b> Besides running the handler, each registration counts the
 * deliveries it handled, whichever the {@link Delivery}: the count goes up once the handler
 * has returned, {@link #takeDeliveries()} takes it and sets it back to zero, and a
 * {@link org.panamaipc.WaitSet} waits for it with {@link Interest#SIGNALED}, beside any other
 * object. The count lives in an eventfd of this registration ({@link #fd()}), so a program
 * can wait for signals and data in one place without running anything in the handler but
 * what it must:
 *
 * <pre>{@code
 * try (SignalRegistration hangup = Signals.handle(Signal.SIGHUP, info -> { });  // counting is enough
 *      WaitSet set = WaitSet.create()) {
 *     set.register(hangup, Interest.SIGNALED);
 *     set.register(requests, Interest.READABLE);                          // a queue, a socket...
 *     while (true) {
 *         for (WaitSet.Key key : set.select()) {
 *             if (key.object() == hangup) {
 *                 hangup.takeDeliveries();
 *                 reloadConfiguration();
 *             } else {
 *                 serve(requests);
 *             }
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p><b>Lifetime.</b> {@link #close()} removes the handler and closes the eventfd (a wait set
 * watching it reports its key once, no longer valid); later {@link #takeDeliveries()} throws
 * {@link IllegalStateException}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/signalfd.2.html">signalfd(2)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/sigaction.2.html">sigaction(2)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/eventfd.2.html">eventfd(2)</a>
 */
public final class SignalRegistration implements AutoCloseable, Waitable {
    private static final Set<Interest> OFFERS = Collections.unmodifiableSet(EnumSet.of(Interest.SIGNALED));

    /** How signals reach the handler. */
    public enum Delivery {
        /**
         * The signal is blocked in every thread of the JVM and read from a {@code signalfd}
         * on a dedicated thread: each delivery carries the sender's pid and uid and the
         * {@code sigqueue} value, and real-time signals queue up instead of merging.
         */
        SIGNALFD,
        /**
         * The JVM's own native handler catches the signal and its signal dispatcher runs
         * the handler on a new Java thread ({@code jdk.unsupported}'s signal API): only the
         * signal number is known, and several deliveries close together may merge into one.
         */
        JVM
    }

    private final Signals.Slot slot;
    private final Consumer<SignalInfo> handler;
    /** The eventfd that counts the deliveries handled. */
    private final OwnedFd deliveries;
    private boolean closed;

    SignalRegistration(Signals.Slot slot, Consumer<SignalInfo> handler, OwnedFd deliveries) {
        this.slot = slot;
        this.handler = handler;
        this.deliveries = deliveries;
    }

    void deliver(SignalInfo info) {
        try {
            handler.accept(info);
        } catch (RuntimeException | Error e) {
            Thread t = Thread.currentThread();
            t.getUncaughtExceptionHandler().uncaughtException(t, e);
        }
        EventCounter.ring(deliveries); // after close, nothing: nobody waits for the count any more
    }

    /** {@return the signal handled} */
    public Signal signal() {
        return slot.signal;
    }

    /** {@return how the signal reaches the handler} */
    public Delivery delivery() {
        return slot.delivery();
    }

    /**
     * The eventfd that counts this registration's deliveries, still owned by it: readable
     * while deliveries are waiting to be taken. Wait on it through a
     * {@link org.panamaipc.WaitSet}; take the count with {@link #takeDeliveries()}.
     *
     * @return the owned descriptor
     */
    @Override
    public OwnedFd fd() {
        return deliveries;
    }

    /**
     * {@return what a {@link org.panamaipc.WaitSet} can wait for on this registration:
     *     {@link Interest#SIGNALED} (deliveries not yet taken)}
     */
    @Override
    public Set<Interest> interests() {
        return OFFERS;
    }

    /**
     * Takes the deliveries handled since the last call (or since the registration), without
     * waiting, and sets the count back to zero. With {@link Delivery#JVM} deliveries close
     * together may have merged into one before they reached the handler; each one the handler
     * ran for counts.
     *
     * @return how many deliveries the handler has run for; 0 if none
     * @throws IllegalStateException if this registration is closed
     * @throws IOException if {@code read} fails
     * @see <a href="https://man7.org/linux/man-pages/man2/eventfd.2.html">eventfd(2)</a>
     */
    public long takeDeliveries() throws IOException {
        int n;
        try {
            n = FdUse.enter(deliveries);
        } catch (IllegalStateException closedFd) {
            throw new IllegalStateException(this + " is closed", closedFd);
        }
        try {
            long r = EventCounter.take(n);
            if (r < 0) {
                throw Errors.of("read", "eventfd fd=" + n + " of " + this, (int) -r);
            }
            return r;
        } finally {
            FdUse.exit(deliveries);
        }
    }

    /**
     * Removes the handler and closes the count's eventfd, once; the last removal for a signal
     * restores its previous disposition.
     */
    @Override
    public void close() {
        try {
            synchronized (Signals.class) {
                if (closed) {
                    return;
                }
                closed = true;
                slot.remove(this);
            }
        } finally {
            // idempotent; outside the lock, for a wait set watching the count lets go of it here
            deliveries.close();
        }
    }

    @Override
    public String toString() {
        return "SignalRegistration[" + slot.signal + ", " + delivery() + (closed ? ", closed]" : "]");
    }
}
