package org.panamaipc.socket;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.panamaipc.IpcFileAlreadyExistsException;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.sockaddr_un;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Blocker.Timing;
import org.panamaipc.internal.BlockingCall;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.FdKinds;
import org.panamaipc.internal.Modes;
import org.panamaipc.internal.ShmCalls;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.SocketCalls;
import org.panamaipc.internal.Sys;
import org.panamaipc.internal.Waiter;

/**
 * The descriptor of a socket, its {@link Blocker} (through which every call that may wait
 * runs), its mode, and the socket file it unlinks on close.
 *
 * <p>Its calls return their result or {@code -errno}; {@code -EAGAIN} (a socket in
 * non-blocking mode had nothing) and {@code -ETIMEDOUT} (the deadline passed) both mean that
 * nothing was done, which {@link #nothing(long)} tells.
 */
final class SocketCore {
    static {
        NativeAccess.require(); // first: without native access, a clear error instead of a failed initialization
    }

    static final int EAGAIN = LibC.EAGAIN();
    static final int ETIMEDOUT = Blocker.ETIMEDOUT;
    private static final int MSG_DONTWAIT = LibC.MSG_DONTWAIT();
    /** What the calls are given for "do not wait": any {@code timeout} that is not {@code NULL}. */

    final OwnedFd fd;
    final SocketType type;
    /** The descriptor's number, for error messages only. */
    final int number;
    final Blocker blocker;
    private volatile boolean blocking;
    private volatile Path boundPath;
    private volatile boolean unlinkOnClose;

    /**
     * @param channel the {@link java.nio.channels.Channel} that owns this core (use after close
     *        is {@link ClosedChannelException}, interrupt closes it), or {@code null} for a
     *        listening socket (use after close is {@link IllegalStateException}, interrupt
     *        leaves it open)
     */
    SocketCore(OwnedFd fd, SocketType type, boolean blocking, AutoCloseable channel) {
        this.fd = fd;
        this.type = type;
        this.number = fd.get();
        this.blocking = blocking;
        this.blocker = channel != null
                ? Blocker.forChannel("socket fd=" + number, fd, channel)
                : Blocker.forDescriptor("listening socket fd=" + number, fd);
    }

    /** Opens a close-on-exec socket. */
    static OwnedFd open(SocketType type, boolean nonBlocking) throws IOException {
        int flags = type.value() | LibC.SOCK_CLOEXEC() | (nonBlocking ? LibC.SOCK_NONBLOCK() : 0);
        int r = SocketCalls.socket(LibC.AF_UNIX(), flags, 0);
        if (r < 0) {
            throw Errors.of("socket", "AF_UNIX, " + type, -r);
        }
        return OwnedFd.adopt(r);
    }

    /** {@return whether a result means that nothing was done: would block, or not in time} */
    static boolean nothing(long r) {
        return r == -EAGAIN || r == -ETIMEDOUT;
    }

    boolean isOpen() {
        return blocker.isOpen();
    }

    boolean isBlocking() {
        return blocking;
    }

    /** Registers a call in flight; see {@link Blocker#enter()}. */
    int enter() throws ClosedChannelException {
        return blocker.enter();
    }

    void exit() {
        blocker.exit();
    }

    void setBlocking(boolean block) throws IOException {
        setNonBlockingFlag(!block);
        blocking = block;
    }

    /**
     * Sets or clears {@code O_NONBLOCK} on the open file, leaving what the calls here do
     * without a deadline ({@link #isBlocking()}) as it is.
     */
    void setNonBlockingFlag(boolean nonBlocking) throws IOException {
        int n = enter();
        try {
            FdKinds.setNonBlocking(n, nonBlocking);
        } finally {
            exit();
        }
    }

    // ---------------------------------------------------------------- calls that may wait

    /**
     * Runs one call that may wait: until {@code deadline}, or, without one, as the socket's
     * mode says (a socket in non-blocking mode tries once). Allocates nothing.
     *
     * @param op one of the {@link BlockingCall}s below
     * @param deadline from {@link Deadline#end}, or {@link Deadline#NONE}
     * @param timing {@link Timing#POLL_IN} or {@link Timing#POLL_OUT}
     * @return the call's result, or {@code -errno}; see {@link #nothing(long)}
     */
    long call(BlockingCall op, MemorySegment a, long x, long y, long deadline, Timing timing) throws IOException {
        if (deadline == Deadline.NONE && !blocking) {
            return tryCall(op, a, x, y);
        }
        return blocker.call(op, 0, a, MemorySegment.NULL, x, y, 0, deadline, timing);
    }

    /**
     * As {@link #call}, for a buffer on the heap: the bytes go through native memory the engine
     * lends for the call (on a virtual thread, only while it does not park).
     *
     * @param op one of the {@link BlockingCall}s below
     * @param heap the caller's bytes
     * @param fill whether the call fills them (a receive) rather than takes them (a send)
     * @param y the flags
     * @param deadline from {@link Deadline#end}, or {@link Deadline#NONE}
     * @param timing {@link Timing#POLL_IN} or {@link Timing#POLL_OUT}
     * @return the call's result, or {@code -errno}; see {@link #nothing(long)}
     */
    long callHeap(BlockingCall op, MemorySegment heap, boolean fill, long y, long deadline, Timing timing)
            throws IOException {
        if (deadline == Deadline.NONE && !blocking) { // one attempt, reported as a non-blocking socket's
            long r = blocker.callHeap(op, heap, fill, heap.byteSize(), y, Deadline.now(), timing);
            return r == -Blocker.ETIMEDOUT ? -EAGAIN : r;
        }
        return blocker.callHeap(op, heap, fill, heap.byteSize(), y, deadline, timing);
    }

    /** Makes a call once, without waiting: {@code -EAGAIN} if it would have to. */
    long tryCall(BlockingCall op, MemorySegment a, long x, long y) throws ClosedChannelException {
        return blocker.callNow(op, a, MemorySegment.NULL, x, y, 0);
    }

    /** A {@code timeout} that is not {@code NULL} means "do not block": {@code MSG_DONTWAIT}. */
    private static int flags(long flags, MemorySegment timeout) {
        return (int) flags | (timeout.address() != 0 ? MSG_DONTWAIT : 0);
    }

    /** {@code send}: {@code a} the data, {@code x} its length, {@code y} the flags. */
    static long send(int fd, MemorySegment a, MemorySegment b, long x, long y, long z, MemorySegment timeout) {
        return SocketCalls.send(fd, a, x, flags(y, timeout));
    }

    /** {@code recv}: {@code a} the buffer, {@code x} its length, {@code y} the flags. */
    static long recv(int fd, MemorySegment a, MemorySegment b, long x, long y, long z, MemorySegment timeout) {
        return SocketCalls.recv(fd, a, x, flags(y, timeout));
    }

    /** {@code sendmsg}: {@code a} the {@code msghdr}, {@code y} the flags. */
    static long sendmsg(int fd, MemorySegment a, MemorySegment b, long x, long y, long z, MemorySegment timeout) {
        return SocketCalls.sendmsg(fd, a, flags(y, timeout));
    }

    /** {@code recvmsg}: {@code a} the {@code msghdr}, {@code y} the flags. */
    static long recvmsg(int fd, MemorySegment a, MemorySegment b, long x, long y, long z, MemorySegment timeout) {
        return SocketCalls.recvmsg(fd, a, flags(y, timeout));
    }

    /**
     * {@code accept4} on a listening socket: {@code y} the flags. It blocks only on a blocking
     * listening socket from a platform thread's untimed {@code accept()};
     * {@link UnixServerSocket} makes the socket non-blocking before any accept that must not wait.
     */
    static long accept(int fd, MemorySegment a, MemorySegment b, long x, long y, long z, MemorySegment timeout) {
        return SocketCalls.accept4(fd, (int) y);
    }

    /**
     * {@code connect}: {@code a} the address, {@code x} its length. A Unix socket's connect
     * interrupted by a signal leaves the socket unconnected, so it is simply made again
     * (unlike TCP's, which would report EALREADY).
     */
    static long connect(int fd, MemorySegment a, MemorySegment b, long x, long y, long z, MemorySegment timeout) {
        return SocketCalls.connect(fd, a, (int) x);
    }

    // ---------------------------------------------------------------- address and options

    /**
     * Binds the socket; a path becomes the file {@link #unlinkOnClose()} may remove.
     *
     * @throws IpcFileAlreadyExistsException if the address is taken (EADDRINUSE)
     */
    void bind(SocketAddress address, Set<PosixFilePermission> permissions) throws IOException {
        int mode = Modes.toMode(permissions);
        int n = enter();
        try {
            if (address instanceof UnixDomainSocketAddress) {
                // Linux creates the socket file with this inode's mode less the umask: set first,
                // the file never exists with a wider mode than asked for
                int r = ShmCalls.fchmod(n, mode);
                if (r < 0) {
                    throw Errors.of("fchmod", "fd=" + n + ", " + Modes.octal(mode), -r);
                }
            }
            MemorySegment sa = Waiter.current().scratch(sockaddr_un.sizeof());
            int len = Addresses.encode(address, sa);
            int r = SocketCalls.bind(n, sa, len);
            if (r < 0) {
                String where = Addresses.describe(address);
                if (-r == LibC.EADDRINUSE()) {
                    String name = address instanceof UnixDomainSocketAddress u ? u.getPath().toString() : where;
                    throw new IpcFileAlreadyExistsException("bind", name, "fd=" + n + ", " + where, -r);
                }
                throw Errors.named("bind", where, "fd=" + n + ", " + where, -r);
            }
            if (address instanceof UnixDomainSocketAddress u) {
                boundPath = u.getPath();
                SocketFileMode.widenToAsked(boundPath, mode, permissions);
            }
        } finally {
            exit();
        }
    }

    /** Makes {@link #close()} unlink the path this core bound, if any. */
    void unlinkOnClose() {
        unlinkOnClose = true;
    }

    /** {@code getsockname}/{@code getpeername}. */
    SocketAddress address(boolean peer) throws IOException {
        int n = enter();
        try {
            MemorySegment s = Waiter.current().scratch(sockaddr_un.sizeof() + Integer.BYTES);
            MemorySegment sa = s.asSlice(Integer.BYTES, sockaddr_un.sizeof());
            s.set(ValueLayout.JAVA_INT, 0, (int) sa.byteSize());
            int r = peer ? SocketCalls.getpeername(n, sa, s) : SocketCalls.getsockname(n, sa, s);
            if (r < 0) {
                if (peer && -r == LibC.ENOTCONN()) {
                    return null;
                }
                throw Errors.of(peer ? "getpeername" : "getsockname", "fd=" + n, -r);
            }
            return Addresses.decode(sa, s.get(ValueLayout.JAVA_INT, 0));
        } finally {
            exit();
        }
    }

    int getIntOption(int level, int name, String what) throws IOException {
        int n = enter();
        try {
            return intOption(n, level, name, what);
        } finally {
            exit();
        }
    }

    /** {@code getsockopt} of an {@code int} option on a descriptor the caller holds. */
    static int intOption(int n, int level, int name, String what) throws IOException {
        MemorySegment s = Waiter.current().scratch(2 * Integer.BYTES);
        MemorySegment v = s.asSlice(0, Integer.BYTES);
        MemorySegment len = s.asSlice(Integer.BYTES, Integer.BYTES);
        len.set(ValueLayout.JAVA_INT, 0, Integer.BYTES);
        int r = SocketCalls.getsockopt(n, level, name, v, len);
        if (r < 0) {
            throw Errors.of("getsockopt", "fd=" + n + ", " + what, -r);
        }
        return v.get(ValueLayout.JAVA_INT, 0);
    }

    void setIntOption(int level, int name, String what, int value) throws IOException {
        int n = enter();
        try {
            MemorySegment v = Waiter.current().scratch(Integer.BYTES);
            v.set(ValueLayout.JAVA_INT, 0, value);
            int r = SocketCalls.setsockopt(n, level, name, v, Integer.BYTES);
            if (r < 0) {
                throw Errors.of("setsockopt", "fd=" + n + ", " + what + "=" + value, -r);
            }
        } finally {
            exit();
        }
    }

    /**
     * Closes the socket, once: marks it closed, releases every thread blocked on it, and
     * unlinks the socket file if asked to.
     */
    void close() {
        if (!blocker.close()) {
            return;
        }
        Path path = boundPath;
        if (unlinkOnClose && path != null) {
            try (Arena arena = Arena.ofConfined()) {
                Sys.unlink(arena.allocateFrom(path.toString()));
            }
        }
    }
}
