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
 * <p><b>Hot paths.</b> {@code send(MemorySegment, int)}/{@code trySend} with native memory
 * and {@code receive(PosixMessage)}/{@code tryReceive(PosixMessage)}, and for System V
 * {@code send(SysVMessage)}/{@code trySend(SysVMessage)} and
 * {@code receive(SysVMessage, TypeFilter)}/{@code tryReceive(SysVMessage, TypeFilter)},
 * allocate nothing once a thread has warmed up.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/mq_overview.7.html">mq_overview(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man7/sysvipc.7.html">sysvipc(7)</a>
 */
package org.panamaipc.mq;
