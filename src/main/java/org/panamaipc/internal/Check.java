package org.panamaipc.internal;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Argument checks made before any native call. Messages use {@code key=value}, e.g.
 * {@code size=-1 must be positive}.
 */
public final class Check {
    /** The longest file name, in bytes ({@code NAME_MAX} of {@code <limits.h>}). */
    private static final int NAME_MAX = 255;

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
     * Requires a native segment: memory on the Java heap has no fixed address that the kernel
     * or another process could share, and the JDK refuses it to a native call only later,
     * naming neither the call nor the object.
     *
     * @param name the parameter's name
     * @param segment the argument
     * @param use what needs it native, for the message, e.g. {@code "a futex"}
     * @return the argument
     */
    public static MemorySegment nativeSegment(String name, MemorySegment segment, String use) {
        notNull(name, segment);
        if (!segment.isNative()) {
            throw new IllegalArgumentException(name + "=" + segment + " is on the Java heap: " + use
                    + " needs shared native memory (a mapping)");
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
        return posixName(name, NAME_MAX);
    }

    /**
     * Requires a POSIX IPC object name of at most {@code maxBytes} bytes after the slash, as
     * {@link #posixName(String)}: named semaphores lose 4 of NAME_MAX to the {@code sem.}
     * that {@code sem_open} puts in front.
     *
     * @param name the argument
     * @param maxBytes the longest name without its slash, in bytes of UTF-8
     * @return the argument
     */
    public static String posixName(String name, int maxBytes) {
        encodable("name", name);
        if (name.length() < 2 || name.charAt(0) != '/') {
            throw new IllegalArgumentException("name=\"" + name + "\" must be a slash followed by at least one character");
        }
        if (name.indexOf('/', 1) >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("name=\"" + name + "\" may contain no slash after the first and no NUL");
        }
        // NAME_MAX (255) counts the name without its leading slash, in bytes.
        int bytes = name.substring(1).getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxBytes) {
            throw new IllegalArgumentException("name length=" + bytes + " exceeds "
                    + (maxBytes == NAME_MAX ? "NAME_MAX=" : "the limit of ") + maxBytes + " bytes");
        }
        return name;
    }

    /**
     * Requires a string that UTF-8 encodes as it is: no unpaired surrogate, which the JDK's
     * encoder would silently turn into {@code ?} and so name another object than the one the
     * caller named. Every name, path and text handed to the kernel as a C string passes here.
     *
     * @param name the parameter's name
     * @param value the argument
     * @return the argument
     */
    public static String encodable(String name, String value) {
        notNull(name, value);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(name + "=\"" + escaped(value) + "\" holds an unpaired surrogate"
                        + " at index=" + i + ": it has no UTF-8 encoding");
            }
        }
        return value;
    }

    /** {@return the string with every surrogate and control character written as a Java escape} */
    private static String escaped(String value) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        value.chars().forEach(c -> {
            if (Character.isSurrogate((char) c) || Character.isISOControl(c)) {
                out.append(String.format("\\u%04X", c));
            } else {
                out.append((char) c);
            }
        });
        return out.toString();
    }
}
