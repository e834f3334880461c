package org.panamaipc.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.panamaipc.lock.HeldLock;
import org.panamaipc.lock.LockKind;
import org.panamaipc.lock.LockMode;
import org.panamaipc.lock.LockableFile;

/** {@code ipc lock}: runs a command while holding an open-file-description lock, like flock(1). */
final class LockCommand {
    private LockCommand() {
    }

    static List<Command> commands() {
        return List.of(new Cmd("lock", "lock PATH [--shared] [--timeout DURATION] -- COMMAND [ARGS...]", """
                Takes an exclusive (or with --shared, shared) open-file-description lock
                (F_OFD_SETLKW) on the whole of PATH, created if missing, runs COMMAND with its
                standard streams, releases the lock and exits with COMMAND's exit code. Waits for
                the lock, at most DURATION with --timeout (exit 1 without running COMMAND).
                --timeout 0 only tries once. The lock is not inherited by COMMAND: it is held by
                this process, which outlives it.
                """, Set.of("timeout"), Set.of("shared"), LockCommand::run));
    }

    static int run(Args args, Io io) throws Exception {
        args.expect(1, 1);
        if (args.rest().isEmpty()) {
            throw new UsageException("missing COMMAND after --");
        }
        LockMode mode = args.has("shared") ? LockMode.SHARED : LockMode.EXCLUSIVE;
        Duration timeout = args.duration("timeout");
        try (LockableFile file = LockableFile.openOrCreate(Path.of(args.get(0)));
             HeldLock lock = timeout == null ? file.lock(LockKind.OPEN_FILE, mode)
                     : timeout.isZero() ? file.tryLock(LockKind.OPEN_FILE, mode)
                     : file.lock(LockKind.OPEN_FILE, mode, 0, 0, timeout)) {
            if (lock == null) {
                io.err().println("ipc lock: " + args.get(0) + " is locked"
                        + (timeout.isZero() ? "" : "; gave up after " + args.option("timeout")));
                return Main.FAILED;
            }
            Process p = new ProcessBuilder(args.rest()).inheritIO().start();
            return p.waitFor();
        }
    }
}
