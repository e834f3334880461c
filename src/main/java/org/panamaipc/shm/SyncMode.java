package org.panamaipc.shm;

import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.NativeAccess;

/**
 * How {@link Mapping#sync(SyncMode)} flushes a file mapping to its file.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/msync.2.html">msync(2)</a>
 */
public enum SyncMode {
    /** {@code MS_SYNC}: write the changed pages and wait until they are written. */
    SYNC(NativeAccess.value(LibC::MS_SYNC)),
    /** {@code MS_ASYNC}: schedule the write and return at once. */
    ASYNC(NativeAccess.value(LibC::MS_ASYNC)),
    /** {@code MS_SYNC | MS_INVALIDATE}: write, then ask that other mappings of the file see fresh contents. */
    SYNC_AND_INVALIDATE(LibC.MS_SYNC() | LibC.MS_INVALIDATE());

    final int flags;

    SyncMode(int flags) {
        this.flags = flags;
    }
}
