/**
 * Signals: sending them, and receiving them in Java code on an ordinary Java thread.
 *
 * <h2>Sending</h2>
 * {@link org.panamaipc.signal.Signals#kill}, {@link org.panamaipc.signal.Signals#killProcessGroup},
 * {@link org.panamaipc.signal.Signals#queue} ({@code sigqueue} with an {@code int} value)
 * and {@link org.panamaipc.process.PidFd#sendSignal} ({@code pidfd_send_signal}, immune to
 * pid reuse). {@link org.panamaipc.signal.Signal} names every signal, real-time ones as
 * {@code SIGRTMIN+n} computed from the C library at run time.
 *
 * <h2>Receiving: what a JVM allows, and the design chosen</h2>
 * No Java code ever runs inside a native signal handler here: a handler interrupts a thread
 * anywhere, possibly inside the JVM itself, where running Java is unsafe. That leaves two
 * safe ways for a signal to reach Java, and {@link org.panamaipc.signal.Signals#handle}
 * picks the better one available for each signal:
 *
 * <ol>
 * <li><b>{@code signalfd}, with {@code siginfo}</b>
 *     ({@link org.panamaipc.signal.SignalRegistration.Delivery#SIGNALFD}). A signal
 *     {@code signalfd} can read must be pending, so it must be blocked in <em>every</em>
 *     thread: a process-directed signal goes to any thread that does not block it. A thread
 *     can only change its own mask, and by the time Java code runs the JVM has started a
 *     dozen threads (GC, compiler, VM thread, signal dispatcher, the launcher's primordial
 *     thread), each with the mask it inherited. So blocking from Java cannot work; but a
 *     mask set <em>before the JVM starts</em> is inherited by all of them, because HotSpot
 *     unblocks only its own signals (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGUSR2, and
 *     SIGHUP/SIGINT/SIGTERM) in the threads it creates. A JVM started with a signal blocked
 *     ({@link org.panamaipc.process.ChildProcess.Builder#blockSignals}, or a parent doing
 *     {@code pthread_sigmask} before {@code exec}) therefore receives it through a
 *     {@code signalfd} read on a dedicated daemon thread, with the sender's pid and uid, the
 *     {@code si_code} and the {@code sigqueue} value, and real-time signals queue instead of
 *     merging. {@link org.panamaipc.signal.Signals#isBlockedInEveryThread} checks the
 *     condition in {@code /proc/self/task/*}{@code /status}; it stays true, since threads
 *     inherit their creator's mask.
 * <li><b>The JVM's own dispatch, signal number only</b>
 *     ({@link org.panamaipc.signal.SignalRegistration.Delivery#JVM}). Otherwise the JVM's
 *     native handler catches the signal and its "Signal Dispatcher" thread starts a Java
 *     thread that runs the handler ({@code jdk.unsupported}'s {@code sun.misc.Signal},
 *     reached reflectively). No {@code siginfo} survives, close deliveries may merge, and
 *     it knows the standard signals only, so a real-time signal not blocked in every
 *     thread is refused with an explanation. The previous handler (for SIGINT, SIGTERM and
 *     SIGHUP, the JVM's shutdown) is restored when the last handler is removed.
 * </ol>
 *
 * <h2>Reserved signals</h2>
 * Measured on HotSpot 25 ({@code SigCgt} in {@code /proc/self/status} at startup shows
 * handlers on 1, 2, 3, 4, 7, 8, 11, 12, 13, 15, 25, 33 and 62), these are refused with
 * the reason ({@link org.panamaipc.signal.Signals#reservation}):
 * SIGKILL and SIGSTOP (cannot be caught); SIGSEGV, SIGBUS, SIGFPE, SIGILL (HotSpot's implicit
 * null checks and safepoint polls); SIGQUIT (thread dumps); SIGUSR2 (HotSpot's suspend/resume
 * signal {@code SR_signum}; {@code _JAVA_SR_SIGNUM} no longer moves it); SIGPIPE and
 * SIGXFSZ (caught and ignored by HotSpot so that writes fail with EPIPE/EFBIG instead of
 * killing the JVM); SIGPROF (JFR's CPU-time sampler); {@code SIGRTMAX-2} (62, with which the
 * JDK's NIO and this library interrupt blocked threads); and 32 to {@code SIGRTMIN-1} (the
 * C library's). Applications may handle SIGHUP, SIGINT, SIGTERM, SIGUSR1, SIGALRM, SIGCHLD,
 * SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU, SIGURG, SIGXCPU, SIGVTALRM, SIGWINCH, SIGIO, SIGPWR,
 * SIGSYS, SIGTRAP, SIGABRT, SIGSTKFLT, and the real-time signals {@code SIGRTMIN} to
 * {@code SIGRTMAX} except 62 (the latter only through {@code signalfd}).
 *
 * <p>Handlers change process-wide state: tests and programs that install them should do
 * so from one place.
 *
 * <h2>pidfd</h2>
 * A process is waited for, and signalled without pid reuse races, through
 * {@link org.panamaipc.process.PidFd} in {@code org.panamaipc.process}.
 *
 * <h2>Waiting for signals beside everything else</h2>
 * Every {@link org.panamaipc.signal.SignalRegistration}, whichever its delivery, counts the
 * deliveries its handler has run for in an eventfd of its own: the count goes up after the
 * handler returns, {@link org.panamaipc.signal.SignalRegistration#takeDeliveries()} takes it
 * and sets it to zero, and a {@link org.panamaipc.WaitSet} waits for it with
 * {@link org.panamaipc.Interest#SIGNALED}. A program can so keep its handler empty and act on
 * the signal in its own loop, where it also waits for messages, connections and children.
 * With the JVM's dispatch, deliveries close together may merge before the handler sees them,
 * and the count counts what the handler saw.
 *
 * <p><b>Blocking.</b> The signalfd read behind
 * {@link org.panamaipc.signal.SignalRegistration.Delivery#SIGNALFD}, run through the
 * library's one blocking engine: {@code close()} from another thread releases a waiting
 * thread with {@link java.nio.channels.AsynchronousCloseException}; interrupting it ends the
 * wait with {@link java.io.InterruptedIOException} and the interrupt status stays set.
 * {@link org.panamaipc.signal.SignalRegistration} is {@link org.panamaipc.Waitable} through
 * its count of deliveries (never the signalfd, which the library's reader owns).
 *
 * <p>Example, run with the signal blocked from the start (for instance started by a parent
 * through {@code ChildProcess.builder(...).blockSignals(Signal.realtime(1))}):
 *
 * <pre>{@code
 * import java.util.concurrent.LinkedBlockingQueue;
 * import org.panamaipc.signal.*;
 *
 * public class Receiver {
 *     public static void main(String[] args) throws Exception {
 *         LinkedBlockingQueue<SignalInfo> received = new LinkedBlockingQueue<>();
 *         Signal signal = Signal.realtime(1);
 *         try (SignalRegistration r = Signals.handle(signal, received::add)) {
 *             System.out.println(r.delivery() + " " + ProcessHandle.current().pid());
 *             SignalInfo info = received.take();   // e.g. from sigqueue(pid, SIGRTMIN+1, 42)
 *             System.out.println("value " + info.value() + " from pid " + info.senderPid());
 *         }
 *     }
 * }
 * }</pre>
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/signal.7.html">signal(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/signalfd.2.html">signalfd(2)</a>
 */
package org.panamaipc.signal;
