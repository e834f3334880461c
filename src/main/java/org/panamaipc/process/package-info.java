/**
 * Other processes: starting a child with chosen descriptors, and referring to any process
 * for good through a pidfd.
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
 * <li>{@link org.panamaipc.process.Trace}: {@code ptrace} of a child, of a command from its
 *     {@code execve}, or of another process where the kernel allows it: system calls at
 *     entry and exit ({@link org.panamaipc.process.SyscallStop}), signals before delivery,
 *     exec, fork and exit as {@link org.panamaipc.process.TraceEvent}s; registers and memory
 *     of a stopped tracee. One platform thread per trace makes every request; any thread
 *     drives it.
 * </ul>
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
