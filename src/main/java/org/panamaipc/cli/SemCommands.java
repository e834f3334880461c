package org.panamaipc.cli;

import java.util.List;
import java.util.Set;

/**
 * {@code ipc sem}: POSIX named semaphores. They need the library's semaphore package
 * ({@code org.panamaipc.sync}), which is not part of this build yet: until it is, each
 * subcommand says so and fails.
 */
final class SemCommands {
    private SemCommands() {
    }

    static List<Command> commands() {
        return List.of(
                pending("sem post", "sem post NAME [--create]", "Adds one to the POSIX named semaphore NAME (sem_post).",
                        Set.of(), Set.of("create")),
                pending("sem wait", "sem wait NAME [--timeout DURATION]",
                        "Takes one from the POSIX named semaphore NAME, waiting while it is 0 (exit 1 on timeout).",
                        Set.of("timeout"), Set.of()),
                pending("sem get", "sem get NAME", "Prints the value of the POSIX named semaphore NAME.",
                        Set.of(), Set.of()));
    }

    private static Command pending(String name, String synopsis, String description, Set<String> valued,
                                   Set<String> flags) {
        return new Cmd(name, synopsis, description, valued, flags, (args, io) -> {
            io.err().println("ipc " + name + ": POSIX named semaphores are not in this build (org.panamaipc.sync)");
            return Main.FAILED;
        });
    }
}
