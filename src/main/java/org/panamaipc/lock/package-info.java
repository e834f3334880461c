/**
 * File locks: {@code fcntl} record locks owned by the process, open file description
 * (OFD) locks owned by the open file, and whole-file {@code flock} locks, with blocking,
 * timed and try forms.
 *
 * <p>Read {@link org.panamaipc.lock.LockKind#PROCESS} before choosing process locks:
 * closing any descriptor of a file drops all of the process's fcntl locks on it.
 * {@link org.panamaipc.lock.LockKind#OPEN_FILE} locks have no such trap.
 *
 * <p>Waiting for a lock ({@code F_SETLKW}, {@code F_OFD_SETLKW}, {@code flock}) runs
 * through the library's one blocking engine, whose timer ends a timed wait (the kernel has
 * no timed lock call). Interrupting a waiting thread ends the wait with
 * {@link java.io.InterruptedIOException} and no lock held; {@code close()} from another
 * thread releases it with {@link java.nio.channels.AsynchronousCloseException}; use after
 * close is {@link IllegalStateException}. {@link org.panamaipc.lock.LockableFile} is
 * {@link org.panamaipc.DescriptorBased}.
 *
 * <pre>{@code
 * Path path = Files.createTempFile("example", ".lock");
 * try (LockableFile file = LockableFile.open(path);
 *      HeldLock header = file.lock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE, 0, 512)) {
 *     HeldLock rest = file.lock(LockKind.OPEN_FILE, LockMode.SHARED, 512, 0, Duration.ofSeconds(1));
 *     System.out.println(rest == null ? "busy" : "locked " + rest);
 * }
 * }</pre>
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/fcntl.2.html">fcntl(2)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/flock.2.html">flock(2)</a>
 */
package org.panamaipc.lock;
