package org.panamaipc.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code ipc ls}: every IPC object visible to the user, System V and POSIX, in one table. */
final class ListCommand {
    private ListCommand() {
    }

    static List<Command> commands() {
        return List.of(new Cmd("ls", "ls [--json]", """
                Lists every IPC object visible to you in one table: System V shared memory,
                semaphore sets and message queues (from /proc/sysvipc), POSIX shared memory and
                named semaphores (/dev/shm) and POSIX message queues (/dev/mqueue).

                --json prints {"mqueueMounted": BOOLEAN, "objects": [...]}, one object per
                entry with "kind" (sysv-shm, sysv-sem, sysv-msg, shm, sem, mq), "owner", "uid",
                "mode" ("0600"), and by kind: System V "key" ("0x0000abcd") and "id"; POSIX
                "name" ("/orders"); "bytes" (size, or bytes queued); sysv-shm "attached",
                "creatorPid", "lastPid"; sysv-sem "nsems" and "values" (each semaphore's value,
                null when you may not read them); sem "value" (null when you may not open it);
                sysv-msg "messages", "lastSendPid",
                "lastReceivePid"; channel (a POSIX shared memory object holding a panama-ipc
                channel) "channelKind", "capacity", "bytesUsed", "writerPid", "readerPid",
                "producerPids"; mq "messages", "maxMessages", "maxMessageSize" (null when
                you may not open the queue).
                """, Set.of(), Set.of("json"), ListCommand::list));
    }

    static int list(Args args, Io io) throws Exception {
        args.expect(0, 0);
        List<Map<String, Object>> objects = new IpcObjects().all();
        boolean mounted = IpcObjects.mqueueMounted();
        if (args.has("json")) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("mqueueMounted", mounted);
            doc.put("objects", objects);
            io.out().print(Json.write(doc));
            return Main.OK;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"KIND", "KEY/NAME", "ID", "OWNER", "MODE", "BYTES", "COUNT", "DETAIL"});
        for (Map<String, Object> o : objects) {
            String kind = (String) o.get("kind");
            String count = switch (kind) {
                case "sysv-sem" -> o.get("nsems") + " sems";
                case "sem" -> o.get("value") == null ? "-" : "value " + o.get("value");
                case "sysv-msg", "mq" -> o.get("messages") == null ? "-" : o.get("messages") + " msgs";
                case "sysv-shm" -> o.get("attached") + " attached";
                case "channel" -> o.get("bytesUsed") + " used";
                default -> "";
            };
            String detail = switch (kind) {
                case "sysv-shm" -> "cpid=" + o.get("creatorPid") + " lpid=" + o.get("lastPid");
                case "sysv-msg" -> "lspid=" + o.get("lastSendPid") + " lrpid=" + o.get("lastReceivePid");
                case "sysv-sem" -> o.get("values") == null ? ""
                        : "values=" + String.join(",", ((List<?>) o.get("values")).stream().map(String::valueOf).toList());
                case "channel" -> o.get("channelKind") + " writer=" + o.get("writerPid") + " reader=" + o.get("readerPid");
                case "mq" -> o.get("maxMessages") == null ? "" : "max=" + o.get("maxMessages") + "x" + o.get("maxMessageSize");
                default -> "";
            };
            rows.add(new String[] {
                kind,
                String.valueOf(o.containsKey("key") ? o.get("key") : o.get("name")),
                o.containsKey("id") ? String.valueOf(o.get("id")) : "-",
                String.valueOf(o.get("owner")),
                String.valueOf(o.get("mode")),
                o.get("bytes") == null ? "-" : String.valueOf(o.get("bytes")),
                count,
                detail});
        }
        Table.print(io.out(), rows);
        if (!mounted) {
            io.err().println("note: POSIX message queues are not listed: /dev/mqueue is not mounted"
                    + " (mount it with: sudo mkdir -p /dev/mqueue && sudo mount -t mqueue none /dev/mqueue)");
        }
        return Main.OK;
    }
}
