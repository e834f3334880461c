package org.panamaipc.sync;

/**
 * Flags of one operation on a System V semaphore ({@code sem_flg}).
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/semop.2.html">semop(2)</a>
 */
public enum SemaphoreFlag {
    /** {@code IPC_NOWAIT}: if the operation would wait, the whole list fails and nothing is applied. */
    NO_WAIT,
    /**
     * {@code SEM_UNDO}: the kernel reverts this operation when the process exits, however it
     * ends ({@code kill -9} included) — the crash-safe way to hold a semaphore as a lock.
     */
    UNDO
}
