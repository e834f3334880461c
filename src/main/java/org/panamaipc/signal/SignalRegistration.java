package org.panamaipc.signal;

/**
 * A handler installed by {@link Signals#handle}; {@link #close()} removes it, and removing
 * the last handler of a signal restores the disposition the signal had before.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/signalfd.2.html">signalfd(2)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/sigaction.2.html">sigaction(2)</a>
 */
public final class SignalRegistration implements AutoCloseable {
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
