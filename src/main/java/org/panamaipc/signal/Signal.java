package org.panamaipc.signal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Macros;
import org.panamaipc.internal.NativeAccess;

/**
 * A Linux signal: its number and name. The standard signals are constants; real-time
 * signals are {@link #realtime(int) SIGRTMIN+n}, computed at run time from the C library's
 * {@code SIGRTMIN} (which reserves the first kernel real-time signals for itself), never
 * hard-coded.
 *
 * <p>There is one instance per number, so {@code ==} compares signals. Whether a signal
 * can be handled in this JVM is {@link Signals#isReserved(Signal)}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/signal.7.html">signal(7)</a>
 */
public final class Signal implements Comparable<Signal> {
    static {
        NativeAccess.require(); // first: without native access, a clear error instead of a failed initialization
    }

    /** The largest signal number of Linux ({@code _NSIG - 1}). */
    private static final int MAX = 64;
    private static final Signal[] BY_NUMBER = new Signal[MAX + 1];

    /** Hangup, or the controlling terminal closed; by default terminates. */
    public static final Signal SIGHUP = standard(LibC.SIGHUP(), "SIGHUP");
    /** Interrupt from the keyboard (Ctrl-C); by default terminates. */
    public static final Signal SIGINT = standard(LibC.SIGINT(), "SIGINT");
    /** Quit from the keyboard; the JVM prints a thread dump. */
    public static final Signal SIGQUIT = standard(LibC.SIGQUIT(), "SIGQUIT");
    /** Illegal instruction. */
    public static final Signal SIGILL = standard(LibC.SIGILL(), "SIGILL");
    /** Trace or breakpoint trap. */
    public static final Signal SIGTRAP = standard(LibC.SIGTRAP(), "SIGTRAP");
    /** Abort ({@code abort(3)}). */
    public static final Signal SIGABRT = standard(LibC.SIGABRT(), "SIGABRT");
    /** Bus error. */
    public static final Signal SIGBUS = standard(LibC.SIGBUS(), "SIGBUS");
    /** Arithmetic exception. */
    public static final Signal SIGFPE = standard(LibC.SIGFPE(), "SIGFPE");
    /** Kill; cannot be caught, blocked or ignored. */
    public static final Signal SIGKILL = standard(LibC.SIGKILL(), "SIGKILL");
    /** User-defined signal 1. */
    public static final Signal SIGUSR1 = standard(LibC.SIGUSR1(), "SIGUSR1");
    /** Invalid memory reference. */
    public static final Signal SIGSEGV = standard(LibC.SIGSEGV(), "SIGSEGV");
    /** User-defined signal 2 (HotSpot's thread suspend/resume signal). */
    public static final Signal SIGUSR2 = standard(LibC.SIGUSR2(), "SIGUSR2");
    /** Write to a pipe with no reader. */
    public static final Signal SIGPIPE = standard(LibC.SIGPIPE(), "SIGPIPE");
    /** Timer signal from {@code alarm(2)}. */
    public static final Signal SIGALRM = standard(LibC.SIGALRM(), "SIGALRM");
    /** Termination request; by default terminates. */
    public static final Signal SIGTERM = standard(LibC.SIGTERM(), "SIGTERM");
    /** Stack fault on a coprocessor (unused). */
    public static final Signal SIGSTKFLT = standard(LibC.SIGSTKFLT(), "SIGSTKFLT");
    /** A child stopped or terminated. */
    public static final Signal SIGCHLD = standard(LibC.SIGCHLD(), "SIGCHLD");
    /** Continue if stopped. */
    public static final Signal SIGCONT = standard(LibC.SIGCONT(), "SIGCONT");
    /** Stop; cannot be caught, blocked or ignored. */
    public static final Signal SIGSTOP = standard(LibC.SIGSTOP(), "SIGSTOP");
    /** Stop typed at the terminal. */
    public static final Signal SIGTSTP = standard(LibC.SIGTSTP(), "SIGTSTP");
    /** Terminal input for a background process. */
    public static final Signal SIGTTIN = standard(LibC.SIGTTIN(), "SIGTTIN");
    /** Terminal output for a background process. */
    public static final Signal SIGTTOU = standard(LibC.SIGTTOU(), "SIGTTOU");
    /** Urgent condition on a socket. */
    public static final Signal SIGURG = standard(LibC.SIGURG(), "SIGURG");
    /** CPU time limit exceeded. */
    public static final Signal SIGXCPU = standard(LibC.SIGXCPU(), "SIGXCPU");
    /** File size limit exceeded. */
    public static final Signal SIGXFSZ = standard(LibC.SIGXFSZ(), "SIGXFSZ");
    /** Virtual alarm clock. */
    public static final Signal SIGVTALRM = standard(LibC.SIGVTALRM(), "SIGVTALRM");
    /** Profiling timer expired. */
    public static final Signal SIGPROF = standard(LibC.SIGPROF(), "SIGPROF");
    /** Window resize. */
    public static final Signal SIGWINCH = standard(LibC.SIGWINCH(), "SIGWINCH");
    /** I/O now possible. */
    public static final Signal SIGIO = standard(LibC.SIGIO(), "SIGIO");
    /** Power failure. */
    public static final Signal SIGPWR = standard(LibC.SIGPWR(), "SIGPWR");
    /** Bad system call. */
    public static final Signal SIGSYS = standard(LibC.SIGSYS(), "SIGSYS");

    private static final int RTMIN = Macros.sigrtmin();
    private static final int RTMAX = Macros.sigrtmax();

    static {
        for (int n = 1; n <= MAX; n++) {
            if (BY_NUMBER[n] == null) {
                BY_NUMBER[n] = new Signal(n, rtName(n));
            }
        }
    }

    private final int number;
    private final String name;

    private Signal(int number, String name) {
        this.number = number;
        this.name = name;
    }

    private static Signal standard(int number, String name) {
        Signal s = new Signal(number, name);
        BY_NUMBER[number] = s;
        return s;
    }

    private static String rtName(int n) {
        int min = Macros.sigrtmin();
        int max = Macros.sigrtmax();
        if (n >= min && n <= max) {
            return n == min ? "SIGRTMIN" : "SIGRTMIN+" + (n - min);
        }
        return "SIG" + n; // below SIGRTMIN: kept by the C library for its threads
    }

    /**
     * The signal with a number.
     *
     * @param number 1 to 64
     * @return the signal
     * @throws IllegalArgumentException if there is no such signal
     */
    public static Signal of(int number) {
        NativeAccess.require();
        if (number < 1 || number > MAX) {
            throw new IllegalArgumentException("signal=" + number + " is not a signal number (1.." + MAX + ")");
        }
        return BY_NUMBER[number];
    }

    /**
     * The real-time signal {@code SIGRTMIN+n}.
     *
     * @param n 0 to {@code SIGRTMAX - SIGRTMIN}
     * @return the signal
     * @throws IllegalArgumentException if {@code SIGRTMIN+n} exceeds {@code SIGRTMAX}
     */
    public static Signal realtime(int n) {
        NativeAccess.require();
        if (n < 0 || n > RTMAX - RTMIN) {
            throw new IllegalArgumentException("SIGRTMIN+" + n + " out of range: SIGRTMIN=" + RTMIN
                    + " SIGRTMAX=" + RTMAX + " (n must be 0.." + (RTMAX - RTMIN) + ")");
        }
        return BY_NUMBER[RTMIN + n];
    }

    /**
     * The signal with a name, as {@code kill -l} prints them: {@code "SIGTERM"},
     * {@code "TERM"}, {@code "SIGRTMIN+3"}, {@code "RTMAX-1"}; case does not matter. A
     * number in decimal is accepted too.
     *
     * @param name the name
     * @return the signal
     * @throws IllegalArgumentException if no signal has that name
     */
    public static Signal named(String name) {
        NativeAccess.require();
        Check.notNull("name", name);
        String n = name.trim().toUpperCase(Locale.ROOT);
        if (!n.isEmpty() && n.chars().allMatch(Character::isDigit)) {
            if (n.length() > 9) { // more digits than an int holds
                throw new IllegalArgumentException("name=\"" + name + "\" is not a signal number (1.." + MAX + ")");
            }
            return of(Integer.parseInt(n));
        }
        if (!n.startsWith("SIG")) {
            n = "SIG" + n;
        }
        try {
            if (n.startsWith("SIGRTMIN")) {
                return realtime(n.length() == 8 ? 0 : offset(n.substring(8), name, 1));
            }
            if (n.startsWith("SIGRTMAX")) {
                return realtime(RTMAX - RTMIN + (n.length() == 8 ? 0 : offset(n.substring(8), name, -1)));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("name=\"" + name + "\" is not a signal", e);
        }
        for (int i = 1; i <= MAX; i++) {
            if (BY_NUMBER[i].name.equals(n)) {
                return BY_NUMBER[i];
            }
        }
        if (n.equals("SIGIOT")) {
            return SIGABRT;
        } else if (n.equals("SIGPOLL")) {
            return SIGIO;
        } else if (n.equals("SIGCLD")) {
            return SIGCHLD;
        }
        throw new IllegalArgumentException("name=\"" + name + "\" is not a signal");
    }

    private static int offset(String suffix, String name, int sign) {
        char op = suffix.charAt(0);
        if ((sign > 0 && op != '+') || (sign < 0 && op != '-')) {
            throw new IllegalArgumentException("name=\"" + name + "\" is not a signal");
        }
        return sign * Integer.parseInt(suffix.substring(1));
    }

    /** {@return every signal, 1 to 64, in order} */
    public static List<Signal> values() {
        List<Signal> all = new ArrayList<>(MAX);
        for (int n = 1; n <= MAX; n++) {
            all.add(BY_NUMBER[n]);
        }
        return all;
    }

    /** {@return the number, as the kernel knows it} */
    public int number() {
        return number;
    }

    /** {@return the name, e.g. {@code "SIGTERM"} or {@code "SIGRTMIN+2"}} */
    public String name() {
        return name;
    }

    /** {@return whether this is a real-time signal applications may use ({@code SIGRTMIN..SIGRTMAX})} */
    public boolean isRealtime() {
        return number >= RTMIN && number <= RTMAX;
    }

    @Override
    public int compareTo(Signal other) {
        return Integer.compare(number, other.number);
    }

    /** {@return the name and number, e.g. {@code SIGTERM(15)}} */
    @Override
    public String toString() {
        return name + "(" + number + ")";
    }
}
