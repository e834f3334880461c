package org.panamaipc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Lists System V IPC objects (shared memory segments, semaphore sets, message queues) from
 * {@code /proc/sysvipc}, as {@code ipcs} does.
 */
final class SysVObjects {

    /** A kind of object: its file under /proc/sysvipc and the name of its id column. */
    private record Kind(String file, String idColumn) {}

    private static final List<Kind> KINDS = List.of(
            new Kind("shm", "shmid"), new Kind("sem", "semid"), new Kind("msg", "msqid"));

    private SysVObjects() {}

    /**
     * Describes every System V object owned by {@code uid}.
     *
     * @param uid the owner (the {@code uid} column, not the creator)
     * @return one description per object, e.g. {@code System V shm id=5 key=0x0000162e}
     */
    static Set<String> ownedBy(int uid) {
        Set<String> objects = new LinkedHashSet<>();
        for (Kind kind : KINDS) {
            List<String> lines = readLines(Path.of("/proc/sysvipc", kind.file()));
            if (lines.isEmpty()) {
                continue;
            }
            // The column order differs between the three files: find the columns by name.
            List<String> header = List.of(lines.getFirst().trim().split("\\s+"));
            int keyColumn = column(header, "key", kind);
            int idColumn = column(header, kind.idColumn(), kind);
            int uidColumn = column(header, "uid", kind);
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (Long.parseLong(fields[uidColumn]) == Integer.toUnsignedLong(uid)) {
                    objects.add(String.format("System V %s id=%s key=0x%08x",
                            kind.file(), fields[idColumn], Integer.parseInt(fields[keyColumn])));
                }
            }
        }
        return objects;
    }

    private static int column(List<String> header, String name, Kind kind) {
        int index = header.indexOf(name);
        if (index < 0) {
            throw new IllegalStateException("no column " + name + " in /proc/sysvipc/" + kind.file() + ": " + header);
        }
        return index;
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            // A kernel without System V IPC has nothing to leak.
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
