package org.panamaipc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.panamaipc.sync.SysVSemaphoreSet;

/**
 * Lists System V IPC objects (shared memory segments, semaphore sets, message queues) from
 * {@code /proc/sysvipc}, as {@code ipcs} does, with the processes the kernel records for
 * each, so that a leak check can tell this run's objects from other programs'.
 */
final class SysVObjects {

    /**
     * A kind of object: its file under /proc/sysvipc, the name of its id column and the
     * columns of the processes the kernel records for it (a semaphore set has none there:
     * its pids are per semaphore, read with {@code semctl(GETPID)}).
     */
    private record Kind(String file, String idColumn, List<String> pidColumns) {}

    private static final List<Kind> KINDS = List.of(
            new Kind("shm", "shmid", List.of("cpid", "lpid")),
            new Kind("sem", "semid", List.of()),
            new Kind("msg", "msqid", List.of("lspid", "lrpid")));

    /**
     * One object.
     *
     * @param kind {@code shm}, {@code sem} or {@code msg}
     * @param id its id
     * @param pids the processes /proc/sysvipc records: creator and last attach/detach of a
     *     segment, last sender and receiver of a queue; 0 where none is recorded
     */
    record SysVObject(String kind, int id, List<Long> pids) {

        /**
         * Tells whether this object is this test run's: one of the processes the kernel
         * records for it is the run's ({@link RunProcesses}), or the kernel records none
         * (a queue nobody has used, a semaphore set nobody has operated on), which could be
         * anybody's and is counted, so that a leak of it is not missed.
         *
         * @return false for an object another program created and used
         */
        boolean ofThisRun() {
            List<Long> recorded = (kind.equals("sem") ? semaphorePids(id) : pids).stream()
                    .filter(pid -> pid != 0)
                    .toList();
            return recorded.isEmpty() || RunProcesses.includesAny(recorded);
        }
    }

    private SysVObjects() {}

    /**
     * Describes every System V object owned by {@code uid}.
     *
     * @param uid the owner (the {@code uid} column, not the creator)
     * @return the objects by their descriptions, e.g. {@code System V shm id=5 key=0x0000162e}
     */
    static Map<String, SysVObject> ownedBy(int uid) {
        Map<String, SysVObject> objects = new LinkedHashMap<>();
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
                    List<Long> pids = new ArrayList<>();
                    for (String pidColumn : kind.pidColumns()) {
                        pids.add(Long.parseLong(fields[column(header, pidColumn, kind)]));
                    }
                    objects.put(String.format("System V %s id=%s key=0x%08x",
                                    kind.file(), fields[idColumn], Integer.parseInt(fields[keyColumn])),
                            new SysVObject(kind.file(), Integer.parseInt(fields[idColumn]), pids));
                }
            }
        }
        return objects;
    }

    /** The last process that operated on each semaphore of a set; empty if the set is gone. */
    private static List<Long> semaphorePids(int id) {
        List<Long> pids = new ArrayList<>();
        try (SysVSemaphoreSet set = SysVSemaphoreSet.openId(id)) {
            for (int i = 0; i < set.size(); i++) {
                pids.add((long) set.lastPid(i));
            }
        } catch (IOException removedMeanwhile) {
            return List.of();
        }
        return pids;
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
