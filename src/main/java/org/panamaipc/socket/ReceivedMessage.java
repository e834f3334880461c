package org.panamaipc.socket;

import java.net.SocketAddress;
import java.util.List;
import org.panamaipc.OwnedFd;

/**
 * What {@link UnixSocket#receiveMessage} and {@link UnixSocket#receiveFrom} received besides
 * the data: its real length, whether it was cut short, the descriptors and credentials that
 * came with it, and the sender's address.
 *
 * <p><b>Lifetime.</b> The descriptors are open and belong to the caller, who must close
 * them; {@link #close()} closes every one the caller has not closed or handed on (handing a
 * descriptor to an {@code adopt} method — {@link UnixSocket#adopt(OwnedFd)},
 * {@code PipeSource.adopt}, {@code Memfd.adopt}, {@code EventFd.adopt}, {@code PidFd.adopt},
 * {@code PosixMessageQueue.adopt} — or converting it with {@link OwnedFd#toFileChannel()},
 * {@link OwnedFd#toInputStream()} or {@link OwnedFd#toOutputStream()}, or
 * {@link OwnedFd#detach()}, takes it out of this message's care), so that a
 * try-with-resources block around the message leaks nothing.
 *
 * <p>What each descriptor can become depends on what it refers to:
 * {@link OwnedFd#kind()} tells, and {@link org.panamaipc.DescriptorKind} has the table.
 *
 * <pre>{@code
 * try (ReceivedMessage m = socket.receiveMessage(buffer, 4)) {
 *     for (OwnedFd fd : m.descriptors()) {
 *         switch (fd.kind()) {
 *             case REGULAR_FILE, MEMFD -> files.add(fd.toFileChannel());
 *             case PIPE -> streams.add(fd.toInputStream());
 *             case UNIX_SOCKET -> sockets.add(UnixSocket.adopt(fd));
 *             default -> { } // closed with the message
 *         }
 *     }
 * }
 * }</pre>
 */
public final class ReceivedMessage implements AutoCloseable {
    private final long length;
    private final long capacity;
    private final boolean descriptorsTruncated;
    private final List<OwnedFd> descriptors;
    private final Credentials credentials;
    private final SocketAddress sender;

    ReceivedMessage(long length, long capacity, boolean descriptorsTruncated, List<OwnedFd> descriptors,
                    Credentials credentials, SocketAddress sender) {
        this.length = length;
        this.capacity = capacity;
        this.descriptorsTruncated = descriptorsTruncated;
        this.descriptors = descriptors;
        this.credentials = credentials;
        this.sender = sender;
    }

    /**
     * The length of the data received. For a datagram or seqpacket socket it is the whole
     * message's length, which exceeds the buffer when the message was truncated
     * ({@link #isTruncated()}); for a stream socket it is the bytes read, and -1 at end of
     * stream.
     *
     * @return the length in bytes
     */
    public long length() {
        return length;
    }

    /** {@return the bytes placed in the caller's buffer: the length, at most the buffer's size} */
    public long bytesReceived() {
        return Math.max(0, Math.min(length, capacity));
    }

    /** {@return whether a message was longer than the buffer and its end discarded (MSG_TRUNC)} */
    public boolean isTruncated() {
        return length > capacity;
    }

    /**
     * Whether more descriptors (or credentials) arrived than the receive asked room for
     * (MSG_CTRUNC). The kernel drops what did not fit, and every descriptor that did
     * arrive was closed, so {@link #descriptors()} is then empty and nothing leaks.
     *
     * @return whether the ancillary data was truncated
     */
    public boolean descriptorsTruncated() {
        return descriptorsTruncated;
    }

    /** {@return the descriptors received (close-on-exec), in the order sent; owned by the caller} */
    public List<OwnedFd> descriptors() {
        return descriptors;
    }

    /**
     * The sender's credentials ({@code SCM_CREDENTIALS}), present when the receiving socket
     * has {@link UnixSocketOptions#SO_PASSCRED} set.
     *
     * @return the credentials, or {@code null}
     */
    public Credentials credentials() {
        return credentials;
    }

    /**
     * The sender's address, for a datagram received with {@link UnixSocket#receiveFrom};
     * an unnamed sender is the empty {@link java.net.UnixDomainSocketAddress}.
     *
     * @return the address, or {@code null} when not asked for or not known
     */
    public SocketAddress sender() {
        return sender;
    }

    /** Closes every received descriptor still in this message's care. */
    @Override
    public void close() {
        for (int i = 0; i < descriptors.size(); i++) { // by index: no iterator to allocate
            descriptors.get(i).close();
        }
    }

    @Override
    public String toString() {
        return "ReceivedMessage[length=" + length + (isTruncated() ? ", truncated" : "")
                + ", descriptors=" + descriptors.size() + (descriptorsTruncated ? ", descriptorsTruncated" : "")
                + (credentials != null ? ", " + credentials : "") + (sender != null ? ", sender=" + sender : "") + "]";
    }
}
