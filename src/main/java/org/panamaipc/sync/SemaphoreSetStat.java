package org.panamaipc.sync;

import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Set;
import org.panamaipc.SysVKey;

/**
 * What {@code semctl(IPC_STAT)} reports about a System V semaphore set.
 *
 * @param key the key it was created with ({@link SysVKey#PRIVATE} for a private set)
 * @param ownerUid the owner's user id
 * @param ownerGid the owner's group id
 * @param creatorUid the creator's user id
 * @param creatorGid the creator's group id
 * @param permissions the permission bits
 * @param size how many semaphores the set holds
 * @param lastOperation when {@code semop} last succeeded on it, or {@code null} if never
 * @param lastChange when it was created or last changed by {@code semctl}
 * @see <a href="https://man7.org/linux/man-pages/man2/semctl.2.html">semctl(2)</a>
 */
public record SemaphoreSetStat(SysVKey key, int ownerUid, int ownerGid, int creatorUid, int creatorGid,
                               Set<PosixFilePermission> permissions, int size, Instant lastOperation,
                               Instant lastChange) {
    /**
     * Copies the permission set.
     *
     * @param key the key
     * @param ownerUid the owner's user id
     * @param ownerGid the owner's group id
     * @param creatorUid the creator's user id
     * @param creatorGid the creator's group id
     * @param permissions the permission bits
     * @param size how many semaphores
     * @param lastOperation the last semop, or null
     * @param lastChange the last change
     */
    public SemaphoreSetStat {
        permissions = Set.copyOf(permissions);
    }
}
