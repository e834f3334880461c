package org.panamaipc.cli;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.panamaipc.sync.NamedSemaphore;

/** {@code ipc sem}: POSIX named semaphores from the shell. */
final class SemCommands {
    private SemCommands() {
    }

    static List<Command> commands() {
        return List.of(
                new Cmd("sem post", "sem post NAME [--create]", """
                        Adds one to the POSIX named semaphore NAME (sem_post). --create creates it
                        (mode 0600, value 0 before this post) if it does not exist.
                        """, Set.of(), Set.of("create"), SemCommands::post),
                new Cmd("sem wait", "sem wait NAME [--timeout DURATION]", """
                        Takes one from the POSIX named semaphore NAME, waiting while it is 0, at most
                        DURATION with --timeout (exit 1 on timeout).
                        """, Set.of("timeout"), Set.of(), SemCommands::await),
                new Cmd("sem get", "sem get NAME", """
                        Prints the value of the POSIX named semaphore NAME (sem_getvalue).
                        """, Set.of(), Set.of(), SemCommands::get));
    }

    static int post(Args args, Io io) throws Exception {
        args.expect(1, 1);
        String name = Numbers.posixName(args.get(0));
        try (NamedSemaphore s = args.has("create") ? NamedSemaphore.openOrCreate(name, 0) : NamedSemaphore.open(name)) {
            s.release();
        }
        return Main.OK;
    }

    static int await(Args args, Io io) throws Exception {
        args.expect(1, 1);
        String name = Numbers.posixName(args.get(0));
        Duration timeout = args.duration("timeout");
        try (NamedSemaphore s = NamedSemaphore.open(name)) {
            if (timeout == null) {
                s.acquire();
            } else if (!s.tryAcquire(timeout)) {
                io.err().println("ipc sem wait: " + name + " stayed 0 for " + args.option("timeout"));
                return Main.FAILED;
            }
        }
        return Main.OK;
    }

    static int get(Args args, Io io) throws Exception {
        args.expect(1, 1);
        String name = Numbers.posixName(args.get(0));
        try (NamedSemaphore s = NamedSemaphore.open(name)) {
            io.out().println(s.value());
        }
        return Main.OK;
    }
}
