package org.panamaipc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads numbers from {@code /proc}. {@code Files.readString} is not used: it trusts the
 * file's size, which {@code /proc} reports as 0, and on some kernels it returns only the
 * first byte ({@code "1"} for {@code "10"}); a stream read to its end is exact.
 */
public final class ProcFiles {
    private ProcFiles() {
    }

    /**
     * Reads a file of {@code /proc} holding one number.
     *
     * @param file e.g. {@code /proc/sys/fs/pipe-max-size}
     * @return the number
     * @throws IOException if the file cannot be read
     * @throws NumberFormatException if it does not hold one number
     */
    public static long readLong(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        }
    }

    /**
     * Reads one numeric field of {@code /proc/PID/stat} (proc(5) numbers them from 1: 4 is
     * the parent's pid, 22 the start time in clock ticks after boot). The command, field 2,
     * may hold spaces and parentheses, so fields are counted from its last {@code ')'}.
     *
     * @param pid the process
     * @param field the field's number, 3 or more
     * @return the field, or -1 if the process is gone or the file does not hold the field
     */
    public static long statField(long pid, int field) {
        String[] fields = field < 3 ? null : statFields(pid);
        int index = field - 3; // fields[0] is field 3 (state)
        if (fields == null || fields.length <= index) {
            return -1;
        }
        try {
            return Long.parseLong(fields[index].trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Reads {@code /proc/PID/stat} from field 3 (the state: {@code "R"}, {@code "S"},
     * {@code "Z"}, ...) on, as {@link #statField} counts them.
     *
     * @param pid the process
     * @return the fields, element 0 being field 3, or {@code null} if the process is gone
     */
    public static String[] statFields(long pid) {
        if (pid <= 0) {
            return null;
        }
        String s;
        try (InputStream in = Files.newInputStream(Path.of("/proc", Long.toString(pid), "stat"))) {
            s = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException gone) {
            return null; // ENOENT, or ESRCH while reading: the process ended
        }
        int close = s.lastIndexOf(')');
        if (close < 0 || close + 2 > s.length()) {
            return null;
        }
        return s.substring(close + 2).split(" ");
    }
}
