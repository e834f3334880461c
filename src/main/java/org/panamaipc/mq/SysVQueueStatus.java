package org.panamaipc.mq;

import java.nio.file.attribute.PosixFilePermission;
import org.panamaipc.SysVKey;
import java.time.Instant;
import java.util.Set;

/**
 * The state of a System V message queue ({@code msgctl(IPC_STAT)}, {@code struct msqid_ds}).
 *
 * @param key the key it was created with ({@link SysVKey#PRIVATE} for {@code IPC_PRIVATE})
 * @param messages the messages queued ({@code msg_qnum})
 * @param bytes the bytes of text queued ({@code msg_cbytes})
 * @param maxBytes the most bytes of text the queue holds ({@code msg_qbytes})
 * @param lastSendPid the process that sent last ({@code msg_lspid}), 0 if none
 * @param lastReceivePid the process that received last ({@code msg_lrpid}), 0 if none
 * @param lastSend when the last message was sent ({@code msg_stime}), {@code null} if never
 * @param lastReceive when the last message was received ({@code msg_rtime}), {@code null} if never
 * @param lastChange when the queue was created or last changed by {@code IPC_SET} ({@code msg_ctime})
 * @param ownerUid the owner's user id
 * @param ownerGid the owner's group id
 * @param permissions the queue's permissions
 * @see <a href="https://man7.org/linux/man-pages/man2/msgctl.2.html">msgctl(2)</a>
 */
public record SysVQueueStatus(SysVKey key, long messages, long bytes, long maxBytes, int lastSendPid,
                              int lastReceivePid, Instant lastSend, Instant lastReceive, Instant lastChange,
                              int ownerUid, int ownerGid, Set<PosixFilePermission> permissions) {
}
