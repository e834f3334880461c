package org.panamaipc.cli;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.panamaipc.shm.MapMode;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.SharedMemory;
import org.panamaipc.shm.ShmStat;

/** {@code ipc shm}: POSIX shared memory from the shell. */
final class ShmCommands {
    private ShmCommands() {
    }

    static List<Command> commands() {
        return List.of(
                new Cmd("shm write", "shm write NAME OFFSET TEXT [--create SIZE]", """
                        Writes TEXT (UTF-8) at byte OFFSET of the POSIX shared memory object NAME.
                        --create SIZE creates the object (mode 0600, SIZE bytes) if it does not exist;
                        an existing one is left as it is and must hold at least SIZE bytes.
                        """, Set.of("create"), Set.of(), ShmCommands::write),
                new Cmd("shm read", "shm read NAME OFFSET LENGTH [--raw|--hex]", """
                        Prints what LENGTH bytes from byte OFFSET of the POSIX shared memory object
                        NAME hold as text: the bytes up to the first NUL byte (what shm write or a C
                        string put there), no newline added. --raw prints all LENGTH bytes exactly as
                        they are, NUL bytes included (for a pipe or a file); --hex prints them as a
                        hex dump, 16 bytes a line: the offset, the bytes in hex, and as text with "."
                        for what is not printable ASCII.
                        """, Set.of(), Set.of("raw", "hex"), ShmCommands::read),
                new Cmd("shm stat", "shm stat NAME", """
                        Prints the object's size, mode (octal, as ipc ls prints it: mode=0600) and
                        owner as key=value lines.
                        """, Set.of(), Set.of(), ShmCommands::stat));
    }

    static int write(Args args, Io io) throws Exception {
        args.expect(3, 3);
        String name = Numbers.posixName(args.get(0));
        long offset = nonNegative("OFFSET", args.get(1));
        byte[] text = args.get(2).getBytes(StandardCharsets.UTF_8);
        try (SharedMemory shm = args.has("create")
                ? SharedMemory.openOrCreate(name, positive("--create", args.option("create")))
                : SharedMemory.open(name)) {
            long size = shm.size();
            if (offset + text.length > size) {
                throw new IllegalArgumentException("offset=" + offset + " length=" + text.length + " size=" + size
                        + ": the text does not fit in " + name);
            }
            if (text.length == 0) {
                return Main.OK;
            }
            try (Mapping m = shm.map(MapMode.READ_WRITE)) {
                MemorySegment.copy(text, 0, m.segment(), ValueLayout.JAVA_BYTE, offset, text.length);
            }
        }
        return Main.OK;
    }

    static int read(Args args, Io io) throws Exception {
        args.expect(3, 3);
        if (args.has("raw") && args.has("hex")) {
            throw new UsageException("--raw and --hex exclude each other");
        }
        String name = Numbers.posixName(args.get(0));
        long offset = nonNegative("OFFSET", args.get(1));
        long length = nonNegative("LENGTH", args.get(2));
        try (SharedMemory shm = SharedMemory.openReadOnly(name)) {
            long size = shm.size();
            if (offset + length > size) {
                throw new IllegalArgumentException("offset=" + offset + " length=" + length + " size=" + size
                        + ": past the end of " + name);
            }
            if (length == 0) {
                return Main.OK;
            }
            byte[] bytes;
            try (Mapping m = shm.map(MapMode.READ_ONLY)) {
                bytes = m.segment().asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
            }
            if (args.has("hex")) {
                io.out().print(hexDump(bytes, offset));
            } else {
                int end = 0;
                while (!args.has("raw") && end < bytes.length && bytes[end] != 0) {
                    end++;
                }
                io.out().write(bytes, 0, args.has("raw") ? bytes.length : end);
            }
            io.out().flush();
        }
        return Main.OK;
    }

    /** Sixteen bytes a line: the offset in hex, the bytes in hex, and the printable ASCII ones. */
    static String hexDump(byte[] bytes, long offset) {
        StringBuilder b = new StringBuilder();
        for (int line = 0; line < bytes.length; line += 16) {
            b.append(String.format("%08x ", offset + line));
            StringBuilder text = new StringBuilder();
            for (int i = line; i < line + 16; i++) {
                if (i < bytes.length) {
                    int v = bytes[i] & 0xff;
                    b.append(String.format(" %02x", v));
                    text.append(v >= 0x20 && v < 0x7f ? (char) v : '.');
                } else {
                    b.append("   ");
                }
            }
            b.append("  ").append(text).append('\n');
        }
        return b.toString();
    }

    static int stat(Args args, Io io) throws Exception {
        args.expect(1, 1);
        String name = Numbers.posixName(args.get(0));
        ShmStat s;
        try (SharedMemory shm = SharedMemory.openReadOnly(name)) {
            s = shm.stat();
        }
        io.out().println("name=" + name);
        io.out().println("size=" + s.size());
        io.out().println("mode=" + String.format("%04o", Modes.mode(s.permissions())));
        io.out().println("uid=" + s.uid());
        io.out().println("gid=" + s.gid());
        return Main.OK;
    }

    static long nonNegative(String what, String text) throws UsageException {
        long v = Numbers.parseLong(what, text);
        if (v < 0) {
            throw new UsageException(what + "=" + v + " must not be negative");
        }
        return v;
    }

    static long positive(String what, String text) throws UsageException {
        long v = Numbers.parseLong(what, text);
        if (v <= 0) {
            throw new UsageException(what + "=" + v + " must be positive");
        }
        return v;
    }
}
