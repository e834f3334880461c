package org.panamaipc.lock;

/**
 * A lock held elsewhere that would block a requested one, as {@code F_GETLK} or
 * {@code F_OFD_GETLK} describe it.
 *
 * @param mode the conflicting lock's mode
 * @param start the first byte it covers
 * @param length the bytes it covers; 0 means up to the end of the file, however far it grows
 * @param pid the process holding it, for a {@link LockKind#PROCESS} lock; -1 for an
 *        {@link LockKind#OPEN_FILE} lock, which no single process owns
 * @see <a href="https://man7.org/linux/man-pages/man2/fcntl.2.html">fcntl(2), F_GETLK</a>
 */
public record LockConflict(LockMode mode, long start, long length, int pid) {
}
