package org.panamaipc.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.panamaipc.bindings.LibC;

/**
 * The socket calls of {@code <sys/socket.h>}, each returning its result or {@code -errno}
 * (the convention of {@link Sys}). None retries after a signal: the calls that may block run
 * through {@link Blocker}, which decides whether to try again.
 *
 * <p><b>Why some calls are linked with hand-written descriptors.</b> glibc declares
 * {@code bind}, {@code connect}, {@code accept4}, {@code getsockname} and
 * {@code getpeername} with {@code __SOCKADDR_ARG}/{@code __CONST_SOCKADDR_ARG}, a
 * transparent union of pointers ({@code __attribute__((transparent_union))}), which
 * jextract renders as a union passed by value. A transparent union is passed exactly as
 * its first member, a pointer: the ABI is identical to {@code struct sockaddr *}. So those
 * functions are linked at the same address with a descriptor taking {@code ADDRESS}, which
 * lets us pass the {@code struct sockaddr_un} segment itself.
 */
public final class SocketCalls {
    static {
        NativeAccess.require(); // first: without native access, a clear error instead of a failed initialization
    }

    private SocketCalls() {
    }

    private static final FunctionDescriptor FD_ADDR_LEN =
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final FunctionDescriptor FD_ADDR_LENPTR =
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);

    private static final MethodHandle SOCKET = Downcalls.nonBlocking(LibC.socket$address(), LibC.socket$descriptor());
    private static final MethodHandle SOCKETPAIR =
            Downcalls.nonBlocking(LibC.socketpair$address(), LibC.socketpair$descriptor());
    // bind creates the socket file: a filesystem operation, so not critical.
    private static final MethodHandle BIND = Downcalls.blocking(LibC.bind$address(), FD_ADDR_LEN);
    private static final MethodHandle CONNECT = Downcalls.blocking(LibC.connect$address(), FD_ADDR_LEN);
    private static final MethodHandle LISTEN = Downcalls.nonBlocking(LibC.listen$address(), LibC.listen$descriptor());
    private static final MethodHandle ACCEPT4 = Downcalls.blocking(LibC.accept4$address(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKNAME = Downcalls.nonBlocking(LibC.getsockname$address(), FD_ADDR_LENPTR);
    private static final MethodHandle GETPEERNAME = Downcalls.nonBlocking(LibC.getpeername$address(), FD_ADDR_LENPTR);
    private static final MethodHandle GETSOCKOPT =
            Downcalls.nonBlocking(LibC.getsockopt$address(), LibC.getsockopt$descriptor());
    private static final MethodHandle SETSOCKOPT =
            Downcalls.nonBlocking(LibC.setsockopt$address(), LibC.setsockopt$descriptor());
    private static final MethodHandle SHUTDOWN =
            Downcalls.nonBlocking(LibC.shutdown$address(), LibC.shutdown$descriptor());
    private static final MethodHandle SEND = Downcalls.blocking(LibC.send$address(), LibC.send$descriptor());
    private static final MethodHandle RECV = Downcalls.blocking(LibC.recv$address(), LibC.recv$descriptor());
    private static final MethodHandle SENDMSG = Downcalls.blocking(LibC.sendmsg$address(), LibC.sendmsg$descriptor());
    private static final MethodHandle RECVMSG = Downcalls.blocking(LibC.recvmsg$address(), LibC.recvmsg$descriptor());
    private static final MethodHandle GETPID = Downcalls.plain(LibC.getpid$address(), LibC.getpid$descriptor(), true);
    private static final MethodHandle GETUID = Downcalls.plain(LibC.getuid$address(), LibC.getuid$descriptor(), true);
    private static final MethodHandle GETGID = Downcalls.plain(LibC.getgid$address(), LibC.getgid$descriptor(), true);

    private static int result(int r, MemorySegment st) {
        return r >= 0 ? r : -CallState.errno(st);
    }

    private static long result(long r, MemorySegment st) {
        return r >= 0 ? r : -CallState.errno(st);
    }

    /**
     * {@code socket(domain, type, protocol)}.
     *
     * @param domain {@code AF_UNIX}
     * @param type {@code SOCK_*}, with {@code SOCK_CLOEXEC}/{@code SOCK_NONBLOCK}
     * @param protocol 0
     * @return the descriptor, or {@code -errno}
     */
    public static int socket(int domain, int type, int protocol) {
        MemorySegment st = CallState.get();
        try {
            return result((int) SOCKET.invokeExact(st, domain, type, protocol), st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code socketpair(domain, type, protocol, sv)}.
     *
     * @param domain {@code AF_UNIX}
     * @param type {@code SOCK_*}, with {@code SOCK_CLOEXEC}
     * @param protocol 0
     * @param sv two ints receiving the descriptors
     * @return 0, or {@code -errno}
     */
    public static int socketpair(int domain, int type, int protocol, MemorySegment sv) {
        MemorySegment st = CallState.get();
        try {
            return result((int) SOCKETPAIR.invokeExact(st, domain, type, protocol, sv), st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code bind(fd, addr, len)}.
     *
     * @param fd the socket
     * @param addr a {@code struct sockaddr_un}
     * @param len the address's length
     * @return 0, or {@code -errno}
     */
    public static int bind(int fd, MemorySegment addr, int len) {
        MemorySegment st = CallState.get();
        try {
            return result((int) BIND.invokeExact(st, fd, addr, len), st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code connect(fd, addr, len)}, once.
     *
     * @param fd the socket
     * @param addr a {@code struct sockaddr_un}
     * @param len the address's length
     * @return 0, or {@code -errno}
     */
    public static int connect(int fd, MemorySegment addr, int len) {
        MemorySegment st = CallState.get();
        try {
            return result((int) CONNECT.invokeExact(st, fd, addr, len), st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code listen(fd, backlog)}.
     *
     * @param fd the socket
     * @param backlog the queue length
     * @return 0, or {@code -errno}
     */
    public static int listen(int fd, int backlog) {
        MemorySegment st = CallState.get();
        try {
            return result((int) LISTEN.invokeExact(st, fd, backlog), st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code getsockname(fd, addr, lenp)}.
     *
     * @param fd the socket
     * @param addr a {@code struct sockaddr_un}
     * @param lenp an int holding the buffer's size, replaced by the address's length
     * @return 0, or {@code -errno}
     */
    public static int getsockname(int fd, MemorySegment addr, MemorySegment lenp) {
        MemorySegment st = CallState.get();
        try {
            return result((int) GETSOCKNAME.invokeExact(st, fd, addr, lenp), st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code getpeername(fd, addr, lenp)}.
     *
     * @param fd the socket
     * @param addr a {@code struct sockaddr_un}
     * @param lenp an int holding the buffer's size, replaced by the address's length
     * @return 0, or {@code -errno}
     */
    public static int getpeername(int fd, MemorySegment addr, MemorySegment lenp) {
        MemorySegment st = CallState.get();
        try {
            return result((int) GETPEERNAME.invokeExact(st, fd, addr, lenp), st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code getsockopt(fd, level, name, value, lenp)}.
     *
     * @param fd the socket
     * @param level {@code SOL_SOCKET}
     * @param name {@code SO_*}
     * @param value the buffer
     * @param lenp an int holding the buffer's size, replaced by the value's length
     * @return 0, or {@code -errno}
     */
    public static int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment lenp) {
        MemorySegment st = CallState.get();
        try {
            return result((int) GETSOCKOPT.invokeExact(st, fd, level, name, value, lenp), st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code setsockopt(fd, level, name, value, len)}.
     *
     * @param fd the socket
     * @param level {@code SOL_SOCKET}
     * @param name {@code SO_*}
     * @param value the value
     * @param len its length
     * @return 0, or {@code -errno}
     */
    public static int setsockopt(int fd, int level, int name, MemorySegment value, int len) {
        MemorySegment st = CallState.get();
        try {
            return result((int) SETSOCKOPT.invokeExact(st, fd, level, name, value, len), st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code shutdown(fd, how)}.
     *
     * @param fd the socket
     * @param how {@code SHUT_RD}, {@code SHUT_WR} or {@code SHUT_RDWR}
     * @return 0, or {@code -errno}
     */
    public static int shutdown(int fd, int how) {
        MemorySegment st = CallState.get();
        try {
            return result((int) SHUTDOWN.invokeExact(st, fd, how), st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code send(fd, buf, len, flags)}, once.
     *
     * @param fd the socket
     * @param buf the data
     * @param len its length
     * @param flags {@code MSG_*} flags
     * @return the bytes sent, or {@code -errno}
     */
    public static long send(int fd, MemorySegment buf, long len, int flags) {
        MemorySegment st = CallState.get();
        try {
            return result((long) SEND.invokeExact(st, fd, buf, len, flags), st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code recv(fd, buf, len, flags)}, once.
     *
     * @param fd the socket
     * @param buf where the data goes
     * @param len its room
     * @param flags {@code MSG_*} flags
     * @return the bytes received (the message's real length with {@code MSG_TRUNC}), or {@code -errno}
     */
    public static long recv(int fd, MemorySegment buf, long len, int flags) {
        MemorySegment st = CallState.get();
        try {
            return result((long) RECV.invokeExact(st, fd, buf, len, flags), st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code sendmsg(fd, msg, flags)}, once.
     *
     * @param fd the socket
     * @param msg a {@code struct msghdr}
     * @param flags {@code MSG_*} flags
     * @return the bytes sent, or {@code -errno}
     */
    public static long sendmsg(int fd, MemorySegment msg, int flags) {
        MemorySegment st = CallState.get();
        try {
            return result((long) SENDMSG.invokeExact(st, fd, msg, flags), st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code recvmsg(fd, msg, flags)}, once.
     *
     * @param fd the socket
     * @param msg a {@code struct msghdr}
     * @param flags {@code MSG_*} flags
     * @return the bytes received, or {@code -errno}
     */
    public static long recvmsg(int fd, MemorySegment msg, int flags) {
        MemorySegment st = CallState.get();
        try {
            return result((long) RECVMSG.invokeExact(st, fd, msg, flags), st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code accept4(fd, NULL, NULL, flags)}, once: the peer's address is not asked for.
     *
     * @param fd the listening socket
     * @param flags {@code SOCK_CLOEXEC}, {@code SOCK_NONBLOCK}
     * @return the new connection's descriptor, or {@code -errno}
     */
    public static int accept4(int fd, int flags) {
        MemorySegment st = CallState.get();
        try {
            return result((int) ACCEPT4.invokeExact(st, fd, MemorySegment.NULL, MemorySegment.NULL, flags), st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /** {@return {@code getpid()}} */
    public static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /** {@return {@code getuid()}} */
    public static int getuid() {
        try {
            return (int) GETUID.invokeExact();
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /** {@return {@code getgid()}} */
    public static int getgid() {
        try {
            return (int) GETGID.invokeExact();
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }
}
