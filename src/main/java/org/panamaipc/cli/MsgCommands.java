package org.panamaipc.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.panamaipc.SysVKey;
import org.panamaipc.mq.SysVMessageQueue;
import org.panamaipc.mq.TypeFilter;
import org.panamaipc.mq.TypedMessage;

/** {@code ipc msg}: System V message queues from the shell. */
final class MsgCommands {
    private MsgCommands() {
    }

    static List<Command> commands() {
        return List.of(
                new Cmd("msg send", "msg send KEY TYPE TEXT [--create]", """
                        Sends TEXT (UTF-8) with message type TYPE (a positive number) to the System V
                        message queue with key KEY (decimal or 0x-hex). --create creates the queue
                        (mode 0600) if no queue has that key. Blocks while the queue is full.
                        """, Set.of(), Set.of("create"), MsgCommands::send),
                new Cmd("msg recv", "msg recv KEY [--type T] [--timeout DURATION]", """
                        Receives the first message (of type T with --type) from the System V message
                        queue with key KEY and prints it, followed by a newline. Waits for one, at
                        most DURATION with --timeout (exit 1 on timeout).
                        """, Set.of("type", "timeout"), Set.of(), MsgCommands::receive));
    }

    static int send(Args args, Io io) throws Exception {
        args.expect(3, 3);
        SysVKey key = SysVKey.of(Numbers.parseKey(args.get(0)));
        long type = Numbers.parseLong("TYPE", args.get(1));
        if (type <= 0) {
            throw new UsageException("TYPE=" + type + " must be positive");
        }
        byte[] text = args.get(2).getBytes(StandardCharsets.UTF_8);
        try (SysVMessageQueue q = args.has("create") ? SysVMessageQueue.openOrCreate(key) : SysVMessageQueue.open(key)) {
            q.send(type, text);
        }
        return Main.OK;
    }

    static int receive(Args args, Io io) throws Exception {
        args.expect(1, 1);
        SysVKey key = SysVKey.of(Numbers.parseKey(args.get(0)));
        TypeFilter filter = args.has("type") ? TypeFilter.exactly(args.longOption("type", 0)) : TypeFilter.any();
        Duration timeout = args.duration("timeout");
        TypedMessage m;
        try (SysVMessageQueue q = SysVMessageQueue.open(key)) {
            m = timeout == null ? q.receive(filter) : q.receive(filter, timeout);
        }
        if (m == null) {
            io.err().println("ipc msg recv: no message in key " + args.get(0) + " within " + args.option("timeout"));
            return Main.FAILED;
        }
        io.out().write(m.data());
        io.out().println();
        return Main.OK;
    }
}
