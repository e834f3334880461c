package org.panamaipc.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.mq.PosixQueueAttributes;
import org.panamaipc.sync.NamedSemaphore;
import org.panamaipc.sync.SysVSemaphoreSet;

/**
 * Every IPC object visible to the user, read from {@code /proc/sysvipc/*}, {@code /dev/shm}
 * and {@code /dev/mqueue}. Each object is an ordered map, which is also its JSON form.
 */
final class IpcObjects {
    static final Path SYSVIPC = Path.of("/proc/sysvipc");
    static final Path DEV_SHM = Path.of("/dev/shm");
    static final Path DEV_MQUEUE = Path.of("/dev/mqueue");

    private final Map<Integer, String> users = users();

    /** Whether the mqueue file system is mounted at /dev/mqueue. */
    static boolean mqueueMounted() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[1].equals("/dev/mqueue") && f[2].equals("mqueue")) {
                    return true;
                }
            }
        } catch (IOException e) {
            // cannot tell: say it is not there
        }
        return false;
    }

    List<Map<String, Object>> all() throws IOException {
        List<Map<String, Object>> all = new ArrayList<>();
        all.addAll(sysvShm());
        all.addAll(sysvSem());
        all.addAll(sysvMsg());
        all.addAll(posixShmAndSem());
        all.addAll(posixMq());
        return all;
    }

    private List<Map<String, Object>> sysvShm() throws IOException {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Map<String, String> row : table("shm")) {
            Map<String, Object> o = sysv("sysv-shm", row, "shmid");
            o.put("bytes", Long.parseLong(row.get("size")));
            o.put("attached", Long.parseLong(row.get("nattch")));
            o.put("creatorPid", Long.parseLong(row.get("cpid")));
            o.put("lastPid", Long.parseLong(row.get("lpid")));
            list.add(o);
        }
        return list;
    }

    private List<Map<String, Object>> sysvSem() throws IOException {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Map<String, String> row : table("sem")) {
            Map<String, Object> o = sysv("sysv-sem", row, "semid");
            o.put("nsems", Long.parseLong(row.get("nsems")));
            o.put("values", semaphoreValues(Integer.parseInt(row.get("semid"))));
            list.add(o);
        }
        return list;
    }

    private List<Map<String, Object>> sysvMsg() throws IOException {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Map<String, String> row : table("msg")) {
            Map<String, Object> o = sysv("sysv-msg", row, "msqid");
            o.put("bytes", Long.parseLong(row.get("cbytes")));
            o.put("messages", Long.parseLong(row.get("qnum")));
            o.put("lastSendPid", Long.parseLong(row.get("lspid")));
            o.put("lastReceivePid", Long.parseLong(row.get("lrpid")));
            list.add(o);
        }
        return list;
    }

    private Map<String, Object> sysv(String kind, Map<String, String> row, String idColumn) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("kind", kind);
        o.put("key", String.format("0x%08x", Integer.parseInt(row.get("key"))));
        o.put("id", Long.parseLong(row.get(idColumn)));
        int uid = Integer.parseInt(row.get("uid"));
        o.put("owner", users.getOrDefault(uid, Integer.toString(uid)));
        o.put("uid", uid);
        o.put("mode", String.format("%04o", Integer.parseInt(row.get("perms"), 8) & 0777));
        return o;
    }

    /** The rows of /proc/sysvipc/{@code which}, as column name to value. */
    private static List<Map<String, String>> table(String which) throws IOException {
        Path p = SYSVIPC.resolve(which);
        List<Map<String, String>> rows = new ArrayList<>();
        if (!Files.isReadable(p)) {
            return rows;
        }
        List<String> lines = Files.readAllLines(p);
        if (lines.isEmpty()) {
            return rows;
        }
        String[] header = lines.getFirst().strip().split("\\s+");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.strip().split("\\s+");
            if (f.length < header.length) {
                continue;
            }
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], f[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    private List<Map<String, Object>> posixShmAndSem() throws IOException {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Path p : entries(DEV_SHM)) {
            String file = p.getFileName().toString();
            boolean sem = file.startsWith("sem.");
            String name = "/" + (sem ? file.substring(4) : file);
            Map<String, Object> o = posix(sem ? "sem" : "shm", name, p);
            if (o != null) {
                if (sem) {
                    o.put("value", semaphoreValue(name));
                } else {
                    ChannelCommands.describe(name, p, o);
                }
                list.add(o);
            }
        }
        return list;
    }

    private List<Map<String, Object>> posixMq() throws IOException {
        List<Map<String, Object>> list = new ArrayList<>();
        if (!mqueueMounted()) {
            return list;
        }
        for (Path p : entries(DEV_MQUEUE)) {
            String name = "/" + p.getFileName();
            Map<String, Object> o = posix("mq", name, p);
            if (o == null) {
                continue;
            }
            o.put("bytes", queuedBytes(p));
            PosixQueueAttributes a = attributes(name);
            o.put("messages", a == null ? null : a.currentMessages());
            o.put("maxMessages", a == null ? null : a.maxMessages());
            o.put("maxMessageSize", a == null ? null : a.maxMessageSize());
            list.add(o);
        }
        return list;
    }

    /** The values of a System V semaphore set (semctl GETALL), or null when the user may not read them. */
    private static List<Integer> semaphoreValues(int id) {
        try (SysVSemaphoreSet set = SysVSemaphoreSet.openId(id)) {
            return Arrays.stream(set.values()).boxed().toList();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The value of a POSIX named semaphore (sem_getvalue), or null when the user may not open it. */
    private static Integer semaphoreValue(String name) {
        try (NamedSemaphore s = NamedSemaphore.open(name)) {
            return s.value();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The queue's attributes, or null when the user may not open it. */
    private static PosixQueueAttributes attributes(String name) {
        try (PosixMessageQueue q = PosixMessageQueue.open(name, PosixMessageQueue.Access.READ_ONLY)) {
            return q.attributes();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** QSIZE from the queue's file in /dev/mqueue: the bytes of the messages it holds. */
    private static Long queuedBytes(Path p) {
        try {
            String s = Files.readString(p);
            int i = s.indexOf("QSIZE:");
            if (i < 0) {
                return null;
            }
            int end = i + 6;
            while (end < s.length() && Character.isDigit(s.charAt(end))) {
                end++;
            }
            return Long.parseLong(s.substring(i + 6, end));
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    private Map<String, Object> posix(String kind, String name, Path p) {
        try {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("kind", kind);
            o.put("name", name);
            int uid = (Integer) Files.getAttribute(p, "unix:uid");
            o.put("owner", users.getOrDefault(uid, Integer.toString(uid)));
            o.put("uid", uid);
            int mode = (Integer) Files.getAttribute(p, "unix:mode");
            o.put("mode", String.format("%04o", mode & 0777));
            o.put("bytes", Files.size(p));
            return o;
        } catch (IOException e) {
            return null; // removed meanwhile
        }
    }

    private static List<Path> entries(Path dir) throws IOException {
        List<Path> list = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return list;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(list::add);
        }
        list.sort(null);
        return list;
    }

    private static Map<Integer, String> users() {
        Map<Integer, String> users = new HashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":");
                if (f.length > 2) {
                    try {
                        users.putIfAbsent(Integer.parseInt(f[2]), f[0]);
                    } catch (NumberFormatException e) {
                        // not a passwd line
                    }
                }
            }
        } catch (IOException e) {
            // numbers it is
        }
        return users;
    }
}
