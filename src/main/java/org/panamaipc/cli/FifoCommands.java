package org.panamaipc.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.panamaipc.pipe.Fifo;

/** {@code ipc fifo}: named pipes. */
final class FifoCommands {
    private FifoCommands() {
    }

    static List<Command> commands() {
        return List.of(new Cmd("fifo make", "fifo make PATH [--mode 0600]", """
                Creates a FIFO (named pipe) at PATH with the given mode (default 0600, less the
                umask), like mkfifo(1).
                """, Set.of("mode"), Set.of(), (args, io) -> {
                    args.expect(1, 1);
                    int mode = args.has("mode") ? Numbers.parseMode(args.option("mode")) : 0600;
                    Fifo.create(Path.of(args.get(0)), Modes.permissions(mode));
                    return Main.OK;
                }));
    }
}
