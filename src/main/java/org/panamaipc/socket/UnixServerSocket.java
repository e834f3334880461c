package org.panamaipc.socket;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.panamaipc.Interest;
import org.panamaipc.OwnedFd;
import org.panamaipc.Waitable;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Blocker.Timing;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.Modes;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.SocketCalls;

/**
 * A stream or seqpacket socket listening for connections at an address.
 *
 * <pre>{@code
 * var address = UnixDomainSocketAddress.of("/run/user/1000/orders.sock");
 * try (UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, address).unlinkOnClose();
 *      UnixSocket client = server.accept()) {
 *     ...
 * }   // the socket file is removed when the server closes
 * }</pre>
 *
 * <p>{@link #accept()} waits without limit, {@link #accept(Duration)} at most a given time
 * ({@code null} if no one connected), {@link #tryAccept()} not at all. {@link #close()} from
 * another thread releases every thread blocked in {@code accept} with
 * {@link AsynchronousCloseException}; after close, every method but {@link #close()} and
 * {@link #isOpen()} throws {@link IllegalStateException}. A listening socket is no channel:
 * {@link Thread#interrupt()} of a thread blocked in {@code accept} ends the wait with
 * {@link InterruptedIOException} and leaves the socket open and listening, the thread's
 * interrupt status set; a client connecting afterwards is accepted by the next
 * {@code accept}.
 *
 * <p>The socket starts in blocking mode, so that {@link #accept()} on a platform thread is the
 * one blocking {@code accept4} C makes. {@code accept4} has no form that does not wait, so the
 * first {@link #tryAccept()}, {@link #accept(Duration)} or {@code accept()} on a virtual thread
 * makes the socket non-blocking, once (as the JDK's channels do for virtual threads); untimed
 * accepts then wait in {@code poll} first.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/listen.2.html">listen(2)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/accept.2.html">accept(2)</a>
 */
public final class UnixServerSocket implements AutoCloseable, Waitable {
    private static final Set<Interest> OFFERS = Collections.unmodifiableSet(EnumSet.of(Interest.ACCEPTABLE));

    /** The backlog {@link #create(SocketType, SocketAddress)} asks for; the kernel caps it at {@code somaxconn}. */
    public static final int DEFAULT_BACKLOG = 128;

    /** The C library's values, read only once native access was checked ({@link NativeAccess}). */
    private static final class Native {
        static final int SOCK_CLOEXEC = LibC.SOCK_CLOEXEC();
    }


    private final SocketCore core;
    /** Whether this object made the socket non-blocking: accept4 then never sleeps. */
    private volatile boolean nonBlocking;

    private UnixServerSocket(SocketCore core) {
        this.core = core;
    }

    /**
     * Binds a new socket to an address and listens, with {@link #DEFAULT_BACKLOG}. The
     * address must be free: creating never removes or replaces anything, so an existing
     * file at the path, stale or not, is {@link FileAlreadyExistsException} (remove a stale
     * one first if that is what you mean). Call {@link #unlinkOnClose()} to have
     * {@link #close()} remove the socket file again. The socket file is created with mode
     * 0600 (only this user may connect), whatever the umask;
     * {@link #create(SocketType, SocketAddress, int, Set)} chooses another.
     *
     * @param type {@link SocketType#STREAM} or {@link SocketType#SEQPACKET}
     * @param address a {@link java.net.UnixDomainSocketAddress} or an {@link AbstractSocketAddress}
     * @return the listening socket
     * @throws FileAlreadyExistsException if the address is taken (EADDRINUSE): a file
     *         exists at the path, or a socket is bound to the abstract name; it implements
     *         {@link org.panamaipc.ErrnoException}
     * @throws java.nio.file.NoSuchFileException if the path's directory does not exist (ENOENT)
     * @throws java.nio.file.AccessDeniedException if the directory may not be written (EACCES)
     * @throws IllegalArgumentException for a datagram type, or a path longer than
     *         {@code sun_path} (107 bytes)
     * @throws IOException if {@code bind(2)} or {@code listen(2)} fails otherwise
     * @see <a href="https://man7.org/linux/man-pages/man2/bind.2.html">bind(2)</a>
     */
    public static UnixServerSocket create(SocketType type, SocketAddress address) throws IOException {
        NativeAccess.require();
        return create(type, address, DEFAULT_BACKLOG);
    }

    /**
     * Binds a new socket to an address and listens; see {@link #create(SocketType, SocketAddress)}.
     *
     * @param type {@link SocketType#STREAM} or {@link SocketType#SEQPACKET}
     * @param address a {@link java.net.UnixDomainSocketAddress} or an {@link AbstractSocketAddress}
     * @param backlog the longest queue of connections not yet accepted (positive)
     * @return the listening socket
     * @throws FileAlreadyExistsException if the address is taken (EADDRINUSE)
     * @throws java.nio.file.NoSuchFileException if the path's directory does not exist (ENOENT)
     * @throws java.nio.file.AccessDeniedException if the directory may not be written (EACCES)
     * @throws IllegalArgumentException for a datagram type, a backlog that is not positive,
     *         or a path longer than {@code sun_path} (107 bytes)
     * @throws IOException if {@code bind(2)} or {@code listen(2)} fails otherwise
     * @see <a href="https://man7.org/linux/man-pages/man2/bind.2.html">bind(2)</a>
     * @see <a href="https://man7.org/linux/man-pages/man2/listen.2.html">listen(2)</a>
     */
    public static UnixServerSocket create(SocketType type, SocketAddress address, int backlog) throws IOException {
        return create(type, address, backlog, Modes.OWNER_READ_WRITE);
    }

    /**
     * Binds a new socket to an address and listens, creating a socket file with exactly
     * {@code permissions} (no umask applies; connecting needs write permission). The file
     * never exists with a wider mode than asked for: see
     * {@link UnixSocket#bind(SocketType, SocketAddress, Set)}.
     *
     * @param type {@link SocketType#STREAM} or {@link SocketType#SEQPACKET}
     * @param address a {@link java.net.UnixDomainSocketAddress} or an {@link AbstractSocketAddress}
     * @param backlog the longest queue of connections not yet accepted (positive)
     * @param permissions the socket file's permissions (ignored for an abstract address)
     * @return the listening socket
     * @throws FileAlreadyExistsException if the address is taken (EADDRINUSE)
     * @throws java.nio.file.NoSuchFileException if the path's directory does not exist (ENOENT)
     * @throws java.nio.file.AccessDeniedException if the directory may not be written (EACCES)
     * @throws IllegalArgumentException for a datagram type, a backlog that is not positive,
     *         or a path longer than {@code sun_path} (107 bytes)
     * @throws IOException if {@code fchmod(2)}, {@code bind(2)} or {@code listen(2)} fails otherwise
     * @see <a href="https://man7.org/linux/man-pages/man2/bind.2.html">bind(2)</a>
     * @see <a href="https://man7.org/linux/man-pages/man2/listen.2.html">listen(2)</a>
     */
    public static UnixServerSocket create(SocketType type, SocketAddress address, int backlog,
            Set<PosixFilePermission> permissions) throws IOException {
        Check.notNull("permissions", permissions);
        NativeAccess.require();
        Check.notNull("type", type);
        if (!type.isConnectionOriented()) {
            throw new IllegalArgumentException("type=" + type + " cannot listen; bind a datagram socket with UnixSocket.bind");
        }
        Check.positive("backlog", backlog);
        Addresses.checkedPath(address);
        // Blocking, so that a platform thread's accept() is the one blocking accept4 C makes (close
        // and interrupt release it through the engine's signal); the first accept that must not
        // wait makes it non-blocking (see acceptsMustNotWait)
        SocketCore core = new SocketCore(SocketCore.open(type, false), type, true, null);
        try {
            core.bind(address, permissions);
            int n = core.enter();
            try {
                int r = SocketCalls.listen(n, backlog);
                if (r < 0) {
                    throw Errors.of("listen", "fd=" + n + ", backlog=" + backlog, -r);
                }
            } finally {
                core.exit();
            }
            return new UnixServerSocket(core);
        } catch (Throwable t) {
            core.close();
            throw t;
        }
    }

    /**
     * Makes {@link #close()} also remove the socket file this socket was created at, once.
     * It does nothing for an abstract address, which disappears with the socket.
     *
     * @return this socket
     */
    public UnixServerSocket unlinkOnClose() {
        core.unlinkOnClose();
        return this;
    }

    /** {@return the type of the connections this socket accepts} */
    public SocketType type() {
        return core.type;
    }

    /**
     * The listening socket's descriptor, to pass it to another process.
     *
     * <p><b>Lifetime.</b> It belongs to this socket: close the socket, not the descriptor.
     *
     * @return the descriptor
     */
    @Override
    public OwnedFd fd() {
        return core.fd;
    }

    /**
     * Waits for a connection and accepts it.
     *
     * @return the connected socket (blocking, close-on-exec)
     * @throws IllegalStateException if this socket is closed
     * @throws AsynchronousCloseException if another thread closed it meanwhile
     * @throws InterruptedIOException if the thread was interrupted while it waited; the
     *         socket stays open and the interrupt status set
     * @throws IOException if {@code accept4(2)} fails (EMFILE, ENFILE, ECONNABORTED)
     * @see <a href="https://man7.org/linux/man-pages/man2/accept.2.html">accept(2)</a>
     */
    public UnixSocket accept() throws IOException {
        if (Thread.currentThread().isVirtual()) {
            acceptsMustNotWait(); // a virtual thread tries, then parks on the poller
        }
        return accepted(core.call(SocketCore::accept, MemorySegment.NULL, 0, Native.SOCK_CLOEXEC, Deadline.NONE,
                Timing.POLL_IN));
    }

    /**
     * Waits at most {@code timeout} for a connection.
     *
     * @param timeout the longest wait; zero tries once
     * @return the connected socket, or {@code null} if none came in time
     * @throws IllegalStateException if this socket is closed
     * @throws AsynchronousCloseException if another thread closed it meanwhile
     * @throws InterruptedIOException if the thread was interrupted while it waited; the
     *         socket stays open and the interrupt status set
     * @throws IOException if {@code accept4(2)} fails
     * @see <a href="https://man7.org/linux/man-pages/man2/accept.2.html">accept(2)</a>
     */
    public UnixSocket accept(Duration timeout) throws IOException {
        long deadline = Deadline.end(timeout);
        acceptsMustNotWait();
        return accepted(core.call(SocketCore::accept, MemorySegment.NULL, 0, Native.SOCK_CLOEXEC, deadline,
                Timing.POLL_IN));
    }

    /**
     * Accepts a connection if one is waiting.
     *
     * @return the connected socket, or {@code null}
     * @throws IllegalStateException if this socket is closed
     * @throws IOException if {@code accept4(2)} fails
     * @see <a href="https://man7.org/linux/man-pages/man2/accept.2.html">accept(2)</a>
     */
    public UnixSocket tryAccept() throws IOException {
        acceptsMustNotWait();
        return accepted(core.tryCall(SocketCore::accept, MemorySegment.NULL, 0, Native.SOCK_CLOEXEC));
    }

    /**
     * Makes the socket non-blocking, once: {@code accept4} has no per-call form that does not
     * wait, and the engine's attempts before it polls (a timed accept, a virtual thread's) must
     * not sleep. As the JDK's channels do when a virtual thread first uses them; from then on
     * an untimed accept polls before it takes the connection.
     */
    private void acceptsMustNotWait() throws IOException {
        if (!nonBlocking) {
            core.setNonBlockingFlag(true);
            nonBlocking = true;
        }
    }

    private UnixSocket accepted(long r) throws IOException {
        if (SocketCore.nothing(r)) {
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
     * @throws IllegalStateException if this socket is closed
     * @throws IOException if {@code getsockname(2)} fails
     * @see <a href="https://man7.org/linux/man-pages/man2/getsockname.2.html">getsockname(2)</a>
     */
    public SocketAddress localAddress() throws IOException {
        return core.address(false);
    }

    /** {@return whether the socket is open} */
    public boolean isOpen() {
        return core.isOpen();
    }

    /**
     * Stops listening and closes the socket, once; every thread blocked in {@code accept} is
     * released, and the socket file is removed if {@link #unlinkOnClose()} asked for it.
     */
    @Override
    public void close() {
        core.close();
    }

    /**
     * {@return what a {@link org.panamaipc.WaitSet} can wait for on this socket:
     *     {@link Interest#ACCEPTABLE} (a connection waits in the backlog)}
     */
    @Override
    public Set<Interest> interests() {
        return OFFERS;
    }

    @Override
    public String toString() {
        return "UnixServerSocket[" + core.type + ", fd=" + core.number + (core.isOpen() ? "" : ", closed") + "]";
    }
}
