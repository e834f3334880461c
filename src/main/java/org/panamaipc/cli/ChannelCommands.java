package org.panamaipc.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.panamaipc.channel.BroadcastReceiver;
import org.panamaipc.channel.BroadcastTransmitter;
import org.panamaipc.channel.Channel;
import org.panamaipc.channel.ChannelKind;
import org.panamaipc.channel.ChannelMessage;
import org.panamaipc.channel.ChannelReader;
import org.panamaipc.channel.ChannelStatus;
import org.panamaipc.channel.ChannelWriter;

/** {@code ipc channel}: the library's shared-memory channels from the shell. */
final class ChannelCommands {
    /** The channel layout's magic, as the first eight bytes of the object read them. */
    private static final byte[] MAGIC = "PIPCRING".getBytes(StandardCharsets.US_ASCII);
    private static final int DEFAULT_CAPACITY = 64 * 1024;

    private ChannelCommands() {
    }

    static List<Command> commands() {
        return List.of(
                new Cmd("channel create", "channel create NAME [--kind one-to-one|many-to-one|broadcast] [--capacity BYTES]", """
                        Creates the channel NAME in POSIX shared memory (mode 0600): a ring of
                        records of the kind given (default one-to-one) with a data area of BYTES
                        (a power of two from 1024 to 2^30; default 65536). Fails if NAME exists.
                        Remove it with ipc rm NAME.
                        """, Set.of("kind", "capacity"), Set.of(), ChannelCommands::create),
                new Cmd("channel send", "channel send NAME TEXT [--type N] [--timeout DURATION]", """
                        Writes TEXT (UTF-8) as one record of type N (default 1) to the channel
                        NAME, attached as its writer (a one-to-one channel) or as one of its
                        producers (many-to-one), or transmits it (broadcast). Waits while the
                        ring is full, at most DURATION with --timeout (exit 1 on timeout); a
                        broadcast never waits.
                        """, Set.of("type", "timeout"), Set.of(), ChannelCommands::send),
                new Cmd("channel recv", "channel recv NAME [--timeout DURATION] [--type]", """
                        Takes the next record from the channel NAME, attached as its reader, and
                        prints its payload followed by a newline; --type prints the record's type
                        and a tab before it. A broadcast channel is received from its latest
                        record on. Waits for a record, at most DURATION with --timeout (exit 1 on
                        timeout).
                        """, Set.of("timeout"), Set.of("type"), ChannelCommands::receive),
                new Cmd("channel stat", "channel stat NAME", """
                        Prints the channel's state as key=value lines: kind, capacity,
                        maxPayloadLength, bytesUsed, head, tail, writerPid, readerPid,
                        producerPids, dataSleepers, roomSleepers.
                        """, Set.of(), Set.of(), ChannelCommands::stat));
    }

    static int create(Args args, Io io) throws Exception {
        args.expect(1, 1);
        String name = Numbers.posixName(args.get(0));
        ChannelKind kind = kind(args.option("kind"));
        long capacity = args.longOption("capacity", DEFAULT_CAPACITY);
        if (capacity <= 0 || capacity > Integer.MAX_VALUE) {
            throw new UsageException("--capacity=" + capacity + " must be a power of two from 1024 to 2^30");
        }
        try (Channel c = Channel.create(name, kind, (int) capacity)) {
            io.out().println(name + " " + label(c.kind()) + " capacity=" + c.capacity());
        }
        return Main.OK;
    }

    static int send(Args args, Io io) throws Exception {
        args.expect(2, 2);
        String name = Numbers.posixName(args.get(0));
        byte[] text = args.get(1).getBytes(StandardCharsets.UTF_8);
        int type = type(args);
        Duration timeout = args.duration("timeout");
        try (Channel c = Channel.open(name)) {
            if (text.length > c.maxPayloadLength()) {
                throw new UsageException("TEXT is " + text.length + " bytes; the channel takes at most "
                        + c.maxPayloadLength());
            }
            if (c.kind() == ChannelKind.BROADCAST) {
                try (BroadcastTransmitter t = c.transmitter()) {
                    t.transmit(type, text);
                }
                return Main.OK;
            }
            try (ChannelWriter w = c.writer()) {
                if (timeout == null) {
                    w.send(type, text);
                } else if (!w.send(type, java.lang.foreign.MemorySegment.ofArray(text), timeout)) {
                    io.err().println("ipc channel send: " + name + " stayed full for " + args.option("timeout"));
                    return Main.FAILED;
                }
            }
        }
        return Main.OK;
    }

    static int receive(Args args, Io io) throws Exception {
        args.expect(1, 1);
        String name = Numbers.posixName(args.get(0));
        Duration timeout = args.duration("timeout");
        ChannelMessage m;
        try (Channel c = Channel.open(name)) {
            m = c.kind() == ChannelKind.BROADCAST ? broadcast(c, timeout) : one(c, timeout);
        }
        if (m == null) {
            io.err().println("ipc channel recv: no record in " + name + " within " + args.option("timeout"));
            return Main.FAILED;
        }
        if (args.has("type")) {
            io.out().print(m.type() + "\t");
        }
        io.out().write(m.payload());
        io.out().println();
        return Main.OK;
    }

    private static ChannelMessage one(Channel c, Duration timeout) throws IOException {
        try (ChannelReader r = c.reader()) {
            return timeout == null ? r.receive() : r.receive(timeout);
        }
    }

    private static ChannelMessage broadcast(Channel c, Duration timeout) throws IOException {
        ChannelMessage[] got = new ChannelMessage[1];
        try (BroadcastReceiver r = c.receiver()) {
            org.panamaipc.channel.RecordHandler handler = (type, buffer, offset, length) ->
                    got[0] = new ChannelMessage(type, buffer.asSlice(offset, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            if (timeout == null) {
                r.receive(handler);
            } else {
                r.receive(handler, timeout);
            }
        }
        return got[0];
    }

    static int stat(Args args, Io io) throws Exception {
        args.expect(1, 1);
        String name = Numbers.posixName(args.get(0));
        ChannelStatus s;
        try (Channel c = Channel.open(name)) {
            s = c.status();
        }
        io.out().println("name=" + name);
        io.out().println("kind=" + label(s.kind()));
        io.out().println("capacity=" + s.capacity());
        io.out().println("maxPayloadLength=" + s.maxPayloadLength());
        io.out().println("bytesUsed=" + s.bytesUsed());
        io.out().println("head=" + s.head());
        io.out().println("tail=" + s.tail());
        io.out().println("writerPid=" + s.writerPid());
        io.out().println("readerPid=" + s.readerPid());
        io.out().println("producerPids=" + s.producerPids().stream().map(String::valueOf)
                .reduce((a, b) -> a + "," + b).orElse(""));
        io.out().println("dataSleepers=" + s.dataSleepers());
        io.out().println("roomSleepers=" + s.roomSleepers());
        return Main.OK;
    }

    /**
     * Turns a listed POSIX shared memory object that holds a channel into a {@code channel}
     * entry: its kind, capacity, bytes used and the pids of its ends. Objects that are not
     * channels, or that this user may not read, are left as they are.
     */
    static void describe(String name, Path file, Map<String, Object> o) {
        if (!isChannel(file)) {
            return;
        }
        try (Channel c = Channel.open(name)) {
            ChannelStatus s = c.status();
            o.put("kind", "channel");
            o.put("channelKind", label(s.kind()));
            o.put("capacity", s.capacity());
            o.put("bytesUsed", s.bytesUsed());
            o.put("writerPid", s.writerPid());
            o.put("readerPid", s.readerPid());
            o.put("producerPids", s.producerPids());
        } catch (IOException | RuntimeException notReadable) {
            // listed as plain shared memory
        }
    }

    private static boolean isChannel(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(MAGIC.length);
            return java.util.Arrays.equals(head, MAGIC);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static int type(Args args) throws UsageException {
        long type = args.longOption("type", 1);
        if (type < 1 || type > Integer.MAX_VALUE) {
            throw new UsageException("--type=" + type + " must be from 1 to " + Integer.MAX_VALUE);
        }
        return (int) type;
    }

    private static ChannelKind kind(String text) throws UsageException {
        if (text == null) {
            return ChannelKind.ONE_TO_ONE;
        }
        for (ChannelKind k : ChannelKind.values()) {
            if (label(k).equals(text.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new UsageException("--kind=" + text + " must be one-to-one, many-to-one or broadcast");
    }

    static String label(ChannelKind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
