package org.panamaipc.cli;

import java.util.List;
import java.util.Set;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.mq.SysVMessageQueue;
import org.panamaipc.shm.SharedMemory;
import org.panamaipc.SysVKey;
import org.panamaipc.shm.SysVSharedMemory;
import org.panamaipc.sync.NamedSemaphore;

/** {@code ipc rm}: removes one POSIX object by name or one System V object by id or key. */
final class RemoveCommand {
    private RemoveCommand() {
    }

    static List<Command> commands() {
        return List.of(
                posix("shm", "POSIX shared memory object (shm_unlink)"),
                posix("sem", "POSIX named semaphore (sem_unlink)"),
                posix("mq", "POSIX message queue (mq_unlink)"),
                sysv("sysv-shm", "System V shared memory segment (shmctl IPC_RMID; it goes when the last process detaches)"),
                sysv("sysv-sem", "System V semaphore set (semctl IPC_RMID)"),
                sysv("sysv-msg", "System V message queue (msgctl IPC_RMID)"));
    }

    private static Command posix(String kind, String what) {
        return new Cmd("rm " + kind, "rm " + kind + " NAME", "Removes a " + what + ". NAME starts with a slash (/orders).",
                Set.of(), Set.of(), (args, io) -> {
                    args.expect(1, 1);
                    String name = Numbers.posixName(args.get(0));
                    switch (kind) {
                        case "shm" -> SharedMemory.unlink(name);
                        case "mq" -> PosixMessageQueue.unlink(name);
                        default -> NamedSemaphore.unlink(name);
                    }
                    return Main.OK;
                });
    }

    private static Command sysv(String kind, String what) {
        return new Cmd("rm " + kind, "rm " + kind + " ID|--key KEY",
                "Removes a " + what + ", by id or by key (decimal or 0x-hex).",
                Set.of("key"), Set.of(), (args, io) -> {
                    Integer key = null;
                    if (args.has("key")) {
                        args.expect(0, 0);
                        key = Numbers.parseKey(args.option("key"));
                    } else {
                        args.expect(1, 1);
                    }
                    int id = key == null ? Numbers.parseInt("ID", args.get(0)) : 0;
                    switch (kind) {
                        case "sysv-shm" -> {
                            try (SysVSharedMemory shm = key == null ? SysVSharedMemory.openId(id)
                                    : SysVSharedMemory.open(SysVKey.of(key))) {
                                shm.remove();
                            }
                        }
                        case "sysv-msg" -> {
                            try (SysVMessageQueue q = key == null ? SysVMessageQueue.openId(id) : SysVMessageQueue.open(SysVKey.of(key))) {
                                q.remove();
                            }
                        }
                        default -> SysVSemaphores.remove(key, id);
                    }
                    return Main.OK;
                });
    }
}
