package org.panamaipc.signal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.sigaction;
import org.panamaipc.bindings.signalfd_siginfo;
import org.panamaipc.bindings.sigval;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Blocker.Timing;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.EventCounter;
import org.panamaipc.internal.Macros;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.PipeCalls;
import org.panamaipc.internal.SigSet;
import org.panamaipc.internal.SignalCalls;
import org.panamaipc.internal.Sys;
import org.panamaipc.internal.ThreadSignal;

/**
 * Sending signals ({@code kill}, {@code killpg}, {@code sigqueue}) and receiving them in
 * Java code that runs on an ordinary Java thread, never inside a native signal handler.
 * See the {@linkplain org.panamaipc.signal package documentation} for which signals a JVM
 * can receive, and how.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/signal.7.html">signal(7)</a>
 */
public final class Signals {
    private static final Map<Integer, String> RESERVED = reservedSignals();
    private static final Map<Signal, Slot> SLOTS = new TreeMap<>();

    private Signals() {
    }

    private static Map<Integer, String> reservedSignals() {
        Map<Integer, String> m = new TreeMap<>();
        m.put(LibC.SIGKILL(), "it cannot be caught, blocked or ignored");
        m.put(LibC.SIGSTOP(), "it cannot be caught, blocked or ignored");
        String implicit = "HotSpot's own handler turns it into Java exceptions (null checks, safepoint polls)";
        m.put(LibC.SIGSEGV(), implicit);
        m.put(LibC.SIGBUS(), implicit);
        m.put(LibC.SIGFPE(), implicit);
        m.put(LibC.SIGILL(), implicit);
        m.put(LibC.SIGQUIT(), "HotSpot prints a thread dump on it");
        m.put(LibC.SIGUSR2(), "it is HotSpot's thread suspend/resume signal (SR_signum), used to sample threads");
        m.put(LibC.SIGPIPE(), "HotSpot catches and ignores it so that a write without reader fails with EPIPE"
                + " instead of terminating the JVM");
        m.put(LibC.SIGXFSZ(), "HotSpot catches and ignores it so that a write beyond the file size limit fails"
                + " with EFBIG instead of terminating the JVM");
        m.put(LibC.SIGPROF(), "JFR's CPU-time sampler uses it");
        m.put(ThreadSignal.SIGNAL, "the JDK's NIO and this library interrupt blocked threads with it");
        for (int n = 32; n < Macros.sigrtmin(); n++) {
            m.put(n, "the C library keeps it for its threads (cancellation, set*id)");
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * Sends a signal to a process ({@code kill(pid, sig)}).
     *
     * @param pid the process
     * @param signal the signal
     * @throws IllegalArgumentException if {@code pid} is not positive
     * @throws IOException ESRCH when no such process exists, EPERM when not permitted
     * @see <a href="https://man7.org/linux/man-pages/man2/kill.2.html">kill(2)</a>
     */
    public static void kill(long pid, Signal signal) throws IOException {
        NativeAccess.require();
        int p = Check.pid(pid);
        Check.notNull("signal", signal);
        int r = SignalCalls.kill(p, signal.number());
        if (r < 0) {
            throw Errors.of("kill", "pid=" + pid + ", " + signal.name(), -r);
        }
    }

    /**
     * Sends a signal to every process of a process group ({@code kill(-pgid, sig)}, as
     * {@code killpg} does).
     *
     * @param pgid the process group
     * @param signal the signal
     * @throws IllegalArgumentException if {@code pgid} is not positive
     * @throws IOException ESRCH when no such group exists, EPERM when not permitted
     * @see <a href="https://man7.org/linux/man-pages/man3/killpg.3.html">killpg(3)</a>
     */
    public static void killProcessGroup(long pgid, Signal signal) throws IOException {
        NativeAccess.require();
        int p = Check.pid(pgid);
        Check.notNull("signal", signal);
        int r = SignalCalls.kill(-p, signal.number());
        if (r < 0) {
            throw Errors.of("killpg", "pgid=" + pgid + ", " + signal.name(), -r);
        }
    }

    /**
     * Sends a signal with an {@code int} value ({@code sigqueue}). A real-time signal is
     * queued (each one is delivered); a standard signal already pending is merged. The
     * receiver sees the value if it reads {@code siginfo}
     * ({@link SignalRegistration.Delivery#SIGNALFD}).
     *
     * @param pid the process
     * @param signal the signal
     * @param value the value ({@code sival_int})
     * @throws IllegalArgumentException if {@code pid} is not positive
     * @throws IOException ESRCH when no such process exists, EAGAIN when the receiver's
     *         queue of pending signals is full, EPERM when not permitted
     * @see <a href="https://man7.org/linux/man-pages/man3/sigqueue.3.html">sigqueue(3)</a>
     */
    public static void queue(long pid, Signal signal, int value) throws IOException {
        NativeAccess.require();
        int p = Check.pid(pid);
        Check.notNull("signal", signal);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(sigval.layout());
            sigval.sival_int(v, value);
            int r = SignalCalls.sigqueue(p, signal.number(), v);
            if (r < 0) {
                throw Errors.of("sigqueue", "pid=" + pid + ", " + signal.name() + ", value=" + value, -r);
            }
        }
    }

    /**
     * Whether this JVM keeps a signal for itself, so that {@link #handle} refuses it.
     *
     * @param signal the signal
     * @return whether it is reserved
     */
    public static boolean isReserved(Signal signal) {
        NativeAccess.require();
        return RESERVED.containsKey(Check.notNull("signal", signal).number());
    }

    /**
     * Why a signal is reserved.
     *
     * @param signal the signal
     * @return the reason, or empty if applications may handle it
     */
    public static Optional<String> reservation(Signal signal) {
        NativeAccess.require();
        return Optional.ofNullable(RESERVED.get(Check.notNull("signal", signal).number()));
    }

    /**
     * Whether a signal is blocked in every thread of this process, read from
     * {@code /proc/self/task/*}{@code /status}: then {@link #handle} receives it through a
     * {@code signalfd}, with sender and value. Threads started later inherit the mask of the
     * thread that starts them, so the answer stays true once true.
     *
     * @param signal the signal
     * @return whether every thread blocks it
     */
    public static boolean isBlockedInEveryThread(Signal signal) {
        NativeAccess.require();
        Check.notNull("signal", signal);
        long bit = 1L << (signal.number() - 1);
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            boolean any = false;
            for (Path task : tasks) {
                long blocked;
                try {
                    blocked = sigBlk(task.resolve("status"));
                } catch (IOException gone) {
                    continue; // the thread ended meanwhile
                }
                if ((blocked & bit) == 0) {
                    return false;
                }
                any = true;
            }
            return any;
        } catch (IOException e) {
            return false;
        }
    }

    private static long sigBlk(Path status) throws IOException {
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigBlk:")) {
                return Long.parseUnsignedLong(line.substring(7).trim(), 16);
            }
        }
        return 0;
    }

    /**
     * Installs a handler for a signal. The handler runs on an ordinary Java thread, never in
     * a native signal handler, so it may do anything; it should return soon, for the
     * deliveries of one signal are handled one after the other.
     *
     * <p>If the signal is blocked in every thread ({@link #isBlockedInEveryThread}), it is
     * read from a {@code signalfd} and every {@link SignalInfo} is detailed; otherwise the
     * JVM's own signal dispatch delivers it, with the signal number only, and a real-time
     * signal is refused. <b>Process-wide effect:</b> with the JVM's dispatch, the signal's
     * disposition changes for the whole process (for SIGINT, SIGTERM and SIGHUP this
     * replaces the JVM's shutdown on that signal) until the last handler is removed, which
     * restores it.
     *
     * @param signal the signal
     * @param handler what to run for each delivery
     * @return the registration, which also counts the deliveries for a
     *         {@link org.panamaipc.WaitSet}; close it to remove the handler
     * @throws IllegalArgumentException if the signal is reserved ({@link #reservation} says
     *         why), or is a real-time signal not blocked in every thread
     * @throws IOException if a call fails
     */
    public static SignalRegistration handle(Signal signal, Consumer<SignalInfo> handler) throws IOException {
        NativeAccess.require();
        Check.notNull("signal", signal);
        Check.notNull("handler", handler);
        String reason = RESERVED.get(signal.number());
        if (reason != null) {
            throw new IllegalArgumentException(signal + " is reserved: " + reason);
        }
        OwnedFd deliveries = EventCounter.open("the deliveries of " + signal.name());
        try {
            synchronized (Signals.class) {
                Slot slot = SLOTS.get(signal);
                if (slot == null) {
                    slot = isBlockedInEveryThread(signal) ? SignalfdSlot.open(signal) : JvmSlot.install(signal);
                    SLOTS.put(signal, slot);
                }
                SignalRegistration reg = new SignalRegistration(slot, handler, deliveries);
                slot.add(reg);
                return reg;
            }
        } catch (IOException | RuntimeException e) {
            deliveries.close();
            throw e;
        }
    }

    /** The handlers of one signal and the way it reaches them. */
    abstract static sealed class Slot permits SignalfdSlot, JvmSlot {
        final Signal signal;
        // copied on write under the lock on Signals.class; read without a lock by the delivery,
        // which walks the array by index: no iterator per signal
        private volatile SignalRegistration[] registrations = {};

        Slot(Signal signal) {
            this.signal = signal;
        }

        abstract SignalRegistration.Delivery delivery();

        abstract void uninstall();

        final void dispatch(SignalInfo info) {
            SignalRegistration[] all = registrations;
            for (int i = 0; i < all.length; i++) {
                all[i].deliver(info);
            }
        }

        /** Called with the lock on {@code Signals.class} held. */
        final void add(SignalRegistration reg) {
            SignalRegistration[] all = Arrays.copyOf(registrations, registrations.length + 1);
            all[all.length - 1] = reg;
            registrations = all;
        }

        /** Called with the lock on {@code Signals.class} held. */
        final void remove(SignalRegistration reg) {
            SignalRegistration[] all = registrations;
            int at = Arrays.asList(all).indexOf(reg);
            if (at < 0) {
                return;
            }
            SignalRegistration[] rest = new SignalRegistration[all.length - 1];
            System.arraycopy(all, 0, rest, 0, at);
            System.arraycopy(all, at + 1, rest, at, rest.length - at);
            registrations = rest;
            if (rest.length == 0) {
                SLOTS.remove(signal);
                uninstall();
            }
        }
    }

    /** Reads the signal from a signalfd on a dedicated thread. */
    static final class SignalfdSlot extends Slot {
        private final Blocker blocker;
        private final MemorySegment previousAction;
        private final Arena arena = Arena.ofAuto();
        private final Thread reader;

        private SignalfdSlot(Signal signal, OwnedFd fd, MemorySegment previousAction) {
            super(signal);
            this.blocker = Blocker.forDescriptor("signalfd of " + signal.name(), fd);
            this.previousAction = previousAction;
            this.reader = Thread.ofPlatform().daemon().name("panama-ipc signalfd " + signal.name())
                    .unstarted(this::readLoop);
        }

        static SignalfdSlot open(Signal signal) throws IOException {
            MemorySegment previous = null;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment old = arena.allocate(sigaction.layout());
                int r = SignalCalls.sigaction(signal.number(), MemorySegment.NULL, old);
                if (r < 0) {
                    throw Errors.of("sigaction", signal.name(), -r);
                }
                if (sigaction.__sigaction_handler.sa_handler(sigaction.__sigaction_handler(old)).address()
                        == LibC.SIG_IGN().address()) {
                    // an ignored signal is discarded, never pending: make it default while we read it
                    MemorySegment dfl = arena.allocate(sigaction.layout());
                    r = SignalCalls.sigaction(signal.number(), dfl, MemorySegment.NULL);
                    if (r < 0) {
                        throw Errors.of("sigaction", signal.name() + ", SIG_DFL", -r);
                    }
                    previous = Arena.global().allocate(sigaction.layout()).copyFrom(old);
                }
                MemorySegment mask = SigSet.allocate(arena);
                SigSet.add(mask, signal.number());
                int fd = SignalCalls.signalfd(mask, LibC.SFD_CLOEXEC());
                if (fd < 0) {
                    throw Errors.of("signalfd", signal.name() + ", SFD_CLOEXEC", -fd);
                }
                SignalfdSlot slot = new SignalfdSlot(signal, OwnedFd.adopt(fd), previous);
                slot.reader.start();
                return slot;
            }
        }

        @Override
        SignalRegistration.Delivery delivery() {
            return SignalRegistration.Delivery.SIGNALFD;
        }

        private void readLoop() {
            MemorySegment info = arena.allocate(signalfd_siginfo.layout());
            while (true) {
                long r;
                try {
                    r = blocker.call(SignalCalls::readSignalfd, 0, info, MemorySegment.NULL, info.byteSize(), 0, 0,
                            Deadline.NONE, Timing.UNTIMED);
                } catch (IOException | IllegalStateException closedOrInterrupted) {
                    return; // uninstalled
                }
                if (r == info.byteSize()) {
                    dispatch(new SignalInfo(signal, signalfd_siginfo.ssi_code(info),
                            Integer.toUnsignedLong(signalfd_siginfo.ssi_pid(info)),
                            Integer.toUnsignedLong(signalfd_siginfo.ssi_uid(info)),
                            signalfd_siginfo.ssi_int(info), true));
                } else if (r != -Sys.EAGAIN) {
                    return; // cannot happen with a valid signalfd
                }
            }
        }

        @Override
        void uninstall() {
            blocker.close(); // releases the reader; the descriptor is closed once it has left
            if (previousAction != null) {
                SignalCalls.sigaction(signal.number(), previousAction, MemorySegment.NULL);
            }
            if (Thread.currentThread() != reader) {
                try {
                    reader.join(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Lets the JVM's signal dispatch (jdk.unsupported's sun.misc.Signal) deliver the signal. */
    static final class JvmSlot extends Slot {
        private static final Class<?> SIGNAL;
        private static final Class<?> HANDLER;
        private static final Method HANDLE;
        private static final java.lang.reflect.Constructor<?> NEW_SIGNAL;

        static {
            // Reached reflectively: a compile-time reference to sun.misc draws a warning no
            // annotation can suppress; module-info requires jdk.unsupported.
            try {
                SIGNAL = Class.forName("sun.misc.Signal");
                HANDLER = Class.forName("sun.misc.SignalHandler");
                HANDLE = SIGNAL.getMethod("handle", SIGNAL, HANDLER);
                NEW_SIGNAL = SIGNAL.getConstructor(String.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final Object jvmSignal;
        private final Object previous;

        private JvmSlot(Signal signal, Object jvmSignal, Object previous) {
            super(signal);
            this.jvmSignal = jvmSignal;
            this.previous = previous;
        }

        static JvmSlot install(Signal signal) {
            if (signal.isRealtime() || !signal.name().startsWith("SIG") || signal.name().startsWith("SIGRT")
                    || signal.number() >= 32) {
                throw new IllegalArgumentException(signal + " can be handled only while it is blocked in every"
                        + " thread of the JVM (then it is read from a signalfd): start the JVM with it blocked,"
                        + " e.g. with ChildProcess.Builder.blockSignals; the JVM's own dispatch knows only the"
                        + " standard signals");
            }
            Object jvmSignal;
            try {
                jvmSignal = NEW_SIGNAL.newInstance(signal.name().substring(3));
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException(signal + " is unknown to the JVM's signal dispatch", e);
            }
            JvmSlot[] self = new JvmSlot[1];
            Object proxy = Proxy.newProxyInstance(HANDLER.getClassLoader(), new Class<?>[] {HANDLER},
                    (p, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            self[0].dispatch(new SignalInfo(signal, 0, -1, -1, 0, false));
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(p);
                        case "equals" -> p == args[0];
                        default -> "panama-ipc handler for " + signal.name();
                    });
            Object previous;
            try {
                previous = HANDLE.invoke(null, jvmSignal, proxy);
            } catch (java.lang.reflect.InvocationTargetException e) {
                if (e.getCause() instanceof IllegalArgumentException iae) {
                    throw new IllegalArgumentException(signal + " is refused by the JVM: " + iae.getMessage(), iae);
                }
                throw new IllegalStateException(e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            self[0] = new JvmSlot(signal, jvmSignal, previous);
            return self[0];
        }

        @Override
        SignalRegistration.Delivery delivery() {
            return SignalRegistration.Delivery.JVM;
        }

        @Override
        void uninstall() {
            try {
                HANDLE.invoke(null, jvmSignal, previous);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("restoring the JVM's handler of " + signal, e);
            }
        }
    }
}
