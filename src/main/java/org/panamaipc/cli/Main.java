package org.panamaipc.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Set;
import org.panamaipc.ErrnoException;

/**
 * The {@code ipc} command: the tour of every mechanism, a view of every IPC object on the
 * machine, and scriptable operations on them. Run it through the {@code ./ipc} launcher at
 * the repository root; {@code ipc --help} lists the subcommands.
 *
 * <p>Exit codes: 0 done, 1 failed (an error, a timeout, a failed tour step), 2 usage.
 * Errors are one line on stderr naming the call, the object and the errno.
 */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private Main() {
    }

    /**
     * Runs the command line and exits with its code.
     *
     * @param args the command line after {@code ipc}
     */
    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true,
                StandardCharsets.UTF_8);
        int code = run(List.of(args), new Io(System.in, out, err));
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs one command line in this JVM and returns its exit code. */
    static int run(List<String> words, Io io) {
        if (words.isEmpty() || words.getFirst().equals("--help") || words.getFirst().equals("-h")
                || words.getFirst().equals("help")) {
            (words.isEmpty() ? io.err() : io.out()).print(Commands.overview());
            return words.isEmpty() ? USAGE : OK;
        }
        Command command = Commands.find(words);
        if (command == null) {
            List<Command> group = Commands.group(words.getFirst());
            if (!group.isEmpty()) {
                boolean asked = words.size() > 1 && (words.get(1).equals("--help") || words.get(1).equals("-h"));
                if (asked) {
                    io.out().print(Commands.groupHelp(words.getFirst(), group));
                    return OK;
                }
                // the error first, where the eye lands, then what would have been right
                io.err().println("ipc " + words.getFirst() + ": "
                        + (words.size() > 1 ? "unknown subcommand \"" + words.get(1) + "\"" : "missing subcommand"));
                io.err().print(Commands.groupHelp(words.getFirst(), group));
                return USAGE;
            }
            io.err().println("ipc: unknown command \"" + words.getFirst() + "\" (ipc --help lists them)");
            return USAGE;
        }
        int taken = command.name().split(" ").length;
        List<String> rest = words.subList(taken, words.size());
        try {
            Args args = Args.parse(rest, command.valued(), Set.copyOf(command.flags()));
            if (args.help()) {
                io.out().print(Commands.help(command));
                return OK;
            }
            return command.run(args, io);
        } catch (UsageException e) {
            io.err().println("ipc " + command.name() + ": " + e.getMessage() + " (usage: ipc " + command.synopsis() + ")");
            return USAGE;
        } catch (IllegalArgumentException e) {
            io.err().println("ipc " + command.name() + ": " + e.getMessage());
            return USAGE;
        } catch (Exception e) {
            io.err().println("ipc " + command.name() + ": " + describe(e));
            return FAILED;
        }
    }

    /** The one line that says what failed: the library's own message names call, object and errno. */
    static String describe(Throwable e) {
        if (e instanceof ErrnoException) {
            return e.getMessage();
        }
        if (e instanceof FileSystemException fse && fse.getReason() == null) {
            String what = e instanceof NoSuchFileException ? "ENOENT (No such file or directory)"
                    : e instanceof FileAlreadyExistsException ? "EEXIST (File exists)"
                    : e instanceof AccessDeniedException ? "EACCES (Permission denied)" : e.getClass().getSimpleName();
            return fse.getFile() + ": " + what;
        }
        if (e instanceof IOException && e.getMessage() != null) {
            return e.getMessage();
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + message;
    }
}
