package org.panamaipc.sync;

import org.panamaipc.IpcException;

/**
 * A robust {@link ProcessMutex} can no longer be locked ({@code ENOTRECOVERABLE}): its owner
 * died, and the next owner unlocked it without calling
 * {@link ProcessMutex#markConsistent()}. Only destroying and initialising it again
 * (when no process uses it) makes the memory usable.
 */
public final class MutexNotRecoverableException extends IpcException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param call the function that failed, e.g. {@code pthread_mutex_lock}
     * @param arguments the call's arguments as they appear in the message
     * @param errno {@code ENOTRECOVERABLE}
     */
    public MutexNotRecoverableException(String call, String arguments, int errno) {
        super(call, arguments, errno);
    }
}
