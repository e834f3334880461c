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
                new Cmd("shm read", "shm read NAME OFFSET LENGTH", """
                        Prints LENGTH bytes from byte OFFSET of the POSIX shared memory object NAME,
                        exactly as they are (no newline is added).
                        """, Set.of(), Set.of(), ShmCommands::read),
                new Cmd("shm stat", "shm stat NAME", """
                        Prints the object's size, mode and owner as key=value lines.
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
            try (Mapping m = shm.map(MapMode.READ_ONLY)) {
                io.out().write(m.segment().asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
                io.out().flush();
            }
        }
        return Main.OK;
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
        io.out().println("mode=" + java.nio.file.attribute.PosixFilePermissions.toString(s.permissions()));
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
