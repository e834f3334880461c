package org.panamaipc.mq;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.panamaipc.SysVKey;
import org.panamaipc.testing.Peer;

/**
 * The peer JVM of {@link PeerJvmTest}. Modes:
 *
 * <ul>
 * <li>{@code posix IN OUT COUNT}: receives COUNT checked messages from queue IN while
 *     sending COUNT to queue OUT (priority = channel), prints {@code RECEIVED OK} or
 *     {@code FAIL ...} and {@code SENT}.
 * <li>{@code sysv IN_ID OUT_ID COUNT}: the same over System V queues (type = channel + 1).
 * <li>{@code posix-burst NAME}: fills queue NAME with messages of mixed priorities
 *     (text {@code priority:index}), prints {@code FILLED}.
 * <li>{@code limits PREFIX}: creates queues named PREFIX-N of the largest size until one
 *     fails, then queues of one byte until one fails, printing for each failure
 *     {@code <exception class> <limit> <value> <errno>} and then its message; removes them.
 *     Run it alone in an IPC namespace of its own with a low RLIMIT_MSGQUEUE, so that
 *     exhausting the limits disturbs no one else.
 * <li>{@code limits-fds PREFIX}: creates queues of one byte until one fails, as above; run
 *     with a low RLIMIT_NOFILE, the descriptors run out first.
 * <li>{@code try-open NAME KEY}: opens POSIX queue NAME read-only and System V queue KEY, printing
 *     {@code posix OK} or {@code posix <exception class>: <message>}, then the same for
 *     {@code sysv}.
 * <li>{@code receive-one posix NAME} / {@code receive-one sysv KEY}: opens the existing queue,
 *     receives one message and prints {@code got TEXT}.
 * </ul>
 */
public final class MqPeerMain {
    private MqPeerMain() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "posix" -> posix(args[1], args[2], Long.parseLong(args[3]));
            case "sysv" -> sysv(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]));
            case "posix-burst" -> burst(args[1]);
            case "try-open" -> tryOpen(args[1], Integer.parseInt(args[2]));
            case "limits" -> limits(args[1]);
            case "receive-one" -> receiveOne(args[1], args[2]);
            case "limits-fds" -> {
                // Out of descriptors, a class not yet loaded from a class-path directory cannot
                // be read: load every class of the library first.
                preloadLibrary();
                exhaust(args[1], 1, 1, 100_000);
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void posix(String in, String out, long count) throws Exception {
        try (PosixMessageQueue rx = PosixMessageQueue.open(in, PosixMessageQueue.Access.READ_ONLY);
             PosixMessageQueue tx = PosixMessageQueue.open(out, PosixMessageQueue.Access.WRITE_ONLY)) {
            Thread sender = Thread.ofPlatform().start(() -> {
                try {
                    MemorySegment m = Arena.ofAuto().allocate(MessageStream.SIZE);
                    for (long seq = 0; seq < count; seq++) {
                        int channel = MessageStream.channelOf(seq);
                        MessageStream.write(m, seq, channel);
                        tx.send(m, channel);
                    }
                    Peer.println("SENT");
                } catch (Exception e) {
                    Peer.println("FAIL send " + e);
                }
            });
            PosixMessage m = PosixMessage.allocate(Arena.ofAuto(), rx.maxMessageSize());
            MessageStream.Checker checker = new MessageStream.Checker(count);
            String error = null;
            for (long i = 0; i < count && error == null; i++) {
                rx.receive(m);
                error = checker.check(m.buffer(), m.length(), m.priority());
            }
            if (error == null) {
                error = checker.complete();
            }
            Peer.println(error == null ? "RECEIVED OK" : "FAIL " + error);
            sender.join();
        }
    }

    private static void sysv(int in, int out, long count) throws Exception {
        try (SysVMessageQueue rx = SysVMessageQueue.openId(in); SysVMessageQueue tx = SysVMessageQueue.openId(out)) {
            Thread sender = Thread.ofPlatform().start(() -> {
                try {
                    SysVMessage m = SysVMessage.allocate(Arena.ofAuto(), MessageStream.SIZE);
                    m.length(MessageStream.SIZE);
                    for (long seq = 0; seq < count; seq++) {
                        int channel = MessageStream.channelOf(seq);
                        MessageStream.write(m.text(), seq, channel);
                        tx.send(m.type(channel + 1));
                    }
                    Peer.println("SENT");
                } catch (Exception e) {
                    Peer.println("FAIL send " + e);
                }
            });
            SysVMessage m = SysVMessage.allocate(Arena.ofAuto(), MessageStream.SIZE);
            MessageStream.Checker checker = new MessageStream.Checker(count);
            String error = null;
            TypeFilter any = TypeFilter.any();
            for (long i = 0; i < count && error == null; i++) {
                rx.receive(m, any);
                error = checker.check(m.text(), m.length(), (int) m.type() - 1);
            }
            if (error == null) {
                error = checker.complete();
            }
            Peer.println(error == null ? "RECEIVED OK" : "FAIL " + error);
            sender.join();
        }
    }

    private static void preloadLibrary() throws Exception {
        ClassLoader loader = MqPeerMain.class.getClassLoader();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            java.nio.file.Path root = java.nio.file.Path.of(entry);
            java.nio.file.Path library = root.resolve("org/panamaipc");
            if (!java.nio.file.Files.isDirectory(library)) {
                continue;
            }
            try (var files = java.nio.file.Files.walk(library)) {
                for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files::iterator) {
                    String rel = root.relativize(f).toString();
                    if (rel.endsWith(".class") && !rel.contains("module-info")) {
                        try {
                            Class.forName(rel.substring(0, rel.length() - 6).replace('/', '.'), false, loader);
                        } catch (LinkageError | ClassNotFoundException testOnly) {
                            // test classes that need JUnit, absent in a peer
                        }
                    }
                }
            }
        }
    }

    private static void limits(String prefix) throws Exception {
        PosixQueueLimits limits = PosixMessageQueue.limits();
        exhaust(prefix + "-big", limits.maxMessages(), limits.maxMessageSize(), 1000);
        exhaust(prefix + "-small", 1, 1, limits.maxQueues() + 10);
    }

    private static void exhaust(String prefix, long maxMessages, long maxMessageSize, long most) throws Exception {
        java.util.List<PosixMessageQueue> made = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < most; i++) {
                try {
                    made.add(PosixMessageQueue.create(prefix + "-" + i, maxMessages, maxMessageSize));
                } catch (QueueLimitException e) {
                    Peer.println(e.getClass().getSimpleName() + " " + e.limit() + " " + e.value() + " " + e.errno().name());
                    Peer.println(e.getMessage());
                    return;
                }
            }
            Peer.println("NO LIMIT after " + most);
        } finally {
            for (PosixMessageQueue q : made) {
                q.close();
                PosixMessageQueue.unlink(q.name());
            }
        }
    }

    private static void tryOpen(String name, int key) {
        try (PosixMessageQueue q = PosixMessageQueue.open(name, PosixMessageQueue.Access.READ_ONLY)) {
            Peer.println("posix OK");
        } catch (Exception e) {
            Peer.println("posix " + e.getClass().getName() + ": " + e.getMessage());
        }
        try (SysVMessageQueue q = SysVMessageQueue.open(SysVKey.of(key))) {
            q.send(1, new byte[1]);
            Peer.println("sysv OK");
        } catch (Exception e) {
            Peer.println("sysv " + e.getClass().getName() + ": " + e.getMessage());
        }
    }

    private static void burst(String name) throws Exception {
        int[] priorities = {2, 7, 0, 7, 31000, 2, 5, 0, 5, 7};
        try (PosixMessageQueue q = PosixMessageQueue.open(name, PosixMessageQueue.Access.WRITE_ONLY)) {
            for (int i = 0; i < priorities.length; i++) {
                q.send((priorities[i] + ":" + i).getBytes(StandardCharsets.UTF_8), priorities[i]);
            }
        }
        Peer.println("FILLED");
        Peer.readLine(); // hold the queue open until the test is done
    }

    private static void receiveOne(String kind, String object) throws Exception {
        byte[] data;
        if (kind.equals("posix")) {
            try (PosixMessageQueue q = PosixMessageQueue.open(object, PosixMessageQueue.Access.READ_ONLY)) {
                data = q.receive().data();
            }
        } else {
            try (SysVMessageQueue q = SysVMessageQueue.open(SysVKey.of(Integer.parseInt(object)))) {
                data = q.receive(TypeFilter.any()).data();
            }
        }
        Peer.println("got " + new String(data, StandardCharsets.UTF_8));
    }
}
