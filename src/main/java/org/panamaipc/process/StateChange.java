package org.panamaipc.process;

import java.util.Objects;
import org.panamaipc.bindings.LibC;
import org.panamaipc.signal.Signal;

/**
 * One change of a child's state, as {@code waitid(WEXITED|WSTOPPED|WCONTINUED)} reports it:
 * it exited, a signal killed it, a signal stopped it, or {@code SIGCONT} continued it.
 *
 * <p>The kernel keeps at most one stop or continue per child waiting to be taken, the latest:
 * a child stopped and continued again before anyone looked is reported as continued only. An
 * exit or a kill is the last change of a child; taking it reaps the child.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/waitid.2.html">waitid(2)</a>
 */
public final class StateChange {
    /** What happened to the process. */
    public enum Kind {
        /** It exited normally ({@code CLD_EXITED}); {@link StateChange#code()} says with what. */
        EXITED,
        /** A signal terminated it ({@code CLD_KILLED}, or {@code CLD_DUMPED} with a core dump). */
        KILLED,
        /** A signal stopped it ({@code CLD_STOPPED}): SIGSTOP, SIGTSTP, SIGTTIN or SIGTTOU. */
        STOPPED,
        /** {@code SIGCONT} continued it after a stop ({@code CLD_CONTINUED}). */
        CONTINUED,
        /**
         * A ptrace stop of a child this process traces ({@code CLD_TRAPPED}); seen only when the
         * trace was not made through this library, whose tracer takes such stops itself.
         */
        TRAPPED
    }

    private final long pid;
    private final Kind kind;
    private final int code;
    private final Signal signal;
    private final boolean coreDumped;

    private StateChange(long pid, Kind kind, int code, Signal signal, boolean coreDumped) {
        this.pid = pid;
        this.kind = kind;
        this.code = code;
        this.signal = signal;
        this.coreDumped = coreDumped;
    }

    /**
     * The change {@code waitid} reported in a {@code siginfo_t}.
     *
     * @param pid the process
     * @param siCode its {@code si_code} ({@code CLD_*})
     * @param siStatus its {@code si_status}: an exit code or a signal number
     * @return the change
     */
    static StateChange of(long pid, int siCode, int siStatus) {
        if (siCode == LibC.CLD_EXITED()) {
            return new StateChange(pid, Kind.EXITED, siStatus, null, false);
        }
        Kind kind;
        if (siCode == LibC.CLD_KILLED() || siCode == LibC.CLD_DUMPED()) {
            kind = Kind.KILLED;
        } else if (siCode == LibC.CLD_STOPPED()) {
            kind = Kind.STOPPED;
        } else if (siCode == LibC.CLD_CONTINUED()) {
            kind = Kind.CONTINUED;
        } else if (siCode == LibC.CLD_TRAPPED()) {
            kind = Kind.TRAPPED;
        } else {
            throw new IllegalStateException("waitid reported si_code=" + siCode + " for pid=" + pid);
        }
        // a ptrace event stop carries (event << 8) | SIGTRAP in si_status: the signal is the low byte
        return new StateChange(pid, kind, -1, Signal.of(siStatus & 0x7f), siCode == LibC.CLD_DUMPED());
    }

    /** {@return the process the change belongs to} */
    public long pid() {
        return pid;
    }

    /** {@return what happened} */
    public Kind kind() {
        return kind;
    }

    /** {@return whether this is the last change of the process: it exited or was killed (and is reaped)} */
    public boolean isTerminal() {
        return kind == Kind.EXITED || kind == Kind.KILLED;
    }

    /** {@return the exit code for {@link Kind#EXITED}, otherwise -1} */
    public int code() {
        return code;
    }

    /**
     * The signal of the change: the one that killed ({@link Kind#KILLED}), stopped
     * ({@link Kind#STOPPED}) or trapped the process, {@code SIGCONT} for
     * {@link Kind#CONTINUED}; {@code null} for {@link Kind#EXITED}.
     *
     * @return the signal, or {@code null}
     */
    public Signal signal() {
        return signal;
    }

    /** {@return whether the terminating signal dumped core ({@link Kind#KILLED} only)} */
    public boolean coreDumped() {
        return coreDumped;
    }

    /** {@return how the process ended, for a terminal change; {@code null} for a stop or continue} */
    public ExitStatus exitStatus() {
        return switch (kind) {
            case EXITED -> ExitStatus.exited(code);
            case KILLED -> ExitStatus.killed(signal, coreDumped);
            default -> null;
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StateChange c && c.pid == pid && c.kind == kind && c.code == code && c.signal == signal
                && c.coreDumped == coreDumped;
    }

    @Override
    public int hashCode() {
        return Objects.hash(pid, kind, code, signal, coreDumped);
    }

    /** {@return e.g. {@code stopped(SIGSTOP(19)) pid=42} or {@code exited(3) pid=42}} */
    @Override
    public String toString() {
        String what = switch (kind) {
            case EXITED -> "exited(" + code + ")";
            case KILLED -> "killed(" + signal + (coreDumped ? ", core dumped)" : ")");
            default -> kind.name().toLowerCase(java.util.Locale.ROOT) + "(" + signal + ")";
        };
        return what + " pid=" + pid;
    }
}
