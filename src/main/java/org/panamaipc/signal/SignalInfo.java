package org.panamaipc.signal;

/**
 * One signal received by a handler, with what the kernel says about its origin when the
 * delivery can tell ({@link SignalRegistration.Delivery#SIGNALFD}).
 *
 * @param signal the signal
 * @param code the {@code si_code}: {@code SI_USER} (0) for {@code kill}, {@code SI_QUEUE}
 *        (-1) for {@code sigqueue}, {@code SI_KERNEL} (128) from the kernel, ...; 0 when
 *        not known
 * @param senderPid the sending process's id, or -1 when not known
 * @param senderUid the sending process's real user id, or -1 when not known
 * @param value the {@code int} a {@code sigqueue} sender attached ({@code si_int}), 0
 *        otherwise or when not known
 * @param detailed whether the fields above come from the kernel's {@code siginfo}; when
 *        false only {@code signal} is meaningful
 * @see <a href="https://man7.org/linux/man-pages/man2/sigaction.2.html">sigaction(2)</a>
 */
public record SignalInfo(Signal signal, int code, long senderPid, long senderUid, int value, boolean detailed) {
    /** {@code si_code} of a signal sent by {@code sigqueue}. */
    public static final int SI_QUEUE = -1;
    /** {@code si_code} of a signal sent by {@code kill}. */
    public static final int SI_USER = 0;

    /** {@return whether the signal was sent with {@code sigqueue}, so that {@link #value()} is the sender's} */
    public boolean queued() {
        return detailed && code == SI_QUEUE;
    }
}
