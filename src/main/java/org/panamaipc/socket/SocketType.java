package org.panamaipc.socket;

import java.util.function.IntSupplier;
import org.panamaipc.bindings.LibC;

/**
 * The kinds of Unix domain socket.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/unix.7.html">unix(7)</a>
 */
public enum SocketType {
    /** {@code SOCK_STREAM}: a connected byte stream with no message boundaries. */
    STREAM(LibC::SOCK_STREAM),
    /**
     * {@code SOCK_DGRAM}: messages with their boundaries kept, sent to an address or over a
     * connection; reliable and ordered on Unix domain sockets.
     */
    DATAGRAM(LibC::SOCK_DGRAM),
    /** {@code SOCK_SEQPACKET}: a connection carrying messages with their boundaries kept. */
    SEQPACKET(LibC::SOCK_SEQPACKET);

    // Read when used, so that naming a constant touches no C library value before the native
    // access check.
    private final IntSupplier value;

    SocketType(IntSupplier value) {
        this.value = value;
    }

    int value() {
        return value.getAsInt();
    }

    /** {@return whether messages keep their boundaries (every type but {@link #STREAM})} */
    public boolean keepsBoundaries() {
        return this != STREAM;
    }

    /** {@return whether a server socket of this type can listen for connections} */
    public boolean isConnectionOriented() {
        return this != DATAGRAM;
    }

    static SocketType of(int value) {
        for (SocketType t : values()) {
            if (t.value() == value) {
                return t;
            }
        }
        throw new IllegalArgumentException("socket type=" + value + " is not a stream, datagram or seqpacket socket");
    }
}
