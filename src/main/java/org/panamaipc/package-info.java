/**
 * What every mechanism shares: the vocabulary, errors ({@link org.panamaipc.Errno},
 * {@link org.panamaipc.ErrnoException} and the exceptions implementing it), owned
 * descriptors ({@link org.panamaipc.OwnedFd}, {@link org.panamaipc.DescriptorBased}) and
 * System V keys ({@link org.panamaipc.SysVKey}), and the one wait set over all of them
 * ({@link org.panamaipc.WaitSet}, {@link org.panamaipc.Waitable}, {@link org.panamaipc.Interest}).
 *
 * <h2>One vocabulary</h2>
 *
 * Every named or keyed object is reached with the same verbs: {@code create} creates
 * exclusively ({@code FileAlreadyExistsException} if the name or key exists, and nothing is
 * removed or altered); {@code open} opens an existing object ({@code NoSuchFileException}
 * if missing); {@code openOrCreate} opens or creates and never alters an existing object
 * (an existing one that does not match what was asked is reported by
 * {@link org.panamaipc.ObjectMismatchException} and left as it was). POSIX kinds have
 * {@code uniqueName(prefix)}, {@code unlink(name)} and {@code unlinkOnClose()}; the three
 * System V kinds share one key type, {@code openId(int)}, {@code remove()},
 * {@code removeOnClose()}, and report a removed object as
 * {@link org.panamaipc.ObjectRemovedException}. Every descriptor-based object is
 * {@link org.panamaipc.DescriptorBased}.
 *
 * <p>Waiting is spelled {@code tryX()} (does not wait), {@code x(Duration)} (waits at most)
 * and {@code x()} (waits). When nothing came, a method returning an object returns
 * {@code null}, one returning {@code boolean} returns {@code false}, one returning a count
 * returns {@code 0} ({@code -1} stays end of file).
 *
 * <h2>Waiting on many objects</h2>
 *
 * Every object whose descriptor the kernel can report ready is {@link org.panamaipc.Waitable}:
 * pipe and FIFO ends, POSIX message queues, Unix sockets and listening sockets, eventfds,
 * pidfds and child processes, signal registrations, and wait sets themselves. One
 * {@link org.panamaipc.WaitSet} ({@code epoll}) waits on any mix of them, for what each offers
 * ({@link org.panamaipc.Interest}): nobody handles a descriptor number, and no native access
 * is needed beyond the library's. Here one loop reads what a child writes to a pipe, sees
 * the child exit and an eventfd ring, in whatever order they come:
 *
 * <pre>{@code
 * import java.nio.ByteBuffer;
 * import java.nio.charset.StandardCharsets;
 * import java.time.Duration;
 * import org.panamaipc.Interest;
 * import org.panamaipc.WaitSet;
 * import org.panamaipc.process.ChildProcess;
 * import org.panamaipc.pipe.Pipe;
 * import org.panamaipc.sync.EventFd;
 *
 * public class Waiting {
 *     public static void main(String[] args) throws Exception {
 *         try (WaitSet set = WaitSet.create();
 *              Pipe pipe = Pipe.open();
 *              EventFd doorbell = EventFd.create(0, EventFd.Mode.COUNTER);
 *              ChildProcess child = ChildProcess.builder("sh", "-c", "echo hello from the child >&3")
 *                      .mapFd(3, pipe.sink()).start()) {
 *             pipe.sink().close();                          // the child has its own copy
 *             set.register(pipe.source(), Interest.READABLE, "pipe");
 *             set.register(doorbell, Interest.READABLE, "doorbell");
 *             set.register(child, Interest.EXITED, "child");
 *             doorbell.signal(1);                            // any thread or process may ring it
 *             ByteBuffer text = ByteBuffer.allocate(64);
 *             int open = 3;                                  // until each has been seen to its end
 *             while (open > 0) {
 *                 for (WaitSet.Key key : set.select(Duration.ofSeconds(10))) {
 *                     switch ((String) key.attachment()) {
 *                         case "pipe" -> {
 *                             if (pipe.source().read(text) < 0) {  // end of file: the child is done
 *                                 key.cancel();
 *                                 open--;
 *                             }
 *                         }
 *                         case "doorbell" -> {
 *                             System.out.println("rung " + doorbell.tryAwait() + " time(s)");
 *                             key.cancel();
 *                             open--;
 *                         }
 *                         case "child" -> {
 *                             System.out.println("child " + child.waitFor());
 *                             key.cancel();
 *                             open--;
 *                         }
 *                         default -> throw new AssertionError(key);
 *                     }
 *                 }
 *             }
 *             System.out.print(new String(text.array(), 0, text.position(), StandardCharsets.UTF_8));
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>The set is level-triggered, as {@code poll} is; {@link org.panamaipc.WaitSet#wakeup()}
 * releases a waiting select from any thread, closing the set or a registered object releases
 * it too, and a virtual thread waiting in a select parks without holding its carrier.
 *
 * <h2>Close and interrupt</h2>
 *
 * Objects that are {@link java.nio.channels.Channel}s (pipe ends, Unix sockets) follow the
 * JDK: use after close is {@link java.nio.channels.ClosedChannelException}, and
 * {@link Thread#interrupt()} of a thread blocked on one closes it
 * ({@link java.nio.channels.ClosedByInterruptException}). Every other object throws
 * {@link IllegalStateException} after close, and an interrupted call on it throws
 * {@link java.io.InterruptedIOException}, leaves the object open and the thread's interrupt
 * status set, and consumes nothing: a message not returned stays queued, a semaphore unit
 * not returned is not taken, a lock not returned is not held. A thread blocked on an object
 * that another thread closes is released with
 * {@link java.nio.channels.AsynchronousCloseException}, however many threads wait; waiting
 * threads use no CPU.
 *
 * <h2>Errors</h2>
 *
 * A failed call throws an exception naming the call, the object and the error:
 *
 * <pre>{@code
 * try {
 *     ...
 * } catch (NoSuchFileException e) {           // ENOENT on a named object
 *     Errno errno = ((ErrnoException) e).errno();
 * } catch (IOException e) {
 *     System.err.println(e.getMessage());     // mq_open("/orders", O_RDWR): ENOENT (No such file or directory)
 * }
 * }</pre>
 *
 * <p>Misuse (a null, a negative size, a closed object) throws the usual unchecked
 * exceptions before any native call, with a {@code key=value} message.
 */
package org.panamaipc;
