package org.panamaipc.socket;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Names;

/**
 * An address in Linux's abstract socket namespace: a name that is no file, so nothing is
 * left behind when the socket closes, and which disappears with the last socket bound to it.
 *
 * <p>In {@code struct sockaddr_un} the name follows a leading NUL byte and may itself hold
 * any bytes, NUL included; its length is part of the address. It holds at most
 * {@value #MAX_LENGTH} bytes. Path addresses are the JDK's
 * {@link java.net.UnixDomainSocketAddress}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/unix.7.html">unix(7), "Abstract sockets"</a>
 */
public final class AbstractSocketAddress extends SocketAddress {
    private static final long serialVersionUID = 1L;

    /** The longest name: {@code sun_path} holds 108 bytes, one of them the leading NUL. */
    public static final int MAX_LENGTH = 107;

    /** The name, without the leading NUL byte. */
    private final byte[] name;

    private AbstractSocketAddress(byte[] name) {
        this.name = name;
    }

    /**
     * The address with this name, encoded as UTF-8.
     *
     * @param name the name, without the leading NUL
     * @return the address
     * @throws IllegalArgumentException if the name takes more than {@value #MAX_LENGTH} bytes, or
     *         holds an unpaired surrogate (which has no UTF-8 encoding)
     */
    public static AbstractSocketAddress of(String name) {
        return of(Check.encodable("name", name).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The address with this name.
     *
     * @param name the name's bytes, without the leading NUL
     * @return the address
     * @throws IllegalArgumentException if the name is longer than {@value #MAX_LENGTH} bytes
     */
    public static AbstractSocketAddress of(byte[] name) {
        Check.notNull("name", name);
        if (name.length > MAX_LENGTH) {
            throw new IllegalArgumentException("abstract name length=" + name.length
                    + " exceeds sun_path capacity=" + MAX_LENGTH + " bytes");
        }
        return new AbstractSocketAddress(name.clone());
    }

    /**
     * An address no other socket has: the prefix, a dash and 16 random hexadecimal digits,
     * e.g. {@code @orders-3f9c0a1b2c3d4e5f}.
     *
     * @param prefix letters, digits, {@code -_.} only, 1 to 90 characters
     * @return the address
     * @throws IllegalArgumentException if the prefix is empty, too long or holds other characters
     */
    public static AbstractSocketAddress unique(String prefix) {
        Check.notNull("prefix", prefix);
        if (prefix.length() > MAX_LENGTH - 17) {
            throw new IllegalArgumentException("prefix length=" + prefix.length() + " exceeds " + (MAX_LENGTH - 17)
                    + ": the name takes 17 characters more");
        }
        return of(Names.unique(prefix));
    }

    /** {@return a copy of the name's bytes, without the leading NUL} */
    public byte[] name() {
        return name.clone();
    }

    int length() {
        return name.length;
    }

    byte byteAt(int i) {
        return name[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AbstractSocketAddress a && Arrays.equals(name, a.name);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(name);
    }

    /** {@return the name as {@code ss} and {@code netstat} print it: {@code @} then the name} */
    @Override
    public String toString() {
        return "@" + new String(name, StandardCharsets.UTF_8);
    }
}
