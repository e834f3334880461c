package org.panamaipc.socket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.panamaipc.BrokenPipeException;
import org.panamaipc.Interest;
import org.panamaipc.DescriptorKind;
import org.panamaipc.OwnedFd;
import org.panamaipc.Waitable;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.msghdr;
import org.panamaipc.bindings.ucred;
import org.panamaipc.internal.Blocker.Timing;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Cmsg;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.FdUse;
import org.panamaipc.internal.Modes;
import org.panamaipc.internal.FdKinds;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.SocketCalls;
import org.panamaipc.internal.Sys;
import org.panamaipc.internal.Waiter;

/**
 * A Unix domain socket of any {@link SocketType}: connected (a {@link #pair pair}, a
 * {@link #connect client}, or a connection a {@link UnixServerSocket} accepted), or bound
 * to an address for datagrams.
 *
 * <p><b>Data.</b> {@link #send(MemorySegment)} and {@link #receive(MemorySegment)} move
 * bytes between native memory and the socket with no copy and no allocation: they are
 * the hot path. The {@code byte[]} and heap {@link ByteBuffer} forms copy through a
 * per-thread buffer; the {@link ByteBuffer} forms allocate a small segment view per call. On a
 * datagram or seqpacket socket every send is one message and every receive takes one
 * message whole: {@code receive} returns the message's real length, so a result larger
 * than the buffer means the message was truncated (MSG_TRUNC) and its end discarded.
 * On a stream socket a blocking send writes every byte, and a receive returns -1 at end
 * of stream. The socket is also a {@link ByteChannel}, and {@link #inputStream()} and
 * {@link #outputStream()} adapt it to the {@code java.io} streams.
 *
 * <p><b>Descriptors and credentials.</b> {@link #sendDescriptors} passes open descriptors
 * with the data in one {@code sendmsg} (SCM_RIGHTS); {@link #receiveMessage} receives them
 * as {@link OwnedFd}s the caller closes. Descriptors sent to a receive that asked for none,
 * or for fewer, are closed: nothing leaks. {@link #peerCredentials()} (SO_PEERCRED) tells
 * who is connected; {@link #sendCredentials} and {@link UnixSocketOptions#SO_PASSCRED}
 * carry credentials with a message (SCM_CREDENTIALS).
 *
 * <p><b>Blocking.</b> Sockets block by default. When nothing came in time, or, after
 * {@link #configureBlocking(boolean) configureBlocking(false)}, when a call would have to
 * wait, a method returning a count returns 0 and one returning an object returns
 * {@code null}, as the JDK's channels do; -1 is end of stream. (An empty datagram also reads
 * as 0, as in the JDK's {@link java.nio.channels.DatagramChannel}.) Every blocking receive
 * and send has a timed form, {@link UnixSocketOptions#SO_RCVTIMEO} and {@code SO_SNDTIMEO}
 * bound the untimed ones, and {@link #close()} from another thread releases every blocked
 * caller, however many, with {@link AsynchronousCloseException}. As in the JDK's
 * interruptible channels, {@link Thread#interrupt()} of a thread blocked in a call closes
 * the socket and the call throws {@link ClosedByInterruptException}: the peer sees the close,
 * so nothing is silently lost.
 *
 * <p><b>SIGPIPE.</b> Every send passes {@code MSG_NOSIGNAL}: sending to a closed peer
 * throws {@link BrokenPipeException} and never raises SIGPIPE.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/unix.7.html">unix(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/sendmsg.2.html">sendmsg(2)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/recvmsg.2.html">recvmsg(2)</a>
 */
public final class UnixSocket implements ByteChannel, Waitable {
    private static final Set<Interest> OFFERS =
            Collections.unmodifiableSet(EnumSet.of(Interest.READABLE, Interest.WRITABLE));

    /** The most descriptors one message carries ({@code SCM_MAX_FD}). */
    public static final int MAX_DESCRIPTORS = 253;
    private static final OwnedFd[] NO_DESCRIPTORS = {};

    /** Heap data up to this size is copied through the thread's scratch memory. */
    private static final int SCRATCH_SIZE = 64 * 1024;
    /** The C library's values, read only once native access was checked ({@link NativeAccess}). */
    private static final class Native {
        static final int ETIMEDOUT = SocketCore.ETIMEDOUT;
        static final int EAGAIN = SocketCore.EAGAIN;
        static final int MSG_NOSIGNAL = LibC.MSG_NOSIGNAL();
        static final int MSG_TRUNC = LibC.MSG_TRUNC();
        static final int MSG_CTRUNC = LibC.MSG_CTRUNC();
        static final int MSG_CMSG_CLOEXEC = LibC.MSG_CMSG_CLOEXEC();
        static final int SOL_SOCKET = LibC.SOL_SOCKET();
        static final int SCM_RIGHTS = LibC.SCM_RIGHTS();
        static final int SCM_CREDENTIALS = LibC.SCM_CREDENTIALS();
    }

    private static final Set<SocketOption<?>> OPTIONS = Set.of(StandardSocketOptions.SO_RCVBUF,
            StandardSocketOptions.SO_SNDBUF, UnixSocketOptions.SO_PASSCRED, UnixSocketOptions.SO_RCVTIMEO,
            UnixSocketOptions.SO_SNDTIMEO);

    private final SocketCore core;
    private final int receiveFlags;
    // SO_RCVTIMEO and SO_SNDTIMEO as the socket object keeps them; null: no limit
    private volatile Duration receiveTimeout;
    private volatile Duration sendTimeout;
    // SO_PASSCRED as last set or read, so that a receive need not ask the kernel each time
    private volatile boolean passCredentials;

    UnixSocket(OwnedFd fd, SocketType type, boolean blocking) {
        this.core = new SocketCore(fd, type, blocking, this);
        this.receiveFlags = type.keepsBoundaries() ? Native.MSG_TRUNC : 0;
    }

    // ---------------------------------------------------------------- factories

    /**
     * Opens a socket that is neither bound nor connected; {@link #connect(SocketAddress)}
     * it, or send datagrams with {@link #sendTo}.
     *
     * @param type the socket's type
     * @return the socket
     * @throws IOException if {@code socket(2)} fails (EMFILE, ENFILE, ENOMEM)
     * @see <a href="https://man7.org/linux/man-pages/man2/socket.2.html">socket(2)</a>
     */
    public static UnixSocket open(SocketType type) throws IOException {
        NativeAccess.require();
        Check.notNull("type", type);
        return new UnixSocket(SocketCore.open(type, false), type, true);
    }

    /**
     * Connects to a socket listening (stream, seqpacket) or bound (datagram) at an address.
     *
     * @param type the socket's type, which must match the other end's
     * @param address a {@link UnixDomainSocketAddress} or an {@link AbstractSocketAddress}
     * @return the connected socket
     * @throws SocketConnectException if nothing listens there: ECONNREFUSED, or ENOENT when
     *         no socket file exists at the path
     * @throws java.nio.file.AccessDeniedException if the path may not be written (EACCES)
     * @throws IOException if {@code connect(2)} fails otherwise (EPROTOTYPE: a different type)
     * @throws IllegalArgumentException if a path exceeds {@code sun_path} (107 bytes)
     * @see <a href="https://man7.org/linux/man-pages/man2/connect.2.html">connect(2)</a>
     */
    public static UnixSocket connect(SocketType type, SocketAddress address) throws IOException {
        NativeAccess.require();
        Addresses.checkedPath(address);
        UnixSocket s = open(type);
        try {
            s.connect(address);
            return s;
        } catch (Throwable t) {
            s.close();
            throw t;
        }
    }

    /**
     * Binds a new socket to an address, typically a datagram socket that receives. The
     * address must be free: binding never removes or replaces anything, so an existing file
     * at the path, stale or not, is {@link FileAlreadyExistsException}. Call
     * {@link #unlinkOnClose()} to have {@link #close()} remove the socket file again.
     *
     * <p>A socket file is created with mode 0600 (only this user may connect or send to it),
     * whatever the umask; {@link #bind(SocketType, SocketAddress, Set)} chooses another.
     *
     * @param type the socket's type
     * @param address a {@link UnixDomainSocketAddress} or an {@link AbstractSocketAddress}
     * @return the bound socket
     * @throws FileAlreadyExistsException if the address is taken (EADDRINUSE): a file exists
     *         at the path, or a socket is bound to the abstract name; it implements
     *         {@link org.panamaipc.ErrnoException}
     * @throws java.nio.file.NoSuchFileException if the path's directory does not exist (ENOENT)
     * @throws java.nio.file.AccessDeniedException if the directory may not be written (EACCES)
     * @throws IllegalArgumentException if a path exceeds {@code sun_path} (107 bytes)
     * @throws IOException if {@code socket(2)} or {@code bind(2)} fails otherwise
     * @see <a href="https://man7.org/linux/man-pages/man2/bind.2.html">bind(2)</a>
     */
    public static UnixSocket bind(SocketType type, SocketAddress address) throws IOException {
        return bind(type, address, Modes.OWNER_READ_WRITE);
    }

    /**
     * Binds a new socket to an address, creating a socket file with exactly
     * {@code permissions} (no umask applies); see {@link #bind(SocketType, SocketAddress)}.
     * Connecting to a socket file, or sending to it, needs write permission on it. The file
     * never exists with a wider mode than asked for: the mode is set on the socket before
     * {@code bind} creates the file (Linux creates it with the socket's mode less the umask),
     * and only where the umask took bits away is the file widened to the asked mode
     * afterwards. An abstract address has no file; {@code permissions} are then ignored.
     *
     * @param type the socket's type
     * @param address a {@link UnixDomainSocketAddress} or an {@link AbstractSocketAddress}
     * @param permissions the socket file's permissions
     * @return the bound socket
     * @throws FileAlreadyExistsException if the address is taken (EADDRINUSE)
     * @throws java.nio.file.NoSuchFileException if the path's directory does not exist (ENOENT)
     * @throws java.nio.file.AccessDeniedException if the directory may not be written (EACCES)
     * @throws IllegalArgumentException if a path exceeds {@code sun_path} (107 bytes)
     * @throws IOException if {@code socket(2)}, {@code fchmod(2)} or {@code bind(2)} fails otherwise
     * @see <a href="https://man7.org/linux/man-pages/man2/bind.2.html">bind(2)</a>
     * @see <a href="https://man7.org/linux/man-pages/man7/unix.7.html">unix(7), Pathname socket ownership and permissions</a>
     */
    public static UnixSocket bind(SocketType type, SocketAddress address, Set<PosixFilePermission> permissions)
            throws IOException {
        NativeAccess.require();
        Addresses.checkedPath(address);
        Check.notNull("permissions", permissions);
        UnixSocket s = open(type);
        try {
            s.core.bind(address, permissions);
            return s;
        } catch (Throwable t) {
            s.close();
            throw t;
        }
    }

    /**
     * Makes {@link #close()} also remove the socket file this socket was bound to by
     * {@link #bind(SocketType, SocketAddress)}, once. It does nothing for a socket bound to
     * an abstract name (which disappears with the socket) or not bound by this object.
     *
     * @return this socket
     */
    public UnixSocket unlinkOnClose() {
        core.unlinkOnClose();
        return this;
    }

    /**
     * Makes a pair of connected sockets ({@code socketpair(2)}), for talking to a child
     * process or between threads.
     *
     * @param type the sockets' type
     * @return the two ends
     * @throws IOException if {@code socketpair(2)} fails (EMFILE, ENFILE)
     * @see <a href="https://man7.org/linux/man-pages/man2/socketpair.2.html">socketpair(2)</a>
     */
    public static SocketPair pair(SocketType type) throws IOException {
        NativeAccess.require();
        Check.notNull("type", type);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sv = arena.allocate(ValueLayout.JAVA_INT, 2);
            int r = SocketCalls.socketpair(LibC.AF_UNIX(), type.value() | LibC.SOCK_CLOEXEC(), 0, sv);
            if (r < 0) {
                throw Errors.of("socketpair", "AF_UNIX, " + type, -r);
            }
            return new SocketPair(
                    new UnixSocket(OwnedFd.adopt(sv.getAtIndex(ValueLayout.JAVA_INT, 0)), type, true),
                    new UnixSocket(OwnedFd.adopt(sv.getAtIndex(ValueLayout.JAVA_INT, 1)), type, true));
        }
    }

    /**
     * Takes ownership of a descriptor that is a Unix domain socket: one received with
     * {@link #receiveMessage}, or inherited. The descriptor is detached from {@code fd}
     * (which no longer closes it), and the socket closes it.
     *
     * @param fd an open descriptor of a Unix domain socket
     * @return the socket
     * @throws IllegalArgumentException if the descriptor is not a Unix domain stream,
     *         datagram or seqpacket socket ({@link org.panamaipc.DescriptorKind}: the message
     *         says what it is and what it can become); {@code fd} then stays open
     * @throws IllegalStateException if {@code fd} is closed or in use
     * @throws IOException if {@code fstat(2)} or {@code getsockopt(2)} fails on it
     */
    public static UnixSocket adopt(OwnedFd fd) throws IOException {
        NativeAccess.require();
        Check.notNull("fd", fd);
        FdKinds.require(fd, "UnixSocket.adopt", "a Unix domain socket", DescriptorKind.UNIX_SOCKET);
        int n = FdUse.enter(fd);
        SocketType type;
        int fl;
        boolean passCredentials;
        try {
            int domain = SocketCore.intOption(n, Native.SOL_SOCKET, LibC.SO_DOMAIN(), "SO_DOMAIN");
            if (domain != LibC.AF_UNIX()) {
                throw new IllegalArgumentException(fd + " is a socket of domain=" + domain + ", not AF_UNIX");
            }
            type = SocketType.of(SocketCore.intOption(n, Native.SOL_SOCKET, LibC.SO_TYPE(), "SO_TYPE"));
            fl = Sys.fcntl(n, LibC.F_GETFL(), 0);
            if (fl < 0) {
                throw Errors.of("fcntl", "fd=" + n + ", F_GETFL", -fl);
            }
            passCredentials = SocketCore.intOption(n, Native.SOL_SOCKET, LibC.SO_PASSCRED(), "SO_PASSCRED") != 0;
        } finally {
            FdUse.exit(fd);
        }
        UnixSocket socket = new UnixSocket(OwnedFd.adopt(fd.detach()), type, (fl & LibC.O_NONBLOCK()) == 0);
        socket.passCredentials = passCredentials;
        return socket;
    }

    // ---------------------------------------------------------------- state

    /**
     * The socket's own descriptor, to pass the socket itself to another process with
     * {@link #sendDescriptors} or to {@link OwnedFd#dup() dup} it.
     *
     * <p><b>Lifetime.</b> It belongs to this socket: close the socket, not the descriptor.
     *
     * @return the descriptor
     */
    @Override
    public OwnedFd fd() {
        return core.fd;
    }

    /** {@return the socket's type} */
    public SocketType type() {
        return core.type;
    }

    /**
     * Connects this socket: a stream or seqpacket socket to a listener, a datagram socket
     * to the address its sends go to and its receives come from.
     *
     * @param address a {@link UnixDomainSocketAddress} or an {@link AbstractSocketAddress}
     * @throws SocketConnectException if nothing listens there (ECONNREFUSED, ENOENT)
     * @throws java.nio.file.AccessDeniedException if the path may not be written (EACCES)
     *         (EAGAIN in non-blocking mode: the listener's backlog is full)
     * @throws IOException if {@code connect(2)} fails otherwise (EISCONN, EPROTOTYPE)
     * @throws ClosedChannelException if the socket is closed
     * @throws AsynchronousCloseException if another thread closed it while it waited for
     *         room in the listener's backlog
     * @throws ClosedByInterruptException if the thread was interrupted while it waited; the
     *         socket is closed
     * @throws IllegalArgumentException if a path exceeds {@code sun_path} (107 bytes)
     * @see <a href="https://man7.org/linux/man-pages/man2/connect.2.html">connect(2)</a>
     */
    public void connect(SocketAddress address) throws IOException {
        Addresses.checkedPath(address);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = Addresses.encode(address, arena);
            // A connect waits while the listener's backlog is full; close() releases it.
            // UNTIMED: no poll can tell when a full backlog has room, so a virtual thread's connect
            // waits on the engine's platform threads rather than on the poller
            long r = core.call(SocketCore::connect, sa, sa.byteSize(), 0, Deadline.NONE, Timing.UNTIMED);
            if (r < 0) {
                throw connectError("connect", core.number, address, (int) -r);
            }
        }
    }

    static IOException connectError(String call, int n, SocketAddress address, int errno) {
        String where = Addresses.describe(address);
        if (errno == LibC.ECONNREFUSED() || errno == LibC.ENOENT() || errno == LibC.EAGAIN()) {
            return new SocketConnectException(call, "fd=" + n + ", " + where, errno);
        }
        return Errors.named(call, where, "fd=" + n + ", " + where, errno);
    }

    /**
     * The address this socket is bound to.
     *
     * @return the address; an unnamed socket's is the empty {@link UnixDomainSocketAddress}
     * @throws IOException if {@code getsockname(2)} fails
     * @see <a href="https://man7.org/linux/man-pages/man2/getsockname.2.html">getsockname(2)</a>
     */
    public SocketAddress localAddress() throws IOException {
        return core.address(false);
    }

    /**
     * The address of the socket this one is connected to.
     *
     * @return the address (the empty {@link UnixDomainSocketAddress} for an unnamed peer),
     *         or {@code null} if not connected
     * @throws IOException if {@code getpeername(2)} fails
     * @see <a href="https://man7.org/linux/man-pages/man2/getpeername.2.html">getpeername(2)</a>
     */
    public SocketAddress remoteAddress() throws IOException {
        return core.address(true);
    }

    /**
     * The credentials of the process that connected the other end, as they were when it
     * called {@code connect} or {@code socketpair} (SO_PEERCRED).
     *
     * @return the peer's pid, uid and gid
     * @throws IOException if {@code getsockopt(2)} fails (ENOTCONN on an unconnected socket)
     * @see <a href="https://man7.org/linux/man-pages/man7/unix.7.html">unix(7), SO_PEERCRED</a>
     */
    public Credentials peerCredentials() throws IOException {
        int n = core.enter();
        try {
            MemorySegment s = Waiter.current().scratch(16 + ucred.sizeof());
            MemorySegment len = s.asSlice(0, Integer.BYTES);
            MemorySegment cred = s.asSlice(16, ucred.sizeof());
            len.set(ValueLayout.JAVA_INT, 0, (int) cred.byteSize());
            int r = SocketCalls.getsockopt(n, Native.SOL_SOCKET, LibC.SO_PEERCRED(), cred, len);
            if (r < 0) {
                throw Errors.of("getsockopt", "fd=" + n + ", SO_PEERCRED", -r);
            }
            return new Credentials(ucred.pid(cred), ucred.uid(cred), ucred.gid(cred));
        } finally {
            core.exit();
        }
    }

    /**
     * Shuts down the input: further receives return end of stream, and the peer's sends
     * fail with {@link BrokenPipeException}.
     *
     * @throws IOException if {@code shutdown(2)} fails (ENOTCONN)
     * @see <a href="https://man7.org/linux/man-pages/man2/shutdown.2.html">shutdown(2)</a>
     */
    public void shutdownInput() throws IOException {
        shutdown(LibC.SHUT_RD(), "SHUT_RD");
    }

    /**
     * Shuts down the output: the peer reads end of stream once it has read what was sent,
     * and further sends here fail with {@link BrokenPipeException}.
     *
     * @throws IOException if {@code shutdown(2)} fails (ENOTCONN)
     * @see <a href="https://man7.org/linux/man-pages/man2/shutdown.2.html">shutdown(2)</a>
     */
    public void shutdownOutput() throws IOException {
        shutdown(LibC.SHUT_WR(), "SHUT_WR");
    }

    private void shutdown(int how, String name) throws IOException {
        int n = core.enter();
        try {
            int r = SocketCalls.shutdown(n, how);
            if (r < 0) {
                throw Errors.of("shutdown", "fd=" + n + ", " + name, -r);
            }
        } finally {
            core.exit();
        }
    }

    /**
     * Chooses blocking (the default) or non-blocking mode ({@code O_NONBLOCK}). In
     * non-blocking mode the calls without a timeout do not wait: sends and receives that
     * would have to return 0 (or {@code null}), a connect throws {@link SocketConnectException}
     * (EAGAIN). The timed forms still wait as long as they are told.
     *
     * @param block whether calls wait
     * @throws IOException if {@code fcntl(2)} fails
     */
    public void configureBlocking(boolean block) throws IOException {
        core.setBlocking(block);
    }

    /** {@return whether calls without a timeout wait (the default) rather than return at once} */
    public boolean isBlocking() {
        return core.isBlocking();
    }

    /**
     * Sets an option: {@link StandardSocketOptions#SO_RCVBUF}, {@link StandardSocketOptions#SO_SNDBUF}
     * (the kernel doubles the value for its bookkeeping, as {@code socket(7)} says), or one of
     * {@link UnixSocketOptions}.
     *
     * @param <T> the option's value type
     * @param option the option
     * @param value its value
     * @return this socket
     * @throws UnsupportedOperationException if the option is not supported
     * @throws IllegalArgumentException if the value is negative
     * @throws IOException if {@code setsockopt(2)} fails
     * @see <a href="https://man7.org/linux/man-pages/man7/socket.7.html">socket(7)</a>
     */
    public <T> UnixSocket setOption(SocketOption<T> option, T value) throws IOException {
        Check.notNull("option", option);
        Check.notNull("value", value);
        if (option == StandardSocketOptions.SO_RCVBUF || option == StandardSocketOptions.SO_SNDBUF) {
            int v = (Integer) value;
            Check.positive(option.name(), v);
            core.setIntOption(Native.SOL_SOCKET, option == StandardSocketOptions.SO_RCVBUF ? LibC.SO_RCVBUF()
                    : LibC.SO_SNDBUF(), option.name(), v);
        } else if (option == UnixSocketOptions.SO_PASSCRED) {
            core.setIntOption(Native.SOL_SOCKET, LibC.SO_PASSCRED(), option.name(), (Boolean) value ? 1 : 0);
            passCredentials = (Boolean) value;
        } else if (option == UnixSocketOptions.SO_RCVTIMEO) {
            receiveTimeout = optionTimeout((Duration) value);
        } else if (option == UnixSocketOptions.SO_SNDTIMEO) {
            sendTimeout = optionTimeout((Duration) value);
        } else {
            throw new UnsupportedOperationException("option " + option + " is not supported");
        }
        return this;
    }

    /**
     * Reads an option.
     *
     * @param <T> the option's value type
     * @param option one of {@link #supportedOptions()}
     * @return its value
     * @throws UnsupportedOperationException if the option is not supported
     * @throws IOException if {@code getsockopt(2)} fails
     */
    @SuppressWarnings("unchecked")
    public <T> T getOption(SocketOption<T> option) throws IOException {
        Check.notNull("option", option);
        Object v;
        if (option == StandardSocketOptions.SO_RCVBUF) {
            v = core.getIntOption(Native.SOL_SOCKET, LibC.SO_RCVBUF(), option.name());
        } else if (option == StandardSocketOptions.SO_SNDBUF) {
            v = core.getIntOption(Native.SOL_SOCKET, LibC.SO_SNDBUF(), option.name());
        } else if (option == UnixSocketOptions.SO_PASSCRED) {
            v = core.getIntOption(Native.SOL_SOCKET, LibC.SO_PASSCRED(), option.name()) != 0;
        } else if (option == UnixSocketOptions.SO_RCVTIMEO) {
            v = receiveTimeout == null ? Duration.ZERO : receiveTimeout;
        } else if (option == UnixSocketOptions.SO_SNDTIMEO) {
            v = sendTimeout == null ? Duration.ZERO : sendTimeout;
        } else {
            throw new UnsupportedOperationException("option " + option + " is not supported");
        }
        return (T) v;
    }

    /** {@return the options {@link #setOption} and {@link #getOption} take} */
    public Set<SocketOption<?>> supportedOptions() {
        return OPTIONS;
    }

    private static Duration optionTimeout(Duration d) {
        return Check.timeout(d).isZero() ? null : d;
    }

    /** The deadline of a call without a timeout: the option's limit, if one is set. */
    private static long untimed(Duration optionTimeout) {
        return optionTimeout == null ? Deadline.NONE : Deadline.end(optionTimeout);
    }

    private static SocketTimeoutException timedOut(String call, Duration optionTimeout) {
        return new SocketTimeoutException(call + " timed out after " + optionTimeout);
    }

    // ---------------------------------------------------------------- send

    /**
     * Sends bytes. On a stream socket in blocking mode every byte is sent; on a datagram or
     * seqpacket socket the bytes are one message. Allocates nothing for a native segment.
     *
     * @param data the bytes to send
     * @return the bytes sent; in non-blocking mode those that fit, 0 if none did; fewer than
     *         all on a stream socket if {@link UnixSocketOptions#SO_SNDTIMEO} passed after
     *         some were sent
     * @throws BrokenPipeException if the peer has closed (EPIPE)
     * @throws SocketTimeoutException if {@link UnixSocketOptions#SO_SNDTIMEO} passed before
     *         anything could be sent
     * @throws ClosedChannelException if the socket is closed
     * @throws AsynchronousCloseException if another thread closed it meanwhile
     * @throws ClosedByInterruptException if the thread was interrupted while it waited; the
     *         socket is closed
     * @throws IOException if {@code send(2)} fails otherwise (EMSGSIZE: a message larger than
     *         the send buffer; ENOTCONN; ECONNRESET)
     * @see <a href="https://man7.org/linux/man-pages/man2/send.2.html">send(2)</a>
     */
    public long send(MemorySegment data) throws IOException {
        Check.notNull("data", data);
        Duration limit = sendTimeout;
        long r = sendAny(data, untimed(limit));
        if (r == -Native.ETIMEDOUT) {
            throw timedOut("send", limit);
        }
        return r;
    }

    /**
     * Sends bytes, waiting at most {@code timeout} for room, in either mode.
     *
     * @param data the bytes to send
     * @param timeout the longest wait; zero tries once
     * @return the bytes sent (on a stream socket, those sent in time), or 0 if none could be
     *         sent in time
     * @throws BrokenPipeException if the peer has closed (EPIPE)
     * @throws ClosedChannelException if the socket is closed
     * @throws AsynchronousCloseException if another thread closed it meanwhile
     * @throws ClosedByInterruptException if the thread was interrupted while it waited; the
     *         socket is closed
     * @throws IOException if {@code send(2)} fails otherwise (EMSGSIZE, ENOTCONN)
     * @see <a href="https://man7.org/linux/man-pages/man2/send.2.html">send(2)</a>
     */
    public long send(MemorySegment data, Duration timeout) throws IOException {
        Check.notNull("data", data);
        return Math.max(0, sendAny(data, Deadline.end(timeout)));
    }

    /**
     * Sends bytes from an array; see {@link #send(MemorySegment)}.
     *
     * @param data the bytes
     * @return the bytes sent, 0 in non-blocking mode if none fit
     * @throws BrokenPipeException if the peer has closed (EPIPE)
     * @throws SocketTimeoutException if {@link UnixSocketOptions#SO_SNDTIMEO} passed first
     * @throws ClosedByInterruptException if the thread was interrupted while it waited
     * @throws IOException if {@code send(2)} fails otherwise
     */
    public int send(byte[] data) throws IOException {
        return send(data, 0, Check.notNull("data", data).length);
    }

    /**
     * Sends {@code length} bytes of an array from {@code offset}; see {@link #send(MemorySegment)}.
     *
     * @param data the bytes
     * @param offset where to start
     * @param length how many
     * @return the bytes sent, 0 in non-blocking mode if none fit
     * @throws BrokenPipeException if the peer has closed (EPIPE)
     * @throws SocketTimeoutException if {@link UnixSocketOptions#SO_SNDTIMEO} passed first
     * @throws ClosedByInterruptException if the thread was interrupted while it waited
     * @throws IOException if {@code send(2)} fails otherwise
     */
    public int send(byte[] data, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, Check.notNull("data", data).length);
        if (Waiter.copiesThroughScratch(length, SCRATCH_SIZE)) { // no segment per call
            return (int) send(Waiter.current().scratchCopy(data, offset, length));
        }
        return (int) send(MemorySegment.ofArray(data).asSlice(offset, length));
    }

    /**
     * Writes the buffer's remaining bytes, as {@link java.nio.channels.WritableByteChannel}
     * says: in blocking mode all of them (on a datagram or seqpacket socket, as one
     * message); in non-blocking mode as many as fit, 0 if none.
     *
     * @param src the bytes, from its position to its limit; the position advances
     * @return the bytes written
     * @throws BrokenPipeException if the peer has closed (EPIPE)
     * @throws ClosedByInterruptException if the thread was interrupted while it waited
     * @throws IOException if {@code send(2)} fails otherwise
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        if (src == null) {
            throw new NullPointerException("src must not be null");
        }
        int len = src.remaining();
        long r = Waiter.copiesThroughScratch(src, len, SCRATCH_SIZE) // no segment per call
                ? send(Waiter.current().scratchCopy(src, len)) : send(MemorySegment.ofBuffer(src));
        src.position(src.position() + (int) r);
        return (int) r;
    }

    /**
     * Sends a datagram to an address, on an unconnected datagram socket.
     *
     * @param data the message
     * @param target a {@link UnixDomainSocketAddress} or an {@link AbstractSocketAddress}
     * @return the bytes sent, 0 in non-blocking mode if there was no room
     * @throws SocketConnectException if no socket is bound there (ECONNREFUSED, ENOENT)
     * @throws SocketTimeoutException if {@link UnixSocketOptions#SO_SNDTIMEO} passed first
     * @throws ClosedByInterruptException if the thread was interrupted while it waited
     * @throws IOException if {@code sendmsg(2)} fails otherwise (EMSGSIZE, EISCONN)
     * @throws IllegalArgumentException if a path exceeds {@code sun_path} (107 bytes)
     * @see <a href="https://man7.org/linux/man-pages/man2/sendmsg.2.html">sendmsg(2)</a>
     */
    public long sendTo(MemorySegment data, SocketAddress target) throws IOException {
        Check.notNull("data", data);
        Addresses.checkedPath(target);
        return sendMessage(data, List.of(), false, target);
    }

    /**
     * Sends a datagram from an array to an address; see {@link #sendTo(MemorySegment, SocketAddress)}.
     *
     * @param data the message
     * @param target a {@link UnixDomainSocketAddress} or an {@link AbstractSocketAddress}
     * @return the bytes sent, 0 in non-blocking mode if there was no room
     * @throws SocketConnectException if no socket is bound there (ECONNREFUSED, ENOENT)
     * @throws ClosedByInterruptException if the thread was interrupted while it waited
     * @throws IOException if {@code sendmsg(2)} fails otherwise (EMSGSIZE, EISCONN)
     */
    public long sendTo(byte[] data, SocketAddress target) throws IOException {
        return sendTo(MemorySegment.ofArray(Check.notNull("data", data)), target);
    }

    /**
     * Sends data together with open descriptors in one {@code sendmsg} (SCM_RIGHTS). The
     * receiver gets its own descriptors for the same open files; the caller's stay open
     * and remain the caller's to close. On a stream socket the data must not be empty.
     *
     * @param data the data (at least one byte on a stream socket)
     * @param fds 1 to {@value #MAX_DESCRIPTORS} open descriptors
     * @return the bytes sent, 0 in non-blocking mode if there was no room
     * @throws IllegalStateException if a descriptor is closed
     * @throws IllegalArgumentException if there are no or too many descriptors
     * @throws BrokenPipeException if the peer has closed (EPIPE)
     * @throws ClosedByInterruptException if the thread was interrupted while it waited
     * @throws IOException if {@code sendmsg(2)} fails otherwise (ETOOMANYREFS: descriptors
     *         in flight exceed RLIMIT_NOFILE)
     * @see <a href="https://man7.org/linux/man-pages/man7/unix.7.html">unix(7), SCM_RIGHTS</a>
     */
    public long sendDescriptors(MemorySegment data, OwnedFd... fds) throws IOException {
        return sendDescriptors(data, Arrays.asList(Check.notNull("fds", fds)));
    }

    /**
     * Sends data together with open descriptors; see {@link #sendDescriptors(MemorySegment, OwnedFd...)}.
     *
     * @param data the data (at least one byte on a stream socket)
     * @param fds 1 to {@value #MAX_DESCRIPTORS} open descriptors
     * @return the bytes sent, 0 in non-blocking mode if there was no room
     * @throws IllegalStateException if a descriptor is closed
     * @throws IllegalArgumentException if there are no or too many descriptors
     * @throws BrokenPipeException if the peer has closed (EPIPE)
     * @throws ClosedByInterruptException if the thread was interrupted while it waited
     * @throws IOException if {@code sendmsg(2)} fails otherwise
     */
    public long sendDescriptors(MemorySegment data, List<OwnedFd> fds) throws IOException {
        checkDescriptors(data, fds);
        return sendMessage(data, fds, false, null);
    }

    /**
     * Sends a datagram with open descriptors to an address, on an unconnected datagram
     * socket; see {@link #sendDescriptors(MemorySegment, OwnedFd...)}.
     *
     * @param data the message
     * @param target a {@link UnixDomainSocketAddress} or an {@link AbstractSocketAddress}
     * @param fds 1 to {@value #MAX_DESCRIPTORS} open descriptors
     * @return the bytes sent, 0 in non-blocking mode if there was no room
     * @throws IllegalStateException if a descriptor is closed
     * @throws IllegalArgumentException if there are no or too many descriptors, or a path
     *         exceeds {@code sun_path} (107 bytes)
     * @throws SocketConnectException if no socket is bound there (ECONNREFUSED, ENOENT)
     * @throws ClosedByInterruptException if the thread was interrupted while it waited
     * @throws IOException if {@code sendmsg(2)} fails otherwise
     */
    public long sendDescriptorsTo(MemorySegment data, SocketAddress target, OwnedFd... fds) throws IOException {
        List<OwnedFd> list = Arrays.asList(Check.notNull("fds", fds));
        checkDescriptors(data, list);
        Addresses.checkedPath(target);
        return sendMessage(data, list, false, target);
    }

    private void checkDescriptors(MemorySegment data, List<OwnedFd> fds) {
        Check.notNull("data", data);
        Check.notNull("fds", fds);
        if (fds.isEmpty() || fds.size() > MAX_DESCRIPTORS) {
            throw new IllegalArgumentException("descriptors=" + fds.size() + " must be 1 to " + MAX_DESCRIPTORS);
        }
        for (int i = 0; i < fds.size(); i++) { // by index: an iterator per message would be garbage
            OwnedFd fd = Check.notNull("fd", fds.get(i));
            if (!fd.isOpen()) {
                throw new IllegalStateException(fd + " is closed and cannot be sent");
            }
        }
        if (core.type == SocketType.STREAM && data.byteSize() == 0) {
            throw new IllegalArgumentException("data must not be empty: descriptors travel with at least one byte on a stream socket");
        }
    }

    /**
     * Sends data with this process's credentials (SCM_CREDENTIALS: its pid, real uid and
     * real gid), which a receiver with {@link UnixSocketOptions#SO_PASSCRED} set reads
     * from {@link ReceivedMessage#credentials()}. The kernel checks them: a process cannot
     * claim another's identity without privileges.
     *
     * @param data the data (at least one byte on a stream socket)
     * @return the bytes sent, 0 in non-blocking mode if there was no room
     * @throws IllegalArgumentException if the data is empty on a stream socket
     * @throws BrokenPipeException if the peer has closed (EPIPE)
     * @throws ClosedByInterruptException if the thread was interrupted while it waited
     * @throws IOException if {@code sendmsg(2)} fails otherwise (EPERM: credentials refused)
     * @see <a href="https://man7.org/linux/man-pages/man7/unix.7.html">unix(7), SCM_CREDENTIALS</a>
     */
    public long sendCredentials(MemorySegment data) throws IOException {
        Check.notNull("data", data);
        if (core.type == SocketType.STREAM && data.byteSize() == 0) {
            throw new IllegalArgumentException("data must not be empty: credentials travel with at least one byte on a stream socket");
        }
        return sendMessage(data, List.of(), true, null);
    }

    /** Sends from any segment; returns the bytes sent, or -ETIMEDOUT if none were sent in time. */
    private long sendAny(MemorySegment data, long deadline) throws IOException {
        long size = data.byteSize();
        if (data.isNative() || Thread.currentThread().isVirtual()) {
            // a virtual thread's heap bytes go through memory lent per attempt, not held while it parks
            return sendNative(data, deadline);
        }
        if (size <= SCRATCH_SIZE) {
            MemorySegment s = Waiter.current().scratch(size);
            s.copyFrom(data);
            return sendNative(s, deadline);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(size);
            s.copyFrom(data);
            return sendNative(s, deadline);
        }
    }

    /**
     * Sends from native memory (or, on a virtual thread, the heap); a stream socket's send goes
     * on until every byte is sent or the wait ends. Returns the bytes sent, or -ETIMEDOUT if
     * none were sent in time.
     */
    private long sendNative(MemorySegment data, long deadline) throws IOException {
        long size = data.byteSize();
        long sent = 0;
        do {
            long r;
            try {
                MemorySegment rest = sent == 0 ? data : data.asSlice(sent);
                if (data.isNative()) {
                    r = core.call(SocketCore::send, rest, size - sent, Native.MSG_NOSIGNAL, deadline, Timing.POLL_OUT);
                } else { // a stream takes heap bytes a lent buffer at a time; a datagram whole
                    MemorySegment part = core.type == SocketType.STREAM && rest.byteSize() > SCRATCH_SIZE
                            ? rest.asSlice(0, SCRATCH_SIZE) : rest;
                    r = core.callHeap(SocketCore::send, part, false, Native.MSG_NOSIGNAL, deadline, Timing.POLL_OUT);
                }
            } catch (AsynchronousCloseException e) {
                throw e;
            } catch (ClosedChannelException e) {
                if (sent > 0) {
                    // closed while this send was under way, as the JDK's channels say
                    throw Thread.currentThread().isInterrupted() ? new ClosedByInterruptException()
                            : new AsynchronousCloseException();
                }
                throw e;
            }
            if (SocketCore.nothing(r)) {
                return sent == 0 && r == -Native.ETIMEDOUT ? r : sent;
            }
            if (r < 0) {
                throw sendError("send", (int) -r, size);
            }
            sent += r;
        } while (sent < size && core.type == SocketType.STREAM && (deadline != Deadline.NONE || core.isBlocking()));
        return sent;
    }

    private IOException sendError(String call, int errno, long size) {
        String args = "fd=" + core.number + ", len=" + size;
        return Errors.of(call, args, errno); // EPIPE becomes a BrokenPipeException
    }

    private long sendMessage(MemorySegment data, List<OwnedFd> fds, boolean credentials, SocketAddress target)
            throws IOException {
        boolean copied = !data.isNative();
        boolean large = copied && data.byteSize() > MessageScratch.DATA_CAPACITY;
        MessageScratch scratch = MessageScratch.get(copied && !large ? data.byteSize() : 0);
        int acquired = 0;
        try (Arena arena = large ? Arena.ofConfined() : null) {
            MemorySegment buf = data;
            if (copied) {
                buf = large ? arena.allocate(data.byteSize()) : scratch.data;
                buf.copyFrom(data);
            }
            MemorySegment msg = scratch.message(buf);
            if (target != null) {
                int len = Addresses.encode(target, scratch.name);
                msghdr.msg_name(msg, scratch.name);
                msghdr.msg_namelen(msg, len);
            }
            long rightsSpace = fds.isEmpty() ? 0 : Cmsg.space((long) Integer.BYTES * fds.size());
            long credSpace = credentials ? Cmsg.space(ucred.sizeof()) : 0;
            if (rightsSpace + credSpace > 0) {
                MemorySegment control = scratch.control; // written at offsets: no slice per message
                Cmsg.clear(control, rightsSpace + credSpace);
                long h = 0;
                if (!fds.isEmpty()) {
                    Cmsg.writeHeader(control, h, (long) Integer.BYTES * fds.size(), Native.SOL_SOCKET, Native.SCM_RIGHTS);
                    long d = Cmsg.data(h);
                    for (int i = 0; i < fds.size(); i++) {
                        int n = FdUse.enter(fds.get(i));
                        acquired++;
                        control.set(ValueLayout.JAVA_INT, d, n);
                        d += Integer.BYTES;
                    }
                    h += rightsSpace;
                }
                if (credentials) {
                    Cmsg.writeHeader(control, h, ucred.sizeof(), Native.SOL_SOCKET, Native.SCM_CREDENTIALS);
                    MemorySegment cred = control.asSlice(Cmsg.data(h), ucred.sizeof());
                    ucred.pid(cred, SocketCalls.getpid());
                    ucred.uid(cred, SocketCalls.getuid());
                    ucred.gid(cred, SocketCalls.getgid());
                }
                msghdr.msg_control(msg, control);
                msghdr.msg_controllen(msg, rightsSpace + credSpace);
            }
            Duration limit = sendTimeout;
            long deadline = untimed(limit); // one limit for the message and the rest of its data
            long r = core.call(SocketCore::sendmsg, msg, 0, Native.MSG_NOSIGNAL, deadline, Timing.POLL_OUT);
            if (r == -Native.ETIMEDOUT) {
                throw timedOut("sendmsg", limit);
            }
            if (r == -Native.EAGAIN) {
                return 0;
            }
            if (r < 0) {
                if (target != null && (-r == LibC.ECONNREFUSED() || -r == LibC.ENOENT())) {
                    throw connectError("sendmsg", core.number, target, (int) -r);
                }
                throw sendError("sendmsg", (int) -r, data.byteSize());
            }
            if (r < buf.byteSize() && core.type == SocketType.STREAM && core.isBlocking()) {
                // the descriptors went with the first byte; the rest follows as plain data
                r += Math.max(0, sendNative(buf.asSlice(r), deadline));
            }
            return r;
        } finally {
            for (int i = 0; i < acquired; i++) {
                FdUse.exit(fds.get(i));
            }
        }
    }

    // ---------------------------------------------------------------- receive

    /**
     * Receives bytes: on a stream socket what has arrived, up to the segment's size; on a
     * datagram or seqpacket socket one whole message, of which what does not fit is
     * discarded. Allocates nothing for a native segment.
     *
     * @param buffer where the bytes go
     * @return the bytes received; on a datagram or seqpacket socket the message's real
     *         length, larger than the buffer when the message was truncated (MSG_TRUNC);
     *         -1 at end of stream on a stream socket (a seqpacket socket whose peer closed
     *         returns 0, as an empty message would); 0 in non-blocking mode when nothing has
     *         arrived (an empty datagram reads as 0 too, as in the JDK's DatagramChannel)
     * @throws SocketTimeoutException if {@link UnixSocketOptions#SO_RCVTIMEO} passed first
     * @throws ClosedChannelException if the socket is closed
     * @throws AsynchronousCloseException if another thread closed it meanwhile
     * @throws ClosedByInterruptException if the thread was interrupted while it waited; the
     *         socket is closed
     * @throws IllegalArgumentException if the segment is read-only
     * @throws IOException if {@code recv(2)} fails (ECONNRESET, ENOTCONN; EFAULT if
     *         {@code buffer} is shared memory a peer truncated: a stream keeps the bytes for
     *         the next receive, a datagram or seqpacket message is lost, dequeued before the
     *         copy failed)
     * @see <a href="https://man7.org/linux/man-pages/man2/recv.2.html">recv(2)</a>
     */
    public long receive(MemorySegment buffer) throws IOException {
        Duration limit = receiveTimeout;
        long r = receiveAny(buffer, untimed(limit));
        if (r == -Native.ETIMEDOUT) {
            throw timedOut("receive", limit);
        }
        return received(r, buffer);
    }

    /**
     * Receives bytes, waiting at most {@code timeout}, in either mode; see
     * {@link #receive(MemorySegment)}.
     *
     * @param buffer where the bytes go
     * @param timeout the longest wait; zero tries once
     * @return the bytes received (as {@link #receive(MemorySegment)}), or 0 if nothing
     *         arrived in time
     * @throws ClosedChannelException if the socket is closed
     * @throws AsynchronousCloseException if another thread closed it meanwhile
     * @throws ClosedByInterruptException if the thread was interrupted while it waited; the
     *         socket is closed
     * @throws IOException if {@code recv(2)} fails
     */
    public long receive(MemorySegment buffer, Duration timeout) throws IOException {
        return received(receiveAny(buffer, Deadline.end(timeout)), buffer);
    }

    /** The count a receive reports: 0 for nothing, -1 at end of stream. */
    private long received(long r, MemorySegment buffer) {
        if (SocketCore.nothing(r)) {
            return 0;
        }
        return r == 0 && core.type == SocketType.STREAM && buffer.byteSize() > 0 ? -1 : r;
    }

    /**
     * Receives into an array; see {@link #receive(MemorySegment)}.
     *
     * @param buffer where the bytes go
     * @return as {@link #receive(MemorySegment)}
     * @throws SocketTimeoutException if {@link UnixSocketOptions#SO_RCVTIMEO} passed first
     * @throws ClosedByInterruptException if the thread was interrupted while it waited
     * @throws IOException if {@code recv(2)} fails
     */
    public int receive(byte[] buffer) throws IOException {
        return receive(buffer, 0, Check.notNull("buffer", buffer).length);
    }

    /**
     * Receives into {@code length} bytes of an array from {@code offset}; see
     * {@link #receive(MemorySegment)}.
     *
     * @param buffer where the bytes go
     * @param offset where to start
     * @param length room for at most this many
     * @return as {@link #receive(MemorySegment)}, at most {@link Integer#MAX_VALUE}
     * @throws SocketTimeoutException if {@link UnixSocketOptions#SO_RCVTIMEO} passed first
     * @throws ClosedByInterruptException if the thread was interrupted while it waited
     * @throws IOException if {@code recv(2)} fails
     */
    public int receive(byte[] buffer, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, Check.notNull("buffer", buffer).length);
        if (Waiter.copiesThroughScratch(length, SCRATCH_SIZE)) { // no segment per call
            Waiter w = Waiter.current();
            long r = receive(w.scratch(length));
            if (r > 0) { // a datagram's length may exceed the buffer (MSG_TRUNC)
                w.copyBack(buffer, offset, (int) Math.min(r, length));
            }
            return (int) Math.min(Integer.MAX_VALUE, r);
        }
        return (int) Math.min(Integer.MAX_VALUE, receive(MemorySegment.ofArray(buffer).asSlice(offset, length)));
    }

    /**
     * Reads into the buffer, as {@link java.nio.channels.ReadableByteChannel} says; on a
     * datagram or seqpacket socket one message, the part that does not fit discarded.
     *
     * @param dst where the bytes go, from its position to its limit; the position advances
     * @return the bytes read, -1 at end of stream, 0 in non-blocking mode when none arrived
     * @throws SocketTimeoutException if {@link UnixSocketOptions#SO_RCVTIMEO} passed first
     * @throws ClosedByInterruptException if the thread was interrupted while it waited
     * @throws IOException if {@code recv(2)} fails
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (dst == null) {
            throw new NullPointerException("dst must not be null");
        }
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("dst is read-only");
        }
        int len = dst.remaining();
        long r;
        if (Waiter.copiesThroughScratch(dst, len, SCRATCH_SIZE)) { // no segment per call
            Waiter w = Waiter.current();
            r = receive(w.scratch(len));
            if (r > 0) {
                w.copyBack(dst, (int) Math.min(r, len));
            }
        } else {
            r = receive(MemorySegment.ofBuffer(dst));
        }
        if (r < 0) {
            return -1;
        }
        int n = (int) Math.min(r, dst.remaining());
        dst.position(dst.position() + n);
        return n;
    }

    /**
     * Receives one datagram and its sender's address ({@code recvmsg} with {@code msg_name}).
     *
     * @param buffer where the message goes
     * @return the message's length, truncation and sender, or {@code null} in non-blocking
     *         mode when nothing has arrived
     * @throws SocketTimeoutException if {@link UnixSocketOptions#SO_RCVTIMEO} passed first
     * @throws ClosedByInterruptException if the thread was interrupted while it waited; the
     *         socket is closed
     * @throws IOException if {@code recvmsg(2)} fails
     * @see <a href="https://man7.org/linux/man-pages/man2/recvmsg.2.html">recvmsg(2)</a>
     */
    public ReceivedMessage receiveFrom(MemorySegment buffer) throws IOException {
        return receiveMessageUntimed(buffer, 0, true);
    }

    /**
     * Receives data and the descriptors and credentials that came with it
     * ({@code recvmsg} with {@code MSG_CMSG_CLOEXEC}).
     *
     * <p>Room is made for {@code maxDescriptors} descriptors. If more arrived, the kernel
     * drops the rest and reports MSG_CTRUNC; this method then closes every descriptor that
     * did arrive and reports {@link ReceivedMessage#descriptorsTruncated()}, so that
     * nothing leaks and the caller learns the message was incomplete. Credentials arrive
     * when {@link UnixSocketOptions#SO_PASSCRED} is set.
     *
     * <p><b>Lifetime.</b> The received descriptors belong to the caller: close them, or
     * close the returned message.
     *
     * @param buffer where the data goes
     * @param maxDescriptors the most descriptors expected, 0 to {@value #MAX_DESCRIPTORS}
     * @return what was received, or {@code null} in non-blocking mode when nothing arrived;
     *         its length is -1 at end of stream on a stream socket
     * @throws SocketTimeoutException if {@link UnixSocketOptions#SO_RCVTIMEO} passed first
     * @throws ClosedByInterruptException if the thread was interrupted while it waited; the
     *         socket is closed
     * @throws IllegalArgumentException if {@code maxDescriptors} is out of range or the
     *         buffer is read-only
     * @throws IOException if {@code recvmsg(2)} fails (EMFILE: no room in this process for
     *         the descriptors)
     * @see <a href="https://man7.org/linux/man-pages/man7/unix.7.html">unix(7), SCM_RIGHTS</a>
     */
    public ReceivedMessage receiveMessage(MemorySegment buffer, int maxDescriptors) throws IOException {
        return receiveMessageUntimed(buffer, maxDescriptors, false);
    }

    /**
     * Receives data, descriptors and credentials, waiting at most {@code timeout} in either
     * mode; see {@link #receiveMessage(MemorySegment, int)}.
     *
     * @param buffer where the data goes
     * @param maxDescriptors the most descriptors expected, 0 to {@value #MAX_DESCRIPTORS}
     * @param timeout the longest wait; zero tries once
     * @return what was received, or {@code null} if nothing arrived in time
     * @throws ClosedByInterruptException if the thread was interrupted while it waited; the
     *         socket is closed
     * @throws IOException if {@code recvmsg(2)} fails
     */
    public ReceivedMessage receiveMessage(MemorySegment buffer, int maxDescriptors, Duration timeout)
            throws IOException {
        return receiveMessage(buffer, maxDescriptors, false, Deadline.end(timeout), null);
    }

    private ReceivedMessage receiveMessageUntimed(MemorySegment buffer, int maxDescriptors, boolean sender)
            throws IOException {
        Duration limit = receiveTimeout;
        return receiveMessage(buffer, maxDescriptors, sender, untimed(limit), limit);
    }

    /** Receives into any segment: the call's result, or -EAGAIN / -ETIMEDOUT for nothing. */
    private long receiveAny(MemorySegment buffer, long deadline) throws IOException {
        Check.writable("buffer", buffer);
        if (buffer.isNative()) {
            return receiveNative(buffer, deadline);
        }
        long r = core.callHeap(SocketCore::recv, buffer, true, receiveFlags, deadline, Timing.POLL_IN);
        if (r < 0 && !SocketCore.nothing(r)) {
            throw Errors.of("recv", "fd=" + core.number + ", len=" + buffer.byteSize(), (int) -r);
        }
        return r;
    }

    private long receiveNative(MemorySegment buffer, long deadline) throws IOException {
        long r = core.call(SocketCore::recv, buffer, buffer.byteSize(), receiveFlags, deadline, Timing.POLL_IN);
        if (r < 0 && !SocketCore.nothing(r)) {
            throw Errors.of("recv", "fd=" + core.number + ", len=" + buffer.byteSize(), (int) -r);
        }
        return r;
    }

    /**
     * @param optionLimit SO_RCVTIMEO when {@code deadline} is its limit: running out is then
     *        {@link SocketTimeoutException}; {@code null} when running out is {@code null}
     */
    private ReceivedMessage receiveMessage(MemorySegment buffer, int maxDescriptors, boolean wantSender,
                                           long deadline, Duration optionLimit) throws IOException {
        Check.writable("buffer", buffer);
        if (maxDescriptors < 0 || maxDescriptors > MAX_DESCRIPTORS) {
            throw new IllegalArgumentException("maxDescriptors=" + maxDescriptors + " must be 0 to " + MAX_DESCRIPTORS);
        }
        boolean copied = !buffer.isNative();
        boolean large = copied && buffer.byteSize() > MessageScratch.DATA_CAPACITY;
        MessageScratch scratch = MessageScratch.get(copied && !large ? buffer.byteSize() : 0);
        try (Arena arena = large ? Arena.ofConfined() : null) {
            MemorySegment buf = buffer;
            if (copied) {
                buf = large ? arena.allocate(buffer.byteSize()) : scratch.data;
            }
            MemorySegment msg = scratch.message(buf);
            if (wantSender) {
                msghdr.msg_name(msg, scratch.name);
                msghdr.msg_namelen(msg, (int) scratch.name.byteSize());
            }
            // Room for exactly the descriptors asked for, after the credentials the kernel puts
            // first when SO_PASSCRED is on. It drops whatever does not fit, without installing
            // it, and flags MSG_CTRUNC; with no room at all (msg_control NULL) it drops all.
            // The kernel is offered CMSG_LEN for the last message, not CMSG_SPACE, whose
            // padding would fit one descriptor more; the buffer itself has CMSG_SPACE (zeroed),
            // so that CMSG_NXTHDR, which wants the aligned length, can walk to the last message.
            long credentialRoom = passCredentials ? Cmsg.space(ucred.sizeof()) : 0;
            long room = credentialRoom + (maxDescriptors > 0 ? Cmsg.len((long) Integer.BYTES * maxDescriptors) : 0);
            long allocated = credentialRoom + (maxDescriptors > 0 ? Cmsg.space((long) Integer.BYTES * maxDescriptors) : 0);
            MemorySegment control = scratch.control; // read and written at offsets: no slice per message
            Cmsg.clear(control, allocated);
            msghdr.msg_control(msg, room == 0 ? MemorySegment.NULL : control);
            msghdr.msg_controllen(msg, room);
            long r = core.call(SocketCore::recvmsg, msg, 0, receiveFlags | Native.MSG_CMSG_CLOEXEC, deadline, Timing.POLL_IN);
            if (r == -Native.ETIMEDOUT && optionLimit != null) {
                throw timedOut("recvmsg", optionLimit);
            }
            if (SocketCore.nothing(r)) {
                return null;
            }
            if (r < 0) {
                throw Errors.of("recvmsg", "fd=" + core.number + ", len=" + buffer.byteSize(), (int) -r);
            }
            boolean controlTruncated = (msghdr.msg_flags(msg) & Native.MSG_CTRUNC) != 0;
            long controlLength = room == 0 ? 0 : Math.min(Cmsg.align(msghdr.msg_controllen(msg)), allocated);
            // the first descriptor held alone, the others in an array of their number: with the
            // message and an OwnedFd per descriptor, all a received message allocates
            OwnedFd first = null;
            OwnedFd[] more = NO_DESCRIPTORS;
            int received = 0;
            Credentials credentials = null;
            try {
                for (long h = Cmsg.firstHeader(controlLength); h >= 0; h = Cmsg.nextHeader(control, controlLength, h)) {
                    long len = Cmsg.length(control, h);
                    if (len < Cmsg.len(0) || h + len > controlLength) {
                        break;
                    }
                    if (Cmsg.level(control, h) != Native.SOL_SOCKET) {
                        continue;
                    }
                    int kind = Cmsg.type(control, h);
                    if (kind == Native.SCM_RIGHTS) {
                        int count = (int) ((len - Cmsg.len(0)) / Integer.BYTES);
                        if (received + count - 1 > more.length) {
                            more = Arrays.copyOf(more, received + count - 1);
                        }
                        for (int i = 0; i < count; i++) {
                            OwnedFd fd = OwnedFd.adopt(control.get(ValueLayout.JAVA_INT, Cmsg.data(h) + (long) i * Integer.BYTES));
                            if (received == 0) {
                                first = fd;
                            } else {
                                more[received - 1] = fd;
                            }
                            received++;
                        }
                    } else if (kind == Native.SCM_CREDENTIALS && len >= Cmsg.len(ucred.sizeof())) {
                        MemorySegment c = control.asSlice(Cmsg.data(h), ucred.sizeof());
                        credentials = new Credentials(ucred.pid(c), ucred.uid(c), ucred.gid(c));
                    }
                }
            } catch (Throwable t) {
                closeAll(first, more, received);
                throw t;
            }
            if (controlTruncated) {
                closeAll(first, more, received);
                received = 0;
            }
            if (copied && r > 0) {
                MemorySegment.copy(buf, 0, buffer, 0, Math.min(r, buffer.byteSize()));
            }
            long length = r == 0 && core.type == SocketType.STREAM && buffer.byteSize() > 0 ? -1 : r;
            SocketAddress from = wantSender ? Addresses.decode(scratch.name, msghdr.msg_namelen(msg)) : null;
            return new ReceivedMessage(length, buffer.byteSize(), controlTruncated, received == 0 ? null : first,
                    more, received, credentials, from);
        }
    }

    private static void closeAll(OwnedFd first, OwnedFd[] more, int count) {
        for (int i = 0; i < count; i++) {
            (i == 0 ? first : more[i - 1]).close();
        }
    }

    // ---------------------------------------------------------------- streams and lifecycle

    /**
     * An {@link InputStream} reading from this socket; closing it closes the socket.
     *
     * @return the stream
     * @throws IllegalBlockingModeException from its reads when the socket is non-blocking
     */
    public InputStream inputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int r = read(one, 0, 1);
                return r <= 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                if (len == 0) {
                    return 0;
                }
                if (!core.isBlocking()) {
                    throw new IllegalBlockingModeException();
                }
                int r = receive(b, off, len);
                return r < 0 ? -1 : Math.min(r, len);
            }

            @Override
            public void close() {
                UnixSocket.this.close();
            }
        };
    }

    /**
     * An {@link OutputStream} writing to this socket; closing it closes the socket.
     *
     * @return the stream
     * @throws IllegalBlockingModeException from its writes when the socket is non-blocking
     */
    public OutputStream outputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                if (!core.isBlocking()) {
                    throw new IllegalBlockingModeException();
                }
                send(b, off, len);
            }

            @Override
            public void close() {
                UnixSocket.this.close();
            }
        };
    }

    /** {@return how many threads are blocked in a call on this socket now} */
    int waiting() {
        return core.blocker.waiting();
    }

    /** {@return whether the socket is open} */
    @Override
    public boolean isOpen() {
        return core.isOpen();
    }

    /**
     * Closes the socket, once; later calls do nothing. Every thread blocked in a send or
     * receive on it is released with {@link AsynchronousCloseException}. A socket bound to a
     * path with {@link #unlinkOnClose()} removes its file.
     */
    @Override
    public void close() {
        core.close();
    }

    /**
     * {@return what a {@link org.panamaipc.WaitSet} can wait for on this socket:
     *     {@link Interest#READABLE} (data, a datagram, or end of stream) and
     *     {@link Interest#WRITABLE} (room)}
     */
    @Override
    public Set<Interest> interests() {
        return OFFERS;
    }

    @Override
    public String toString() {
        return "UnixSocket[" + core.type + ", fd=" + core.number + "]";
    }
}
