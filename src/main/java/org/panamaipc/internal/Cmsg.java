package org.panamaipc.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.panamaipc.bindings.cmsghdr;

/**
 * The {@code CMSG_*} macros of {@code <sys/socket.h>}, which jextract cannot translate,
 * written over offsets into a control buffer so that every access stays bounds-checked.
 *
 * <p>Where C returns a {@code struct cmsghdr *}, these return the header's offset in the
 * control buffer, or {@code -1} for C's {@code NULL}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man3/cmsg.3.html">cmsg(3)</a>
 */
public final class Cmsg {
    private static final long ALIGNMENT = Long.BYTES; // sizeof(size_t)
    /** {@code sizeof(struct cmsghdr)}. */
    public static final long HEADER_SIZE = cmsghdr.sizeof();

    private Cmsg() {
    }

    /**
     * {@code CMSG_ALIGN(len)}: rounds up to the alignment of {@code size_t}.
     *
     * @param length a byte count
     * @return the aligned byte count
     */
    public static long align(long length) {
        return (length + ALIGNMENT - 1) & ~(ALIGNMENT - 1);
    }

    /**
     * {@code CMSG_SPACE(len)}: the room one message with {@code length} data bytes takes
     * in a control buffer, padding included.
     *
     * @param length the data bytes
     * @return the bytes to reserve
     */
    public static long space(long length) {
        return align(length) + align(HEADER_SIZE);
    }

    /**
     * {@code CMSG_LEN(len)}: the value of {@code cmsg_len} for {@code length} data bytes.
     *
     * @param length the data bytes
     * @return the value for {@code cmsg_len}
     */
    public static long len(long length) {
        return align(HEADER_SIZE) + length;
    }

    /**
     * {@code CMSG_DATA(cmsg)}: where a message's data starts.
     *
     * @param header the offset of the header
     * @return the offset of its data
     */
    public static long data(long header) {
        return header + HEADER_SIZE;
    }

    /**
     * {@code CMSG_FIRSTHDR(msg)}.
     *
     * @param controlLength {@code msg_controllen}
     * @return 0, or -1 when the buffer cannot hold even one header
     */
    public static long firstHeader(long controlLength) {
        return controlLength >= HEADER_SIZE ? 0 : -1;
    }

    /**
     * {@code CMSG_NXTHDR(msg, cmsg)}: the header after the one at {@code header}, if the
     * current message, padded, and a whole next header fit within the first
     * {@code controlLength} bytes of {@code control}.
     *
     * <p>As in the C library (glibc 2.37, and the 2.36 of Debian 12), the next header's own
     * {@code cmsg_len} is not checked: a truncated last message is still returned, so a
     * reader bounds the data it reads by {@code controlLength}. The last message need not be padded. Lengths
     * are compared without overflow, however large the {@code cmsg_len} in the buffer.
     *
     * @param control the control buffer
     * @param controlLength {@code msg_controllen}, no more than the buffer's size
     * @param header the offset of the current header
     * @return the offset of the next header, or -1
     */
    public static long nextHeader(MemorySegment control, long controlLength, long header) {
        long length = length(control, header);
        if (Long.compareUnsigned(length, HEADER_SIZE) < 0) {
            return -1;
        }
        long remaining = controlLength - header;
        long needed = HEADER_SIZE + padding(length);
        if (Long.compareUnsigned(remaining, needed) < 0
                || Long.compareUnsigned(remaining - needed, length) < 0) {
            return -1;
        }
        return header + align(length);
    }

    // Header fields read and written at their offsets in the control buffer: a slice per header
    // would be allocated on every message wherever the compiler cannot inline the slicing
    // (a process that uses heap and native segments alike makes it polymorphic).

    /**
     * Writes a header at {@code header}: {@code cmsg_len} = {@code CMSG_LEN(dataLength)}, its
     * level and its type.
     *
     * @param control the control buffer
     * @param header the offset of the header
     * @param dataLength the bytes of data that follow the header
     * @param level {@code cmsg_level}
     * @param type {@code cmsg_type}
     */
    public static void writeHeader(MemorySegment control, long header, long dataLength, int level, int type) {
        control.set(cmsghdr.cmsg_len$layout(), header + cmsghdr.cmsg_len$offset(), len(dataLength));
        control.set(cmsghdr.cmsg_level$layout(), header + cmsghdr.cmsg_level$offset(), level);
        control.set(cmsghdr.cmsg_type$layout(), header + cmsghdr.cmsg_type$offset(), type);
    }

    /**
     * {@return the {@code cmsg_len} of the header at {@code header}}
     *
     * @param control the control buffer
     * @param header the offset of the header
     */
    public static long length(MemorySegment control, long header) {
        return control.get(cmsghdr.cmsg_len$layout(), header + cmsghdr.cmsg_len$offset());
    }

    /**
     * {@return the {@code cmsg_level} of the header at {@code header}}
     *
     * @param control the control buffer
     * @param header the offset of the header
     */
    public static int level(MemorySegment control, long header) {
        return control.get(cmsghdr.cmsg_level$layout(), header + cmsghdr.cmsg_level$offset());
    }

    /**
     * {@return the {@code cmsg_type} of the header at {@code header}}
     *
     * @param control the control buffer
     * @param header the offset of the header
     */
    public static int type(MemorySegment control, long header) {
        return control.get(cmsghdr.cmsg_type$layout(), header + cmsghdr.cmsg_type$offset());
    }

    /**
     * Zeroes the first {@code length} bytes of the control buffer, a multiple of 8 (as every
     * {@link #space} is), without slicing it.
     *
     * @param control the control buffer
     * @param length the bytes to clear
     */
    public static void clear(MemorySegment control, long length) {
        for (long i = 0; i < length; i += Long.BYTES) {
            control.set(ValueLayout.JAVA_LONG, i, 0L);
        }
    }

    /**
     * {@code __CMSG_PADDING(len)}.
     *
     * @param length a byte count
     * @return the bytes {@link #align} adds to it
     */
    private static long padding(long length) {
        return (ALIGNMENT - (length & (ALIGNMENT - 1))) & (ALIGNMENT - 1);
    }
}
