package org.panamaipc.socket;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.SocketCalls;

/**
 * A stream or seqpacket socket listening for connections at an address.
 *
 * <pre>{@code
 * var address = UnixDomainSocketAddress.of("/run/user/1000/orders.sock");
 * try (UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, address);
 *      UnixSocket client = server.accept()) {
 *     ...
 * }   // the socket file is removed when the server closes
 * }</pre>
 *
 * <p>{@link #accept()} waits without limit, {@link #accept(Duration)} at most a given time,
 * {@link #tryAccept()} not at all; {@link #close()} from another thread releases a thread
 * blocked in {@code accept} with {@link java.nio.channels.AsynchronousCloseException}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/listen.2.html">listen(2)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/accept.2.html">accept(2)</a>
 */
public final class UnixServerSocket implements AutoCloseable {
    /** The backlog {@link #create(SocketType, SocketAddress)} asks for; the kernel caps it at {@code somaxconn}. */
    public static final int DEFAULT_BACKLOG = 128;

    private final SocketCore core;

    private UnixServerSocket(SocketCore core) {
        this.core = core;
    }

    /**
     * Binds a new socket to an address and listens; a path's socket file is removed when
     * the server closes. The address must be free: an existing file at the path is
     * {@link AddressInUseException} (remove a stale one first if that is what you mean).
     *
     * @param type {@link SocketType#STREAM} or {@link SocketType#SEQPACKET}
     * @param address a {@link java.net.UnixDomainSocketAddress} or an {@link AbstractSocketAddress}
     * @return the listening socket
     * @throws AddressInUseException if the address is taken (EADDRINUSE)
     * @throws java.nio.file.NoSuchFileException if the path's directory does not exist (ENOENT)
     * @throws java.nio.file.AccessDeniedException if the directory may not be written (EACCES)
     * @throws IllegalArgumentException for a datagram type, or a path longer than
     *         {@code sun_path} (107 bytes)
     * @throws IOException if {@code bind(2)} or {@code listen(2)} fails otherwise
     * @see <a href="https://man7.org/linux/man-pages/man2/bind.2.html">bind(2)</a>
     */
    public static UnixServerSocket create(SocketType type, SocketAddress address) throws IOException {
        return create(type, address, DEFAULT_BACKLOG, true);
    }

    /**
     * Binds a new socket to an address and listens.
     *
     * @param type {@link SocketType#STREAM} or {@link SocketType#SEQPACKET}
     * @param address a {@link java.net.UnixDomainSocketAddress} or an {@link AbstractSocketAddress}
     * @param backlog the longest queue of connections not yet accepted (positive)
     * @param unlinkOnClose whether {@link #close()} removes a path's socket file
     * @return the listening socket
     * @throws AddressInUseException if the address is taken (EADDRINUSE)
     * @throws java.nio.file.NoSuchFileException if the path's directory does not exist (ENOENT)
     * @throws java.nio.file.AccessDeniedException if the directory may not be written (EACCES)
     * @throws IllegalArgumentException for a datagram type, a backlog that is not positive,
     *         or a path longer than {@code sun_path} (107 bytes)
     * @throws IOException if {@code bind(2)} or {@code listen(2)} fails otherwise
     * @see <a href="https://man7.org/linux/man-pages/man2/bind.2.html">bind(2)</a>
     */
    public static UnixServerSocket create(SocketType type, SocketAddress address, int backlog,
                                          boolean unlinkOnClose) throws IOException {
        Check.notNull("type", type);
        if (!type.isConnectionOriented()) {
            throw new IllegalArgumentException("type=" + type + " cannot listen; bind a datagram socket with UnixSocket.bind");
        }
        Check.positive("backlog", backlog);
        Addresses.checkedPath(address);
        SocketCore core = new SocketCore(SocketCore.open(type, true), type, false);
        try {
            UnixSocket.bindTo(core, address, unlinkOnClose);
            int n = core.acquire();
            try {
                int r = SocketCalls.listen(n, backlog);
                if (r < 0) {
                    throw Errors.of("listen", "fd=" + n + ", backlog=" + backlog, -r);
                }
            } finally {
                core.release();
            }
            return new UnixServerSocket(core);
        } catch (Throwable t) {
            core.close();
            throw t;
        }
    }

    /** {@return the type of the connections this socket accepts} */
    public SocketType type() {
        return core.type;
    }

    /**
     * Waits for a connection and accepts it.
     *
     * @return the connected socket (blocking, close-on-exec)
     * @throws java.nio.channels.ClosedChannelException if this socket is closed
     * @throws java.nio.channels.AsynchronousCloseException if another thread closed it meanwhile
     * @throws IOException if {@code accept4(2)} fails (EMFILE, ENFILE, ECONNABORTED)
     * @see <a href="https://man7.org/linux/man-pages/man2/accept.2.html">accept(2)</a>
     */
    public UnixSocket accept() throws IOException {
        return accept(SocketCore.FOREVER);
    }

    /**
     * Waits at most {@code timeout} for a connection.
     *
     * @param timeout the longest wait; zero tries once
     * @return the connected socket, or {@code null} if none came in time
     * @throws java.nio.channels.ClosedChannelException if this socket is closed
     * @throws java.nio.channels.AsynchronousCloseException if another thread closed it meanwhile
     * @throws IOException if {@code accept4(2)} fails
     */
    public UnixSocket accept(Duration timeout) throws IOException {
        long nanos;
        try {
            nanos = Check.timeout(timeout).toNanos();
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE;
        }
        return accept(nanos);
    }

    /**
     * Accepts a connection if one is waiting.
     *
     * @return the connected socket, or {@code null}
     * @throws java.nio.channels.ClosedChannelException if this socket is closed
     * @throws IOException if {@code accept4(2)} fails
     */
    public UnixSocket tryAccept() throws IOException {
        return accept(0L);
    }

    private UnixSocket accept(long timeoutNanos) throws IOException {
        long r = core.io(SocketCalls.OP_ACCEPT, java.lang.foreign.MemorySegment.NULL, 0, LibC.SOCK_CLOEXEC(),
                SocketCore.POLLIN, timeoutNanos, true);
        if (r == SocketCore.AGAIN) {
            return null;
        }
        if (r < 0) {
            throw Errors.of("accept4", "fd=" + core.number, (int) -r);
        }
        return new UnixSocket(OwnedFd.adopt((int) r), core.type, true);
    }

    /**
     * The address this socket listens at.
     *
     * @return the address
     * @throws IOException if {@code getsockname(2)} fails
     */
    public SocketAddress localAddress() throws IOException {
        return core.address(false);
    }

    /** {@return whether the socket is open} */
    public boolean isOpen() {
        return core.isOpen();
    }

    /**
     * Stops listening and closes the socket, once; a thread blocked in {@code accept} is
     * released, and a path's socket file is removed if asked at creation.
     */
    @Override
    public void close() {
        core.close();
    }

    @Override
    public String toString() {
        return "UnixServerSocket[" + core.type + ", fd=" + core.number + "]";
    }
}
