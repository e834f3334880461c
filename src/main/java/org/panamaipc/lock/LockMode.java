package org.panamaipc.lock;

/**
 * Whether a lock shares the file with other readers or excludes everyone else.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/fcntl.2.html">fcntl(2), "Advisory record locking"</a>
 */
public enum LockMode {
    /** A read lock ({@code F_RDLCK}, {@code LOCK_SH}): any number may hold it together; needs read access for fcntl locks. */
    SHARED,
    /** A write lock ({@code F_WRLCK}, {@code LOCK_EX}): held by one alone; needs write access for fcntl locks. */
    EXCLUSIVE
}
