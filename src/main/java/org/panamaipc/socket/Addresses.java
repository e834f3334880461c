package org.panamaipc.socket;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.sockaddr_un;
import org.panamaipc.internal.Check;

/** Converts between socket addresses and {@code struct sockaddr_un}. */
final class Addresses {
    /** {@code offsetof(struct sockaddr_un, sun_path)}. */
    static final int PATH_OFFSET = 2;
    /** The size of {@code sun_path}. */
    static final int PATH_CAPACITY = 108;
    /** The longest path: {@code sun_path} less the terminating NUL. */
    static final int MAX_PATH_BYTES = PATH_CAPACITY - 1;
    /** The address of an unnamed socket, as the JDK reports it. */
    static final UnixDomainSocketAddress UNNAMED = UnixDomainSocketAddress.of("");

    private Addresses() {
    }

    /** The path or abstract name of an address, checked before any native call. */
    static byte[] checkedPath(SocketAddress address) {
        Check.notNull("address", address);
        if (address instanceof UnixDomainSocketAddress u) {
            byte[] path = u.getPath().toString().getBytes(StandardCharsets.UTF_8);
            if (path.length == 0) {
                throw new IllegalArgumentException("address is empty: a socket path must be named");
            }
            if (path.length > MAX_PATH_BYTES) {
                throw new IllegalArgumentException("path length=" + path.length + " exceeds sun_path capacity="
                        + MAX_PATH_BYTES + " bytes (108 with the terminating NUL): " + u.getPath());
            }
            for (byte b : path) {
                if (b == 0) {
                    throw new IllegalArgumentException("path must not contain NUL: " + u.getPath());
                }
            }
            return path;
        }
        if (address instanceof AbstractSocketAddress) {
            return null;
        }
        throw new IllegalArgumentException("address type " + address.getClass().getName()
                + " is not a UnixDomainSocketAddress or an AbstractSocketAddress");
    }

    /**
     * Writes an address into a new {@code struct sockaddr_un}.
     *
     * @return the segment, sized to the address's length ({@code socklen_t})
     */
    static MemorySegment encode(SocketAddress address, SegmentAllocator allocator) {
        MemorySegment sa = allocator.allocate(sockaddr_un.layout());
        return sa.asSlice(0, encode(address, sa));
    }

    /**
     * Writes an address into a {@code struct sockaddr_un}, clearing it first.
     *
     * @return the address's length ({@code socklen_t})
     */
    static int encode(SocketAddress address, MemorySegment sa) {
        byte[] path = checkedPath(address);
        sa.fill((byte) 0);
        sockaddr_un.sun_family(sa, (short) LibC.AF_UNIX());
        if (path != null) {
            MemorySegment.copy(path, 0, sa, ValueLayout.JAVA_BYTE, PATH_OFFSET, path.length);
            return PATH_OFFSET + path.length + 1; // with the NUL
        }
        AbstractSocketAddress a = (AbstractSocketAddress) address;
        for (int i = 0; i < a.length(); i++) {
            sa.set(ValueLayout.JAVA_BYTE, PATH_OFFSET + 1 + i, a.byteAt(i));
        }
        return PATH_OFFSET + 1 + a.length(); // the length delimits the name
    }

    /** Reads the address a call wrote into {@code sa}, {@code length} bytes long. */
    static SocketAddress decode(MemorySegment sa, int length) {
        if (length <= PATH_OFFSET) {
            return UNNAMED;
        }
        int n = Math.min(length, PATH_OFFSET + PATH_CAPACITY) - PATH_OFFSET;
        byte[] bytes = sa.asSlice(PATH_OFFSET, n).toArray(ValueLayout.JAVA_BYTE);
        if (bytes[0] == 0) {
            byte[] name = new byte[n - 1];
            System.arraycopy(bytes, 1, name, 0, n - 1);
            return AbstractSocketAddress.of(name);
        }
        int end = 0;
        while (end < n && bytes[end] != 0) {
            end++;
        }
        return UnixDomainSocketAddress.of(Path.of(new String(bytes, 0, end, StandardCharsets.UTF_8)));
    }

    /** The address as an error message names it. */
    static String describe(SocketAddress address) {
        return address instanceof UnixDomainSocketAddress u ? '"' + u.getPath().toString() + '"' : String.valueOf(address);
    }
}
