/**
 * Message queues: POSIX ({@link org.panamaipc.mq.PosixMessageQueue}: named, with message
 * priorities, timed operations, readiness through {@code poll} and {@code mq_notify}) and
 * System V ({@link org.panamaipc.mq.SysVMessageQueue}: keyed, with typed messages and
 * selective receive). Both keep message boundaries and interoperate with C, Python and the
 * shell tools ({@code ipcs -q}, {@code ipcrm -q}).
 *
 * <pre>{@code
 * import java.lang.foreign.Arena;
 * import java.nio.charset.StandardCharsets;
 * import java.time.Duration;
 * import org.panamaipc.mq.PosixMessage;
 * import org.panamaipc.mq.PosixMessageQueue;
 *
 * public class Orders {
 *     public static void main(String[] args) throws Exception {
 *         try (PosixMessageQueue q = PosixMessageQueue.create("/orders", 10, 128)) {
 *             q.send("low".getBytes(StandardCharsets.UTF_8), 1);
 *             q.send("urgent".getBytes(StandardCharsets.UTF_8), 9);
 *             PosixMessage m = PosixMessage.allocate(Arena.ofAuto(), q.maxMessageSize());
 *             while (q.receive(m, Duration.ofMillis(100))) {   // "urgent" first, then "low"
 *                 System.out.println(m.priority() + " " + new String(m.toByteArray(), StandardCharsets.UTF_8));
 *             }
 *         } finally {
 *             PosixMessageQueue.unlinkIfExists("/orders");
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p><b>Results, not exceptions.</b> An empty queue, a full queue and a timeout are
 * ordinary outcomes: {@code false} from the methods that fill a caller's buffer,
 * {@code null} from those that return a new message. Exceptions are for errors, and name
 * the call, the queue, the errno and what it means ({@link org.panamaipc.mq.QueueException});
 * an exceeded system limit names the limit and its value
 * ({@link org.panamaipc.mq.QueueLimitException}).
 *
 * <p><b>Blocking and closing.</b> A thread about to block registers itself with its queue
 * object; {@code close()} from another thread marks the object closed and sends each
 * registered thread the JDK's own wake-up signal ({@code SIGRTMAX-2}, a handler that does
 * nothing, no {@code SA_RESTART}), so its {@code mq_receive}, {@code msgrcv}, {@code poll}
 * ... returns {@code EINTR}; the thread sees the object closed and throws
 * {@link java.nio.channels.AsynchronousCloseException}. A POSIX descriptor is not closed
 * until the last call using it has returned, so its number is never reused under a
 * blocked call. POSIX timed calls use the kernel's {@code mq_timedsend}/
 * {@code mq_timedreceive}; System V has no timed call, so a timer signals the blocked
 * thread at its deadline (see {@link org.panamaipc.mq.SysVMessageQueue}). No call polls
 * in a loop. {@link java.lang.Thread#interrupt()} does not wake a blocked call.
 *
 * <p><b>Hot paths.</b> {@code send(MemorySegment, int)}/{@code trySend} with native memory
 * and {@code receive(PosixMessage)}/{@code tryReceive(PosixMessage)}, and for System V
 * {@code send(SysVMessage)}/{@code trySend(SysVMessage)} and
 * {@code receive(SysVMessage, TypeFilter)}/{@code tryReceive(SysVMessage, TypeFilter)},
 * and their timed forms when they need not wait, allocate nothing once a thread has warmed
 * up; {@code byte[]} and heap data are copied through a per-thread native buffer, also
 * without allocating.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/mq_overview.7.html">mq_overview(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man7/sysvipc.7.html">sysvipc(7)</a>
 */
package org.panamaipc.mq;
