/**
 * What every mechanism shares: the vocabulary, errors ({@link org.panamaipc.Errno},
 * {@link org.panamaipc.ErrnoException} and the exceptions implementing it), owned
 * descriptors ({@link org.panamaipc.OwnedFd}, {@link org.panamaipc.DescriptorBased}) and
 * System V keys ({@link org.panamaipc.SysVKey}).
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
