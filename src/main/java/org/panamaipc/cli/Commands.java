package org.panamaipc.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Stream;
import org.panamaipc.cli.tour.TourCommand;

/** Every subcommand, in the order {@code ipc --help} lists them. */
final class Commands {
    static final List<Command> ALL = Stream.of(
            List.<Command>of(tour()),
            ListCommand.commands(),
            RemoveCommand.commands(),
            MqCommands.commands(),
            MsgCommands.commands(),
            ShmCommands.commands(),
            ChannelCommands.commands(),
            SemCommands.commands(),
            FifoCommands.commands(),
            FdCommands.commands(),
            LockCommand.commands(),
            SignalCommands.commands(),
            TraceCommand.commands())
            .flatMap(List::stream).toList();

    private Commands() {
    }

    private static Command tour() {
        TourCommand tour = new TourCommand();
        return new Cmd(tour.name(), tour.synopsis(), tour.description(), java.util.Set.of(), java.util.Set.of(),
                (args, io) -> {
                    args.expect(0, 0);
                    return tour.run(io.in(), io.out());
                });
    }

    /** The command the first one or two words name, or null. */
    static Command find(List<String> words) {
        String one = words.getFirst();
        String two = words.size() > 1 ? one + " " + words.get(1) : null;
        for (Command c : ALL) {
            if (c.name().equals(two)) {
                return c;
            }
        }
        for (Command c : ALL) {
            if (c.name().equals(one)) {
                return c;
            }
        }
        return null;
    }

    /** The commands whose name starts with {@code word} and another word. */
    static List<Command> group(String word) {
        List<Command> group = new ArrayList<>();
        for (Command c : ALL) {
            if (c.name().startsWith(word + " ")) {
                group.add(c);
            }
        }
        return group;
    }

    static String overview() {
        StringBuilder b = new StringBuilder();
        b.append("usage: ipc COMMAND [ARGS...]   (ipc COMMAND --help for details)\n\n");
        b.append("Linux IPC from the command line, through the panama-ipc library.\n\n");
        for (Command c : ALL) {
            b.append(String.format("  ipc %s%n", c.synopsis()));
        }
        b.append("  ipc shell   (jshell with the library, native access enabled and its packages imported;"
                + " ipc shell --help)\n");
        b.append("\nExit codes: 0 ok, 1 failure (or timeout), 2 usage. DURATION: 500ms, 5s, 2m.\n");
        return b.toString();
    }

    static String groupHelp(String word, List<Command> group) {
        StringBuilder b = new StringBuilder("usage:\n");
        LinkedHashSet<String> lines = new LinkedHashSet<>();
        for (Command c : group) {
            lines.add("  ipc " + c.synopsis());
        }
        lines.forEach(l -> b.append(l).append('\n'));
        b.append("(ipc ").append(word).append(" SUBCOMMAND --help for details)\n");
        return b.toString();
    }

    static String help(Command c) {
        return "usage: ipc " + c.synopsis() + "\n\n" + c.description().strip() + "\n";
    }
}
