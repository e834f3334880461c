package org.panamaipc.socket;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.pollfd;
import org.panamaipc.bindings.sockaddr_un;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.SocketCalls;
import org.panamaipc.internal.Sys;
import org.panamaipc.internal.Waiters;

/**
 * The descriptor of a socket and the one loop through which every call that may block
 * runs: it retries after EINTR, waits with {@code poll} when a timeout applies, and lets
 * {@link #close()} from another thread release a blocked caller.
 */
final class SocketCore {
    /**
     * Nothing could be done without waiting, or not within the timeout: a value no
     * {@code -errno} can take.
     */
    static final long AGAIN = Long.MIN_VALUE;
    /** {@link #io} waits without limit. */
    static final long FOREVER = -1;

    static final int EAGAIN = LibC.EAGAIN();
    static final int EINTR = LibC.EINTR();
    static final int MSG_DONTWAIT = LibC.MSG_DONTWAIT();
    static final short POLLIN = (short) LibC.POLLIN();
    static final short POLLOUT = (short) LibC.POLLOUT();

    private static final ThreadLocal<MemorySegment> POLLFD =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(pollfd.layout()));

    final OwnedFd fd;
    final SocketType type;
    /** The descriptor's number, for error messages only. */
    final int number;
    private final Waiters waiters = new Waiters();
    private volatile boolean blocking;
    private volatile Path unlinkOnClose;

    SocketCore(OwnedFd fd, SocketType type, boolean blocking) {
        this.fd = fd;
        this.type = type;
        this.number = fd.get();
        this.blocking = blocking;
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

    boolean isOpen() {
        return fd.isOpen();
    }

    boolean isBlocking() {
        return blocking;
    }

    /** Acquires the descriptor for a call, or throws the JDK's exception for a closed channel. */
    int acquire() throws ClosedChannelException {
        try {
            return fd.acquire();
        } catch (IllegalStateException closed) {
            throw new ClosedChannelException();
        }
    }

    void release() {
        fd.release();
    }

    void setBlocking(boolean block) throws IOException {
        int n = acquire();
        try {
            setNonBlockingFlag(n, !block);
            blocking = block;
        } finally {
            release();
        }
    }

    static void setNonBlockingFlag(int n, boolean nonBlocking) throws IOException {
        int fl = Sys.fcntl(n, LibC.F_GETFL(), 0);
        if (fl >= 0) {
            int want = nonBlocking ? fl | LibC.O_NONBLOCK() : fl & ~LibC.O_NONBLOCK();
            fl = want == fl ? 0 : Sys.fcntl(n, LibC.F_SETFL(), want);
        }
        if (fl < 0) {
            throw Errors.of("fcntl", "fd=" + n + ", F_SETFL", -fl);
        }
    }

    void unlinkOnClose(Path path) {
        unlinkOnClose = path;
    }

    /**
     * Runs one socket call ({@link SocketCalls#io}), waiting as the socket's mode and
     * {@code timeoutNanos} say.
     *
     * @param timeoutNanos {@link #FOREVER}, 0 for no wait, or the longest wait
     * @param events what to wait for: {@link #POLLIN} or {@link #POLLOUT}
     * @param descriptorIsNonBlocking whether the descriptor has {@code O_NONBLOCK}, so
     *        that an untimed wait must poll (a listening socket, a non-blocking socket)
     * @return the call's result, {@code -errno}, or {@link #AGAIN}
     * @throws AsynchronousCloseException if another thread closed the socket meanwhile
     */
    long io(int op, MemorySegment buf, long len, int flags, short events, long timeoutNanos,
            boolean descriptorIsNonBlocking) throws IOException {
        int n = acquire();
        try {
            if (timeoutNanos == 0) {
                long r;
                do {
                    r = SocketCalls.io(op, n, buf, len, takesMessageFlags(op) ? flags | MSG_DONTWAIT : flags);
                } while (r == -EINTR);
                return r == -EAGAIN ? AGAIN : r;
            }
            if (timeoutNanos == FOREVER && !descriptorIsNonBlocking) {
                return blockingIo(op, n, buf, len, flags);
            }
            return pollingIo(op, n, buf, len, flags, events, timeoutNanos);
        } finally {
            release();
        }
    }

    private static boolean takesMessageFlags(int op) {
        return op != SocketCalls.OP_ACCEPT && op != SocketCalls.OP_CONNECT;
    }

    private long blockingIo(int op, int n, MemorySegment buf, long len, int flags) throws IOException {
        int slot = waiters.enter();
        try {
            long r;
            do {
                if (!fd.isOpen()) {
                    throw new AsynchronousCloseException();
                }
                r = SocketCalls.io(op, n, buf, len, flags);
            } while (r == -EINTR);
            if (r == -EAGAIN) {
                return AGAIN; // a receive timeout set on the descriptor by someone else
            }
            return r;
        } finally {
            waiters.exit(slot);
        }
    }

    private long pollingIo(int op, int n, MemorySegment buf, long len, int flags, short events, long timeoutNanos)
            throws IOException {
        int callFlags = takesMessageFlags(op) ? flags | MSG_DONTWAIT : flags;
        long start = System.nanoTime();
        while (true) {
            long r = SocketCalls.io(op, n, buf, len, callFlags);
            if (r != -EAGAIN && r != -EINTR) {
                return r;
            }
            int millis;
            if (timeoutNanos == FOREVER) {
                millis = -1;
            } else {
                long left = timeoutNanos - (System.nanoTime() - start);
                if (left <= 0) {
                    return AGAIN;
                }
                millis = (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000);
            }
            awaitReady(n, events, millis);
        }
    }

    /** Waits in {@code poll} until the descriptor is ready, the time passes or the socket is closed. */
    private void awaitReady(int n, short events, int millis) throws IOException {
        MemorySegment p = POLLFD.get();
        pollfd.fd(p, n);
        pollfd.events(p, events);
        pollfd.revents(p, (short) 0);
        int slot = waiters.enter();
        try {
            if (!fd.isOpen()) {
                throw new AsynchronousCloseException();
            }
            int r = Sys.poll(p, 1, millis);
            if (!fd.isOpen()) {
                throw new AsynchronousCloseException();
            }
            if (r < 0 && r != -EINTR) {
                throw Errors.of("poll", "fd=" + n, -r);
            }
        } finally {
            waiters.exit(slot);
        }
    }

    /** {@code getsockname}/{@code getpeername}. */
    SocketAddress address(boolean peer) throws IOException {
        int n = acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(sockaddr_un.layout());
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, (int) sa.byteSize());
            int r = peer ? SocketCalls.getpeername(n, sa, len) : SocketCalls.getsockname(n, sa, len);
            if (r < 0) {
                if (peer && -r == LibC.ENOTCONN()) {
                    return null;
                }
                throw Errors.of(peer ? "getpeername" : "getsockname", "fd=" + n, -r);
            }
            return Addresses.decode(sa, len.get(ValueLayout.JAVA_INT, 0));
        } finally {
            release();
        }
    }

    int getIntOption(int level, int name, String what) throws IOException {
        int n = acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, Integer.BYTES);
            int r = SocketCalls.getsockopt(n, level, name, v, len);
            if (r < 0) {
                throw Errors.of("getsockopt", "fd=" + n + ", " + what, -r);
            }
            return v.get(ValueLayout.JAVA_INT, 0);
        } finally {
            release();
        }
    }

    void setIntOption(int level, int name, String what, int value) throws IOException {
        int n = acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
            v.set(ValueLayout.JAVA_INT, 0, value);
            int r = SocketCalls.setsockopt(n, level, name, v, Integer.BYTES);
            if (r < 0) {
                throw Errors.of("setsockopt", "fd=" + n + ", " + what + "=" + value, -r);
            }
        } finally {
            release();
        }
    }

    /**
     * Closes the descriptor, once: marks it closed, releases every thread blocked on it,
     * and unlinks the socket file if asked to.
     */
    void close() {
        if (!fd.isOpen()) {
            return;
        }
        fd.close();
        waiters.wakeAll();
        Path path = unlinkOnClose;
        if (path != null) {
            unlinkOnClose = null;
            try (Arena arena = Arena.ofConfined()) {
                Sys.unlink(arena.allocateFrom(path.toString()));
            }
        }
    }
}
