/**
 * Message queues: POSIX ({@link org.panamaipc.mq.PosixMessageQueue}: named, with message
 * priorities, timed operations, readiness through a {@link org.panamaipc.WaitSet} and
 * {@code mq_notify}) and
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
 *         String name = PosixMessageQueue.uniqueName("orders");
 *         try (PosixMessageQueue q = PosixMessageQueue.create(name, 10, 128).unlinkOnClose()) {
 *             q.send("low".getBytes(StandardCharsets.UTF_8), 1);
 *             q.send("urgent".getBytes(StandardCharsets.UTF_8), 9);
 *             PosixMessage m = PosixMessage.allocate(Arena.ofAuto(), q.maxMessageSize());
 *             while (q.receive(m, Duration.ofMillis(100))) {   // "urgent" first, then "low"
 *                 System.out.println(m.priority() + " " + new String(m.toByteArray(), StandardCharsets.UTF_8));
 *             }
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
 * <p><b>One vocabulary.</b> {@code create} is exclusive ({@code FileAlreadyExistsException}
 * if the name or key exists, which it never touches), {@code open} needs the queue to exist
 * ({@code NoSuchFileException}), {@code openOrCreate} does either and never alters an existing
 * queue ({@link org.panamaipc.ObjectMismatchException} when a POSIX queue's limits differ).
 * POSIX names are removed with {@code unlink}/{@code unlinkOnClose()}, System V queues with
 * {@code remove()}/{@code removeOnClose()}; System V keys are {@link org.panamaipc.SysVKey}s.
 *
 * <p><b>Blocking, closing, interrupting.</b> Every call that may wait runs through the
 * library's one blocking engine. {@code close()} from another thread releases every thread
 * blocked on the object ({@link java.nio.channels.AsynchronousCloseException}), however many
 * there are; a POSIX descriptor is not closed until the last call using it has returned, so
 * its number is never reused under a blocked call. {@link java.lang.Thread#interrupt()} ends
 * a blocked call promptly with {@link java.io.InterruptedIOException}: the queue stays open,
 * the interrupt status stays set, and the interrupted call sends or receives nothing. POSIX
 * timed calls use the kernel's {@code mq_timedsend}/{@code mq_timedreceive}; System V has no
 * timed call, so the engine's timer signals the blocked thread at its deadline. No call
 * polls in a loop. A removed System V queue is {@link org.panamaipc.ObjectRemovedException}.
 *
 * <p><b>Many queues at once.</b> A POSIX queue is {@link org.panamaipc.Waitable}: one
 * {@link org.panamaipc.WaitSet} waits until any of several queues holds a message
 * ({@link org.panamaipc.Interest#READABLE}) or has room ({@link org.panamaipc.Interest#WRITABLE}),
 * beside sockets, pipes and child processes. A System V queue has no descriptor and cannot be
 * waited on this way.
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
