package org.panamaipc.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.panamaipc.lock.HeldLock;
import org.panamaipc.lock.LockKind;
import org.panamaipc.lock.LockMode;
import org.panamaipc.lock.LockableFile;

/**
 * {@code ipc lock}: runs a command while holding a lock on a file. By default a
 * {@code flock(2)} lock, the one util-linux {@code flock(1)} takes, so that the two exclude
 * each other; {@code --kind ofd} and {@code --kind posix} take the {@code fcntl} record locks.
 */
final class LockCommand {
    /** A shell's exit code for a command that exists but cannot be run. */
    static final int CANNOT_RUN = 126;
    /** A shell's exit code for a command that is not there. */
    static final int NOT_FOUND = 127;

    private LockCommand() {
    }

    static List<Command> commands() {
        return List.of(new Cmd("lock", "lock PATH [--shared] [--timeout DURATION] [--kind flock|ofd|posix] -- COMMAND [ARGS...]", """
                Takes an exclusive (or with --shared, shared) lock on PATH, created if missing,
                runs COMMAND with its standard streams, releases the lock and exits with
                COMMAND's exit code. Waits for the lock, at most DURATION with --timeout (exit 1
                without running COMMAND); --timeout 0 only tries once.

                --kind says which lock: flock (the default) is a flock(2) lock on the file, the
                lock of util-linux flock(1) and python's fcntl.flock: it excludes them and they
                exclude it. ofd is an open-file-description record lock (F_OFD_SETLKW) and posix
                a classic process record lock (F_SETLKW, the lock of lockf and fcntl.lockf) on
                the whole file; record locks and flock locks do not see each other.

                The lock is held by this process, which outlives COMMAND, and is not inherited
                by COMMAND (as with flock -o). A COMMAND that is not found exits 127, one that
                cannot be run 126, as in a shell.
                """, Set.of("timeout", "kind"), Set.of("shared"), LockCommand::run));
    }

    static int run(Args args, Io io) throws Exception {
        args.expect(1, 1);
        if (args.rest().isEmpty()) {
            throw new UsageException("missing COMMAND after --");
        }
        LockKind kind = kind(args.option("kind"));
        LockMode mode = args.has("shared") ? LockMode.SHARED : LockMode.EXCLUSIVE;
        Duration timeout = args.duration("timeout");
        try (LockableFile file = LockableFile.openOrCreate(Path.of(args.get(0)));
             HeldLock lock = timeout == null ? file.lock(kind, mode)
                     : timeout.isZero() ? file.tryLock(kind, mode)
                     : file.lock(kind, mode, 0, 0, timeout)) {
            if (lock == null) {
                io.err().println("ipc lock: " + args.get(0) + " is locked"
                        + (timeout.isZero() ? "" : "; gave up after " + args.option("timeout")));
                return Main.FAILED;
            }
            return runCommand(args.rest(), io);
        }
    }

    static LockKind kind(String text) throws UsageException {
        if (text == null) {
            return LockKind.FLOCK;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "flock" -> LockKind.FLOCK;
            case "ofd" -> LockKind.OPEN_FILE;
            case "posix" -> LockKind.PROCESS;
            default -> throw new UsageException("--kind=\"" + text + "\" is not flock, ofd or posix");
        };
    }

    /** Runs the command and returns its exit code; 127 or 126 when it cannot be started, as a shell says. */
    private static int runCommand(List<String> command, Io io) throws InterruptedException {
        String program = command.getFirst();
        int missing = findProgram(program);
        if (missing != 0) {
            io.err().println("ipc lock: " + program + ": "
                    + (missing == NOT_FOUND ? (program.contains("/") ? "No such file or directory" : "command not found")
                    : "Permission denied"));
            return missing;
        }
        try {
            return new ProcessBuilder(command).inheritIO().start().waitFor();
        } catch (IOException e) {
            io.err().println("ipc lock: " + program + ": cannot run it (" + e.getMessage() + ")");
            return CANNOT_RUN;
        }
    }

    /**
     * Looks the program up as a shell does: a name with a slash is a path, any other is
     * searched along PATH.
     *
     * @return 0 when an executable file was found, {@link #CANNOT_RUN} when only a file that
     *         cannot be executed was, {@link #NOT_FOUND} when nothing was
     */
    static int findProgram(String program) {
        if (program.contains("/")) {
            return check(Path.of(program));
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        int best = NOT_FOUND;
        for (String dir : path.split(":", -1)) {
            int found = check(Path.of(dir.isEmpty() ? "." : dir, program));
            if (found == 0) {
                return 0;
            }
            best = Math.min(best, found);
        }
        return best;
    }

    private static int check(Path p) {
        if (!Files.exists(p)) {
            return NOT_FOUND;
        }
        return Files.isRegularFile(p) && Files.isExecutable(p) ? 0 : CANNOT_RUN;
    }
}
