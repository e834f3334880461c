package org.panamaipc.signal;

import org.panamaipc.DescriptorBased;
import org.panamaipc.OwnedFd;

/**
 * A handler installed by {@link Signals#handle}; {@link #close()} removes it, and removing
 * the last handler of a signal restores the disposition the signal had before.
 *
 * <p>With {@link Delivery#SIGNALFD} the library's reader thread blocks in a {@code read}
 * of the signalfd through the library's blocking engine; {@link #fd()} exposes that
 * descriptor, shared by every registration of the signal.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/signalfd.2.html">signalfd(2)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/sigaction.2.html">sigaction(2)</a>
 */
public final class SignalRegistration implements AutoCloseable, DescriptorBased {
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
    private final java.util.function.Consumer<SignalInfo> handler;
    private boolean closed;

    SignalRegistration(Signals.Slot slot, java.util.function.Consumer<SignalInfo> handler) {
        this.slot = slot;
        this.handler = handler;
    }

    void deliver(SignalInfo info) {
        try {
            handler.accept(info);
        } catch (RuntimeException | Error e) {
            Thread t = Thread.currentThread();
            t.getUncaughtExceptionHandler().uncaughtException(t, e);
        }
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
     * The signalfd the signal is read from ({@link Delivery#SIGNALFD}), still owned by the
     * library: it is readable while a signal is pending, until the library's reader takes it
     * and runs the handlers. Poll it, never read it (a read would take the signal from the
     * handlers) and never close it.
     *
     * @return the owned descriptor
     * @throws UnsupportedOperationException for {@link Delivery#JVM}, which has no descriptor
     * @throws IllegalStateException if this registration is closed
     */
    @Override
    public OwnedFd fd() {
        synchronized (Signals.class) {
            if (closed) {
                throw new IllegalStateException(this + " is closed");
            }
            return slot.fd();
        }
    }

    /** Removes the handler, once; the last removal for a signal restores its previous disposition. */
    @Override
    public void close() {
        synchronized (Signals.class) {
            if (closed) {
                return;
            }
            closed = true;
            slot.remove(this);
        }
    }

    @Override
    public String toString() {
        return "SignalRegistration[" + slot.signal + ", " + delivery() + (closed ? ", closed]" : "]");
    }
}
