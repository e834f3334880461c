package org.panamaipc.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.mq.PosixMessageQueue.Access;
import org.panamaipc.mq.PosixQueueAttributes;
import org.panamaipc.mq.PosixQueueLimits;
import org.panamaipc.mq.PriorityMessage;

/** {@code ipc mq}: POSIX message queues from the shell. */
final class MqCommands {
    private MqCommands() {
    }

    static List<Command> commands() {
        return List.of(
                new Cmd("mq send", "mq send NAME TEXT [--priority N] [--create]", """
                        Sends TEXT (UTF-8) to the POSIX message queue NAME with priority N (default 0).
                        --create creates the queue (mode 0600, the system's default sizes) if it
                        does not exist. Blocks while the queue is full.
                        """, Set.of("priority"), Set.of("create"), MqCommands::send),
                new Cmd("mq recv", "mq recv NAME [--timeout DURATION] [--priority]", """
                        Receives the oldest message of the highest priority from the POSIX message
                        queue NAME and prints it, followed by a newline. --priority prints its
                        priority and a tab before it. Waits for a message, at most DURATION with
                        --timeout (exit 1 on timeout).
                        """, Set.of("timeout"), Set.of("priority"), MqCommands::receive),
                new Cmd("mq stat", "mq stat NAME", """
                        Prints the queue's attributes as key=value lines: maxMessages,
                        maxMessageSize, messages (queued now).
                        """, Set.of(), Set.of(), MqCommands::stat));
    }

    static int send(Args args, Io io) throws Exception {
        args.expect(2, 2);
        String name = Numbers.posixName(args.get(0));
        byte[] text = args.get(1).getBytes(StandardCharsets.UTF_8);
        long priority = args.longOption("priority", 0);
        if (priority < 0 || priority > PosixMessageQueue.MAX_PRIORITY) {
            throw new UsageException("--priority=" + priority + " must be in 0.." + PosixMessageQueue.MAX_PRIORITY);
        }
        try (PosixMessageQueue q = args.has("create") ? openCreatingIfMissing(name) : PosixMessageQueue.open(name, Access.WRITE_ONLY)) {
            q.send(text, (int) priority);
        }
        return Main.OK;
    }

    /** Opens the queue as it is, or creates it with the system's default sizes if it is missing. */
    private static PosixMessageQueue openCreatingIfMissing(String name) throws Exception {
        try {
            return PosixMessageQueue.open(name, Access.WRITE_ONLY);
        } catch (NoSuchFileException missing) {
            PosixQueueLimits limits = PosixMessageQueue.limits();
            return PosixMessageQueue.openOrCreate(name, limits.defaultMaxMessages(), limits.defaultMaxMessageSize());
        }
    }

    static int receive(Args args, Io io) throws Exception {
        args.expect(1, 1);
        String name = Numbers.posixName(args.get(0));
        Duration timeout = args.duration("timeout");
        PriorityMessage m;
        try (PosixMessageQueue q = PosixMessageQueue.open(name, Access.READ_ONLY)) {
            m = timeout == null ? q.receive() : q.receive(timeout);
        }
        if (m == null) {
            io.err().println("ipc mq recv: no message in " + name + " within " + args.option("timeout"));
            return Main.FAILED;
        }
        if (args.has("priority")) {
            io.out().print(m.priority() + "\t");
        }
        io.out().write(m.data());
        io.out().println();
        return Main.OK;
    }

    static int stat(Args args, Io io) throws Exception {
        args.expect(1, 1);
        String name = Numbers.posixName(args.get(0));
        PosixQueueAttributes a;
        try (PosixMessageQueue q = PosixMessageQueue.open(name, Access.READ_ONLY)) {
            a = q.attributes();
        }
        io.out().println("name=" + name);
        io.out().println("maxMessages=" + a.maxMessages());
        io.out().println("maxMessageSize=" + a.maxMessageSize());
        io.out().println("messages=" + a.currentMessages());
        return Main.OK;
    }
}
