package org.panamaipc.shm;

import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * What {@code fstat} reports about a shared memory object, memfd or mapped file.
 *
 * @param size the size in bytes
 * @param permissions the permission bits
 * @param uid the owner's user id
 * @param gid the owner's group id
 * @see <a href="https://man7.org/linux/man-pages/man2/fstat.2.html">fstat(2)</a>
 */
public record ShmStat(long size, Set<PosixFilePermission> permissions, int uid, int gid) {
    /**
     * Copies the permission set.
     *
     * @param size the size in bytes
     * @param permissions the permission bits
     * @param uid the owner's user id
     * @param gid the owner's group id
     */
    public ShmStat {
        permissions = Set.copyOf(permissions);
    }
}
