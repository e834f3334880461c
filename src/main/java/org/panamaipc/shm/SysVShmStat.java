package org.panamaipc.shm;

import org.panamaipc.SysVKey;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Set;

/**
 * What {@code shmctl(IPC_STAT)} reports about a System V shared memory segment.
 *
 * @param key the key (0 once the segment is marked for removal)
 * @param size the size in bytes
 * @param permissions the permission bits
 * @param uid the owner's user id
 * @param gid the owner's group id
 * @param creatorUid the creator's user id
 * @param creatorGid the creator's group id
 * @param attachCount the number of attachments, in all processes
 * @param creatorPid the process that created it
 * @param lastPid the process of the last {@code shmat} or {@code shmdt}
 * @param lastAttach when it was last attached, or {@code null} never
 * @param lastDetach when it was last detached, or {@code null} never
 * @param lastChange when it was created or last changed by {@code IPC_SET}
 * @param markedForRemoval whether {@code IPC_RMID} was called while attachments remain
 *        ({@code SHM_DEST}): it is destroyed when the last one detaches
 * @see <a href="https://man7.org/linux/man-pages/man2/shmctl.2.html">shmctl(2)</a>
 */
public record SysVShmStat(SysVKey key, long size, Set<PosixFilePermission> permissions, int uid, int gid,
                          int creatorUid, int creatorGid, long attachCount, int creatorPid, int lastPid,
                          Instant lastAttach, Instant lastDetach, Instant lastChange, boolean markedForRemoval) {
    /**
     * Copies the permission set.
     *
     * @param key the key
     * @param size the size in bytes
     * @param permissions the permission bits
     * @param uid the owner's user id
     * @param gid the owner's group id
     * @param creatorUid the creator's user id
     * @param creatorGid the creator's group id
     * @param attachCount the number of attachments
     * @param creatorPid the creator process
     * @param lastPid the process of the last attach or detach
     * @param lastAttach the last attach time, or {@code null}
     * @param lastDetach the last detach time, or {@code null}
     * @param lastChange the last change time
     * @param markedForRemoval whether the segment is marked for removal
     */
    public SysVShmStat {
        permissions = Set.copyOf(permissions);
    }
}
