/**
 * File locks: {@code fcntl} record locks owned by the process, open file description
 * (OFD) locks owned by the open file, and whole-file {@code flock} locks, with blocking,
 * timed and try forms.
 *
 * <p>Read {@link org.panamaipc.lock.LockKind#PROCESS} before choosing process locks:
 * closing any descriptor of a file drops all of the process's fcntl locks on it.
 * {@link org.panamaipc.lock.LockKind#OPEN_FILE} locks have no such trap.
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
