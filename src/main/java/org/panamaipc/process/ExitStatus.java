package org.panamaipc.process;

import java.util.Objects;
import org.panamaipc.signal.Signal;

/**
 * How a process ended: it exited with a code, or a signal terminated it.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/waitid.2.html">waitid(2)</a>
 */
public final class ExitStatus {
    private final int code;
    private final Signal signal;
    private final boolean coreDumped;

    private ExitStatus(int code, Signal signal, boolean coreDumped) {
        this.code = code;
        this.signal = signal;
        this.coreDumped = coreDumped;
    }

    /**
     * A normal exit.
     *
     * @param code the exit code, 0 to 255
     * @return the status
     */
    public static ExitStatus exited(int code) {
        if (code < 0 || code > 255) {
            throw new IllegalArgumentException("code=" + code + " must be 0..255");
        }
        return new ExitStatus(code, null, false);
    }

    /**
     * Termination by a signal.
     *
     * @param signal the signal
     * @param coreDumped whether a core dump was written
     * @return the status
     */
    public static ExitStatus killed(Signal signal, boolean coreDumped) {
        return new ExitStatus(-1, Objects.requireNonNull(signal, "signal"), coreDumped);
    }

    /** {@return whether the process exited normally (then {@link #code()} is valid)} */
    public boolean exited() {
        return signal == null;
    }

    /** {@return whether a signal terminated the process (then {@link #signal()} is valid)} */
    public boolean killed() {
        return signal != null;
    }

    /** {@return the exit code, or -1 if a signal terminated the process} */
    public int code() {
        return code;
    }

    /** {@return the terminating signal, or {@code null} if the process exited} */
    public Signal signal() {
        return signal;
    }

    /** {@return whether the terminating signal dumped core} */
    public boolean coreDumped() {
        return coreDumped;
    }

    /**
     * The shell's view of this status: the code, or 128 plus the signal's number.
     *
     * @return a number as {@code $?} shows it
     */
    public int shellCode() {
        return signal == null ? code : 128 + signal.number();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExitStatus e && e.code == code && e.signal == signal && e.coreDumped == coreDumped;
    }

    @Override
    public int hashCode() {
        return Objects.hash(code, signal, coreDumped);
    }

    /** {@return e.g. {@code exited(0)} or {@code killed(SIGKILL(9))}} */
    @Override
    public String toString() {
        return signal == null ? "exited(" + code + ")" : "killed(" + signal + (coreDumped ? ", core dumped)" : ")");
    }
}
