package org.panamaipc.sync;

/**
 * How a {@link ProcessMutex} was acquired.
 */
public enum LockState {
    /** Acquired; the previous owner unlocked it normally. */
    ACQUIRED,
    /**
     * Acquired, but the previous owner died holding it ({@code EOWNERDEAD}): the data it
     * protects may be half-updated. The caller now owns the mutex; it should repair the data
     * and call {@link ProcessMutex#markConsistent()} before unlocking. Unlocking without it
     * makes the mutex unrecoverable: every later lock fails with
     * {@link MutexNotRecoverableException}.
     */
    OWNER_DIED
}
