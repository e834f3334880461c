package org.panamaipc.internal;

import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * Argument checks made before any native call. Messages use {@code key=value}, e.g.
 * {@code size=-1 must be positive}.
 */
public final class Check {
    private Check() {
    }

    /**
     * Requires a non-null argument.
     *
     * @param <T> the argument's type
     * @param name the parameter's name
     * @param value the argument
     * @return the argument
     */
    public static <T> T notNull(String name, T value) {
        // No message supplier: a capturing lambda is allocated on every call wherever the JIT
        // does not inline this method, and hot paths call it.
        if (value == null) {
            throw new NullPointerException(name + " must not be null");
        }
        return value;
    }

    /**
     * Requires a process id the kernel can name: {@code 0 < pid <= Integer.MAX_VALUE}.
     *
     * @param pid the argument
     * @return the pid as an {@code int}
     */
    public static int pid(long pid) {
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pid=" + pid + " must be a positive process id");
        }
        return (int) pid;
    }

    /**
     * Requires {@code value > 0}.
     *
     * @param name the parameter's name
     * @param value the argument
     * @return the argument
     */
    public static long positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + "=" + value + " must be positive");
        }
        return value;
    }

    /**
     * Requires {@code value >= 0}.
     *
     * @param name the parameter's name
     * @param value the argument
     * @return the argument
     */
    public static long notNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + "=" + value + " must not be negative");
        }
        return value;
    }

    /**
     * Requires a timeout that is neither null nor negative.
     *
     * @param timeout the argument
     * @return the argument
     */
    public static Duration timeout(Duration timeout) {
        notNull("timeout", timeout);
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout=" + timeout + " must not be negative");
        }
        return timeout;
    }

    /**
     * Requires {@code [offset, offset + length)} to lie within a segment.
     *
     * @param segment the segment
     * @param offset the start of the range
     * @param length the length of the range
     */
    public static void range(MemorySegment segment, long offset, long length) {
        notNull("segment", segment);
        if (offset < 0 || length < 0 || offset > segment.byteSize() - length) {
            throw new IndexOutOfBoundsException("offset=" + offset + " length=" + length
                    + " capacity=" + segment.byteSize());
        }
    }

    /**
     * Requires a segment the call may write into: the kernel ignores the Java view's read-only
     * flag, so a read, receive or copy into a {@linkplain MemorySegment#asReadOnly() read-only}
     * segment is refused here, before the native call.
     *
     * @param name the parameter's name
     * @param segment the argument, not null
     * @return the argument
     * @throws IllegalArgumentException if the segment is read-only
     */
    public static MemorySegment writable(String name, MemorySegment segment) {
        notNull(name, segment);
        if (segment.isReadOnly()) {
            throw new IllegalArgumentException(name + " is read-only: the call writes into it");
        }
        return segment;
    }

    /**
     * Requires a POSIX IPC object name: a leading slash followed by 1 to 255 bytes (NAME_MAX),
     * none of them a slash or NUL (the form {@code shm_open}, {@code mq_open} and
     * {@code sem_open} accept portably).
     *
     * @param name the argument
     * @return the argument
     */
    public static String posixName(String name) {
        notNull("name", name);
        if (name.length() < 2 || name.charAt(0) != '/') {
            throw new IllegalArgumentException("name=\"" + name + "\" must be a slash followed by at least one character");
        }
        if (name.indexOf('/', 1) >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("name=\"" + name + "\" may contain no slash after the first and no NUL");
        }
        // NAME_MAX (255) counts the name without its leading slash, in bytes.
        int bytes = name.substring(1).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > 255) {
            throw new IllegalArgumentException("name length=" + bytes + " exceeds NAME_MAX=255");
        }
        return name;
    }
}
