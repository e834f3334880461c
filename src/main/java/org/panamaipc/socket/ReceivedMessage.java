package org.panamaipc.socket;

import java.net.SocketAddress;
import java.util.List;
import java.util.Objects;
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
    // the descriptors: the first alone, the others in an array, so that a message with one
    // costs the message and its OwnedFd; the list of them is made when asked for
    private final OwnedFd first;
    private final OwnedFd[] more;
    private final int descriptorCount;
    private final Credentials credentials;
    private final SocketAddress sender;
    private List<OwnedFd> descriptors;

    /**
     * @param first the first descriptor, or {@code null} for none
     * @param more the second and later ones from index 0 (its first {@code count - 1});
     *        no one else keeps the array
     * @param count how many descriptors
     */
    ReceivedMessage(long length, long capacity, boolean descriptorsTruncated, OwnedFd first, OwnedFd[] more,
                    int count, Credentials credentials, SocketAddress sender) {
        this.length = length;
        this.capacity = capacity;
        this.descriptorsTruncated = descriptorsTruncated;
        this.first = first;
        this.more = more;
        this.descriptorCount = count;
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

    /**
     * The descriptors received (close-on-exec), in the order sent; owned by the caller. The
     * list is made on the first call: {@link #descriptorCount()} and {@link #descriptor(int)}
     * read the same descriptors without it.
     *
     * @return an unmodifiable list of the descriptors
     */
    public List<OwnedFd> descriptors() {
        List<OwnedFd> list = descriptors;
        if (list == null) {
            list = descriptorCount == 0 ? List.of() : new DescriptorList(this);
            descriptors = list;
        }
        return list;
    }

    /** {@return how many descriptors were received} */
    public int descriptorCount() {
        return descriptorCount;
    }

    /**
     * One received descriptor, as {@link #descriptors()}{@code .get(index)} without the list.
     *
     * @param index from 0 to {@link #descriptorCount()} - 1, in the order sent
     * @return the descriptor, owned by the caller
     * @throws IndexOutOfBoundsException if there is no such descriptor
     */
    public OwnedFd descriptor(int index) {
        Objects.checkIndex(index, descriptorCount);
        return index == 0 ? first : more[index - 1];
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
        for (int i = 0; i < descriptorCount; i++) { // by index: no iterator to allocate
            descriptor(i).close();
        }
    }

    @Override
    public String toString() {
        return "ReceivedMessage[length=" + length + (isTruncated() ? ", truncated" : "")
                + ", descriptors=" + descriptorCount + (descriptorsTruncated ? ", descriptorsTruncated" : "")
                + (credentials != null ? ", " + credentials : "") + (sender != null ? ", sender=" + sender : "") + "]";
    }
}
