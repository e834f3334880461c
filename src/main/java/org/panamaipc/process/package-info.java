/**
 * Other processes: starting a child with chosen descriptors, referring to any process for
 * good through a pidfd, watching a child stop, continue and end, and copying straight between
 * address spaces.
 *
 * <ul>
 * <li>{@link org.panamaipc.process.ChildProcess}: {@code posix_spawn} with descriptors mapped
 *     to chosen numbers, files opened or closed in the child, every other descriptor
 *     closed, a working directory, an environment and an initial signal mask; waited for
 *     through a pidfd.
 * <li>{@link org.panamaipc.process.PidFd}: one process, immune to pid reuse: wait for its exit
 *     with a timeout, signal it ({@code pidfd_send_signal}), and for children collect the
 *     {@link org.panamaipc.process.ExitStatus}. Its descriptor turns readable at exit, so a
 *     {@link org.panamaipc.WaitSet} can wait for it ({@link org.panamaipc.Interest#EXITED})
 *     beside any mechanism's own objects to detect a dead peer.
 * <li>{@link org.panamaipc.process.StateChange}: a child stopped (by which signal), continued,
 *     exited or killed, taken one at a time with {@code tryNextChange()},
 *     {@code nextChange(Duration)} and {@code nextChange()} of a child or a pidfd
 *     ({@code waitid(P_PIDFD, WEXITED|WSTOPPED|WCONTINUED)}); {@code stop()} and
 *     {@code resume()} send SIGSTOP and SIGCONT.
 * <li>{@link org.panamaipc.process.ProcessMemory}: another process's memory read and written
 *     in place ({@code process_vm_readv}/{@code process_vm_writev}), one range or many, with
 *     honest partial counts: the single copy for large messages.
 * <li>{@link org.panamaipc.process.Trace}: {@code ptrace} of a child, of a command from its
 *     {@code execve}, or of another process where the kernel allows it: system calls at
 *     entry and exit ({@link org.panamaipc.process.SyscallStop}), signals before delivery,
 *     exec, fork and exit as {@link org.panamaipc.process.TraceEvent}s; registers and memory
 *     of a stopped tracee. One platform thread per trace makes every request; any thread
 *     drives it, or a {@link org.panamaipc.process.TraceHandler} runs on that thread for each
 *     event ({@code Trace.drive}).
 * </ul>
 *
 * <h2>State changes in a {@link org.panamaipc.WaitSet}</h2>
 * A pidfd polls readable only when its process exits, so {@link org.panamaipc.Interest#EXITED}
 * is all a set can see on a child or a pidfd. Stops and continues reach a set through
 * {@code SIGCHLD}, which the kernel sends this process whenever a child stops, continues or
 * ends: a {@link org.panamaipc.signal.SignalRegistration} for it
 * ({@code Signals.handle(Signal.SIGCHLD, info -> { })}) is ready
 * ({@link org.panamaipc.Interest#SIGNALED}) once a change has happened to <em>some</em> child.
 * The loop then takes the deliveries first and the changes after, until there are none:
 *
 * <pre>{@code
 * set.register(sigchld, Interest.SIGNALED);
 * for (WaitSet.Key key : set.select()) {
 *     sigchld.takeDeliveries();                       // first: a change after this rings again
 *     for (StateChange c; (c = child.tryNextChange()) != null; ) {
 *         handle(c);                                  // stopped(SIGSTOP), continued(SIGCONT), exited(0)
 *     }
 * }
 * }</pre>
 *
 * <p>In that order nothing is lost: the kernel records a change before it sends SIGCHLD, so a
 * change is either found by the takes that follow the deliveries' take, or rings the
 * registration again. Signals merge, so one delivery may stand for several changes, of
 * several children, or for none of this child's (another child's, a shell's): the takes sort
 * it out. The registration changes SIGCHLD's disposition for the whole process while it is
 * open (the JVM's own {@link java.lang.Process} does not rely on it).
 *
 * <h2>Traced children</h2>
 * When this process traces a child, {@code waitid} reports its ptrace stops too, and they
 * belong to the tracer: while a tracer of this library holds the child its state-change waits
 * throw {@link java.lang.IllegalStateException}, and the exit waits collect only an exit,
 * never a stop ({@link org.panamaipc.process.PidFd}, <i>A traced child</i>).
 *
 * <p><b>Blocking.</b> The waits of a child and of a pidfd run through the library's one
 * blocking engine: {@code close()} from another thread releases a waiting thread with
 * {@link java.nio.channels.AsynchronousCloseException}; interrupting it ends the wait with
 * {@link java.io.InterruptedIOException}, the object stays open, the interrupt status stays
 * set and the child is not reaped. Both are {@link org.panamaipc.Waitable}.
 *
 * <p>A child whose exit is waited for with a limit:
 *
 * <pre>{@code
 * import java.time.Duration;
 * import org.panamaipc.process.*;
 *
 * public class Sleeper {
 *     public static void main(String[] args) throws Exception {
 *         try (ChildProcess child = ChildProcess.builder("sh", "-c", "exit 3").start()) {
 *             ExitStatus status = child.waitFor(Duration.ofSeconds(10));
 *             System.out.println(status);          // exited(3)
 *         }
 *     }
 * }
 * }</pre>
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/pidfd_open.2.html">pidfd_open(2)</a>
 * @see <a href="https://man7.org/linux/man-pages/man3/posix_spawn.3.html">posix_spawn(3)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/ptrace.2.html">ptrace(2)</a>
 */
package org.panamaipc.process;
