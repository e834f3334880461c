package org.panamaipc.mq;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.IntSupplier;
import org.panamaipc.Interest;
import org.panamaipc.IpcException;
import org.panamaipc.ObjectMismatchException;
import org.panamaipc.OwnedFd;
import org.panamaipc.DescriptorKind;
import org.panamaipc.Waitable;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.mq_attr;
import org.panamaipc.bindings.rlimit;
import org.panamaipc.bindings.sigevent;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Blocker.Timing;
import org.panamaipc.internal.BlockingCall;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.FdUse;
import org.panamaipc.internal.FdKinds;
import org.panamaipc.internal.Modes;
import org.panamaipc.internal.MqCalls;
import org.panamaipc.internal.Names;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.ProcFiles;
import org.panamaipc.internal.Sys;
import org.panamaipc.internal.Waiter;

/**
 * A POSIX message queue ({@code mq_overview(7)}): a named kernel queue of messages, each
 * with a priority, that unrelated processes open by name. Messages keep their boundaries;
 * a receiver always gets the oldest message of the highest priority.
 *
 * <p><b>Opening.</b> {@link #create} fails if the name exists ({@code O_EXCL}) and never
 * touches an existing queue, {@link #open} requires it to exist, and {@link #openOrCreate}
 * opens or creates, never altering an existing queue: if its limits differ from those asked,
 * it throws {@link ObjectMismatchException}. {@link #uniqueName} makes a name no other queue
 * has. Queues are created with mode 0600 unless permissions are given (the kernel clears the
 * bits of the process's umask from them, as for files); {@link #unlink} removes the name (the
 * queue lives on until its last descriptor is closed), and {@link #unlinkOnClose()} makes the
 * creator's {@link #close()} do it. The descriptor ({@link #fd()}) is close-on-exec (Linux
 * always opens queues so).
 *
 * <p><b>Sending and receiving.</b> Each operation has three forms: blocking
 * ({@code send}, {@code receive}), non-blocking ({@code trySend}, {@code tryReceive}) and
 * timed (with a {@link Duration}). "Queue full", "queue empty" and a timeout are ordinary
 * results: {@code false}, or {@code null} for the forms that return a message. Data can be
 * a {@link MemorySegment} (native memory is passed to the kernel without a copy; heap memory
 * is copied through a per-thread native buffer), a {@code byte[]} or a {@link ByteBuffer}
 * (its remaining bytes). {@link PosixMessage} receives into a reusable buffer without
 * allocation; {@link #receive()} returns a new {@link PriorityMessage}.
 *
 * <p><b>Closing and interrupting.</b> {@link #close()} is idempotent and may be called from
 * any thread; a thread blocked in a send, receive or wait on this object is woken and throws
 * {@link AsynchronousCloseException}. Any other use after close throws
 * {@link IllegalStateException}. {@link Thread#interrupt()} ends a blocked call promptly with
 * {@link InterruptedIOException}: the queue stays open, the thread's interrupt status stays
 * set, and nothing is sent or received by the interrupted call.
 *
 * <p>Instances are thread-safe: several threads may send and receive at once.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/mq_overview.7.html">mq_overview(7)</a>
 */
public final class PosixMessageQueue implements AutoCloseable, Waitable {
    /** The highest priority a message can have ({@code MQ_PRIO_MAX - 1} on Linux). */
    public static final int MAX_PRIORITY = 32767;

    private static final Path PROC = Path.of("/proc/sys/fs/mqueue");
    /** The C library's values, read only once native access was checked ({@link NativeAccess}). */
    private static final class Native {
        static final int EAGAIN = Sys.EAGAIN;
        static final int ETIMEDOUT = Blocker.ETIMEDOUT;
        static final int EMSGSIZE = LibC.EMSGSIZE();
        static final int EBADF = LibC.EBADF();
        static final int EBUSY = LibC.EBUSY();
        static final int EINVAL = LibC.EINVAL();
        static final int EMFILE = LibC.EMFILE();
        static final int ENOSPC = LibC.ENOSPC();
        static final int ENOENT = LibC.ENOENT();
        static final short POLLIN = (short) LibC.POLLIN();
        static final short POLLOUT = (short) LibC.POLLOUT();
    }

    /** Room for the priority before a received message in the thread's scratch memory. */
    private static final long PRIORITY_ROOM = 16;

    // How a call may wait.
    private static final int BLOCK = 0;
    private static final int TRY = 1;
    private static final int TIMED = 2;

    /** How a queue is opened: which of sending and receiving its descriptor allows. */
    public enum Access {
        /** Receive only ({@code O_RDONLY}). */
        READ_ONLY(LibC::O_RDONLY, EnumSet.of(Interest.READABLE)),
        /** Send only ({@code O_WRONLY}). */
        WRITE_ONLY(LibC::O_WRONLY, EnumSet.of(Interest.WRITABLE)),
        /** Send and receive ({@code O_RDWR}). */
        READ_WRITE(LibC::O_RDWR, EnumSet.of(Interest.READABLE, Interest.WRITABLE));

        // Read when used, so that naming a constant touches no C library value before the
        // native access check.
        private final IntSupplier flag;
        private final Set<Interest> interests;

        Access(IntSupplier flag, Set<Interest> interests) {
            this.flag = flag;
            this.interests = Collections.unmodifiableSet(interests);
        }

        boolean canSend() {
            return this != READ_ONLY;
        }

        boolean canReceive() {
            return this != WRITE_ONLY;
        }
    }

    private static final BlockingCall SEND = MqCalls::send;
    private static final BlockingCall SEND_NO_WAIT = MqCalls::sendNoWait;
    private static final BlockingCall RECEIVE = MqCalls::receive;
    private static final BlockingCall RECEIVE_NO_WAIT = MqCalls::receiveNoWait;

    private final String name;
    private final Access access;
    private final OwnedFd fd;
    private final int fdNumber;
    private final long maxMessages;
    private final long maxMessageSize;
    private final Blocker blocker;
    /** Whether the description is {@code O_NONBLOCK}, as far as this object knows: waits then poll. */
    private volatile boolean nonBlocking;
    private volatile boolean unlinkOnClose;

    private PosixMessageQueue(String name, Access access, OwnedFd fd, long maxMessages, long maxMessageSize,
                              boolean nonBlocking) {
        this.name = name;
        this.access = access;
        this.fd = fd;
        this.fdNumber = fd.get();
        this.maxMessages = maxMessages;
        this.maxMessageSize = maxMessageSize;
        this.nonBlocking = nonBlocking;
        this.blocker = Blocker.forDescriptor("queue " + Errors.quote(name), fd);
    }

    // ---------------------------------------------------------------- opening

    /**
     * Creates a queue for sending and receiving with mode 0600; fails if the name exists
     * (an existing queue is left as it is).
     *
     * @param name a slash and 1 to 255 further bytes with no slash, e.g. {@code "/orders"}
     * @param maxMessages the most messages it holds, at most {@code limits().maxMessages()}
     * @param maxMessageSize the largest message in bytes, at most {@code limits().maxMessageSize()}
     * @return the open queue
     * @throws java.nio.file.FileAlreadyExistsException if a queue of that name exists (EEXIST)
     * @throws QueueLimitException if a size exceeds {@code msg_max}/{@code msgsize_max}
     *         (EINVAL), the user's queues would exceed {@code RLIMIT_MSGQUEUE} (EMFILE) or the
     *         system has {@code queues_max} queues (ENOSPC)
     * @throws IOException if another call fails
     * @throws IllegalArgumentException if the name or a size is invalid
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_open.3.html">mq_open(3)</a>
     */
    public static PosixMessageQueue create(String name, long maxMessages, long maxMessageSize) throws IOException {
        NativeAccess.require();
        return create(name, Access.READ_WRITE, maxMessages, maxMessageSize, Modes.OWNER_READ_WRITE);
    }

    /**
     * Creates a queue; fails if the name exists ({@code O_CREAT|O_EXCL}).
     *
     * @param name a slash and 1 to 255 further bytes with no slash
     * @param access what the returned descriptor allows
     * @param maxMessages the most messages it holds
     * @param maxMessageSize the largest message in bytes
     * @param permissions the queue's permissions, less the umask (execute bits are ignored)
     * @return the open queue
     * @throws java.nio.file.FileAlreadyExistsException if a queue of that name exists (EEXIST)
     * @throws QueueLimitException if a system limit is exceeded (EINVAL, EMFILE, ENOSPC)
     * @throws IOException if another call fails
     * @throws IllegalArgumentException if the name or a size is invalid
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_open.3.html">mq_open(3)</a>
     */
    public static PosixMessageQueue create(String name, Access access, long maxMessages, long maxMessageSize,
                                           Set<PosixFilePermission> permissions) throws IOException {
        NativeAccess.require();
        check(name, access, maxMessages, maxMessageSize);
        return openQueue(name, access, LibC.O_CREAT() | LibC.O_EXCL(), Modes.toMode(permissions),
                maxMessages, maxMessageSize);
    }

    /**
     * Opens the queue of that name for sending and receiving, creating it with mode 0600 if
     * it does not exist. An existing queue is never altered: if its limits differ from those
     * asked, it is closed again and {@link ObjectMismatchException} names both.
     *
     * @param name a slash and 1 to 255 further bytes with no slash
     * @param maxMessages the most messages it holds
     * @param maxMessageSize the largest message in bytes
     * @return the open queue
     * @throws ObjectMismatchException if the queue exists with other limits
     * @throws java.nio.file.AccessDeniedException if the queue exists and may not be opened (EACCES)
     * @throws QueueLimitException if a system limit is exceeded (EINVAL, EMFILE, ENOSPC)
     * @throws IOException if another call fails
     * @throws IllegalArgumentException if the name or a size is invalid
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_open.3.html">mq_open(3)</a>
     */
    public static PosixMessageQueue openOrCreate(String name, long maxMessages, long maxMessageSize)
            throws IOException {
        NativeAccess.require();
        return openOrCreate(name, Access.READ_WRITE, maxMessages, maxMessageSize, Modes.OWNER_READ_WRITE);
    }

    /**
     * Opens the queue of that name, creating it if it does not exist; an existing queue is
     * never altered (see {@link #openOrCreate(String, long, long)}).
     *
     * @param name a slash and 1 to 255 further bytes with no slash
     * @param access what the returned descriptor allows
     * @param maxMessages the most messages it holds
     * @param maxMessageSize the largest message in bytes
     * @param permissions the queue's permissions less the umask, if created
     * @return the open queue
     * @throws ObjectMismatchException if the queue exists with other limits
     * @throws java.nio.file.AccessDeniedException if the queue exists and may not be opened (EACCES)
     * @throws QueueLimitException if a system limit is exceeded (EINVAL, EMFILE, ENOSPC)
     * @throws IOException if another call fails
     * @throws IllegalArgumentException if the name or a size is invalid
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_open.3.html">mq_open(3)</a>
     */
    public static PosixMessageQueue openOrCreate(String name, Access access, long maxMessages, long maxMessageSize,
                                                 Set<PosixFilePermission> permissions) throws IOException {
        NativeAccess.require();
        check(name, access, maxMessages, maxMessageSize);
        int mode = Modes.toMode(permissions);
        while (true) {
            try {
                return openQueue(name, access, LibC.O_CREAT() | LibC.O_EXCL(), mode, maxMessages, maxMessageSize);
            } catch (FileAlreadyExistsException exists) {
                // open it as it is, below
            }
            PosixMessageQueue q;
            try {
                q = openQueue(name, access, 0, 0, 0, 0);
            } catch (NoSuchFileException unlinkedMeanwhile) {
                continue; // removed between the two calls: create it after all
            }
            if (q.maxMessages != maxMessages || q.maxMessageSize != maxMessageSize) {
                q.close();
                throw new ObjectMismatchException(Errors.quote(name),
                        "maxMessages=" + q.maxMessages + ", maxMessageSize=" + q.maxMessageSize,
                        "maxMessages=" + maxMessages + ", maxMessageSize=" + maxMessageSize);
            }
            return q;
        }
    }

    /**
     * Opens an existing queue.
     *
     * @param name a slash and 1 to 255 further bytes with no slash
     * @param access what the returned descriptor allows
     * @return the open queue
     * @throws java.nio.file.NoSuchFileException if no queue has that name (ENOENT)
     * @throws java.nio.file.AccessDeniedException if the queue's mode does not allow {@code access} (EACCES)
     * @throws QueueLimitException if the process is out of descriptors (EMFILE)
     * @throws IOException if another call fails
     * @throws IllegalArgumentException if the name is invalid
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_open.3.html">mq_open(3)</a>
     */
    public static PosixMessageQueue open(String name, Access access) throws IOException {
        NativeAccess.require();
        checkName(name);
        Check.notNull("access", access);
        return openQueue(name, access, 0, 0, 0, 0);
    }

    /**
     * A queue name no other object has: a slash, the prefix, a dash and 16 random hexadecimal
     * digits, e.g. {@code /orders-3f9c0a1b2c3d4e5f}.
     *
     * @param prefix letters, digits, {@code -_.} only, 1 to 200 characters
     * @return the name
     * @throws IllegalArgumentException if the prefix is empty or holds other characters
     */
    public static String uniqueName(String prefix) {
        return "/" + Names.unique(prefix);
    }

    /**
     * Removes a queue's name; processes that have it open keep using it until they close it.
     *
     * @param name the queue's name
     * @throws java.nio.file.NoSuchFileException if no queue has that name (ENOENT)
     * @throws java.nio.file.AccessDeniedException if the caller may not remove it (EACCES)
     * @throws IOException if another call fails
     * @throws IllegalArgumentException if the name is invalid
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_unlink.3.html">mq_unlink(3)</a>
     */
    public static void unlink(String name) throws IOException {
        NativeAccess.require();
        checkName(name);
        int r = unlinkCall(name);
        if (r < 0) {
            throw Errors.named("mq_unlink", name, Errors.quote(name), -r);
        }
    }

    /**
     * Removes a queue's name if it exists.
     *
     * @param name the queue's name
     * @return whether a queue was removed
     * @throws java.nio.file.AccessDeniedException if the caller may not remove it (EACCES)
     * @throws IOException if another call fails
     * @throws IllegalArgumentException if the name is invalid
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_unlink.3.html">mq_unlink(3)</a>
     */
    public static boolean unlinkIfExists(String name) throws IOException {
        NativeAccess.require();
        checkName(name);
        int r = unlinkCall(name);
        if (r == -Native.ENOENT) {
            return false;
        }
        if (r < 0) {
            throw Errors.named("mq_unlink", name, Errors.quote(name), -r);
        }
        return true;
    }

    /**
     * Makes {@link #close()} also remove the queue's name (once, if it still exists): for the
     * process that created the queue and owns its lifetime.
     *
     * @return this queue
     * @throws IllegalStateException if this queue is closed
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_unlink.3.html">mq_unlink(3)</a>
     */
    public PosixMessageQueue unlinkOnClose() {
        if (!blocker.isOpen()) {
            throw new IllegalStateException("queue " + Errors.quote(name) + " is closed");
        }
        unlinkOnClose = true;
        return this;
    }

    /**
     * Reads the system's limits on POSIX message queues.
     *
     * @return the limits
     * @throws IOException if {@code /proc/sys/fs/mqueue} cannot be read (a kernel without
     *         POSIX message queues)
     * @see <a href="https://man7.org/linux/man-pages/man7/mq_overview.7.html">mq_overview(7)</a>
     * @see <a href="https://man7.org/linux/man-pages/man2/getrlimit.2.html">getrlimit(2)</a>
     */
    public static PosixQueueLimits limits() throws IOException {
        NativeAccess.require();
        long[] rl = rlimit(LibC.RLIMIT_MSGQUEUE());
        return new PosixQueueLimits(readProc("msg_max"), readProc("msgsize_max"), readProc("queues_max"),
                readProc("msg_default"), readProc("msgsize_default"), rl[0], rl[1]);
    }

    private static long readProc(String file) throws IOException {
        return ProcFiles.readLong(PROC.resolve(file));
    }

    private static long[] rlimit(int resource) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rl = rlimit.allocate(arena);
            int r = MqCalls.getrlimit(resource, rl);
            if (r < 0) {
                throw Errors.of("getrlimit", "resource=" + resource, -r);
            }
            return new long[] {unlimitedAsMax(rlimit.rlim_cur(rl)), unlimitedAsMax(rlimit.rlim_max(rl))};
        }
    }

    /**
     * Takes ownership of a descriptor that refers to a POSIX message queue, e.g. one
     * received over a Unix socket ({@code SCM_RIGHTS}) or inherited from a parent. Its
     * access mode is the one it was opened with; its name is what the kernel reports for it.
     *
     * <p><b>Lifetime:</b> the number is detached from {@code fd} (so that closing {@code fd},
     * or the received message that held it, no longer closes it); closing the queue closes
     * the descriptor. When this method throws, {@code fd} is left open and still the caller's.
     *
     * @param fd an open descriptor of a message queue
     * @return the queue
     * @throws IllegalArgumentException if {@code fd} is not a message queue (the message says
     *         what it is and what it can become, see {@link org.panamaipc.DescriptorKind})
     * @throws IpcException if {@code mq_getattr} or {@code fcntl} fails on it
     * @throws IllegalStateException if {@code fd} is closed or in use
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_getattr.3.html">mq_getattr(3)</a>
     */
    public static PosixMessageQueue adopt(OwnedFd fd) throws IOException {
        NativeAccess.require();
        Check.notNull("fd", fd);
        FdKinds.require(fd, "PosixMessageQueue.adopt", "a POSIX message queue", DescriptorKind.MESSAGE_QUEUE);
        int n = FdUse.enter(fd);
        Access access;
        String name;
        long maxMessages;
        long messageSize;
        boolean nonBlocking;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = mq_attr.allocate(arena);
            int g = MqCalls.mqGetattr(n, attr);
            if (g < 0) {
                throw Errors.of("mq_getattr", "fd=" + n + " (is it a message queue?)", -g);
            }
            int flags = Sys.fcntl(n, LibC.F_GETFL(), 0);
            if (flags < 0) {
                throw Errors.of("fcntl", "fd=" + n + ", F_GETFL", -flags);
            }
            int mode = flags & LibC.O_ACCMODE();
            access = mode == LibC.O_RDONLY() ? Access.READ_ONLY
                    : mode == LibC.O_WRONLY() ? Access.WRITE_ONLY : Access.READ_WRITE;
            try {
                name = java.nio.file.Files.readSymbolicLink(Path.of("/proc/self/fd/" + n)).toString();
            } catch (IOException unreadable) {
                name = "/(fd " + n + ")";
            }
            maxMessages = mq_attr.mq_maxmsg(attr);
            messageSize = mq_attr.mq_msgsize(attr);
            nonBlocking = (mq_attr.mq_flags(attr) & LibC.O_NONBLOCK()) != 0;
        } finally {
            FdUse.exit(fd);
        }
        return new PosixMessageQueue(name, access, OwnedFd.adopt(fd.detach()), maxMessages, messageSize, nonBlocking);
    }

    private static long unlimitedAsMax(long rlim) {
        return rlim == -1 ? Long.MAX_VALUE : rlim; // RLIM_INFINITY
    }

    private static void checkName(String name) {
        Check.posixName(name);
        if (name.equals("/.") || name.equals("/..")) {
            // The kernel answers EACCES for these, which would send the caller looking at modes.
            throw new IllegalArgumentException("name=\"" + name + "\" is reserved: \".\" and \"..\" name no queue");
        }
    }

    private static void check(String name, Access access, long maxMessages, long maxMessageSize) {
        checkName(name);
        Check.notNull("access", access);
        Check.positive("maxMessages", maxMessages);
        Check.positive("maxMessageSize", maxMessageSize);
    }

    private static int unlinkCall(String name) {
        try (Arena arena = Arena.ofConfined()) {
            return MqCalls.mqUnlink(arena.allocateFrom(name));
        }
    }

    private static PosixMessageQueue openQueue(String name, Access access, int createFlags, int mode,
                                               long maxMessages, long maxMessageSize) throws IOException {
        int oflag = access.flag.getAsInt() | createFlags;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = MemorySegment.NULL;
            if ((createFlags & LibC.O_CREAT()) != 0) {
                attr = mq_attr.allocate(arena);
                mq_attr.mq_maxmsg(attr, maxMessages);
                mq_attr.mq_msgsize(attr, maxMessageSize);
            }
            int r = MqCalls.mqOpen(arena.allocateFrom(name), oflag, mode, attr);
            if (r < 0) {
                throw openError(name, access, createFlags, mode, maxMessages, maxMessageSize, -r);
            }
            OwnedFd fd = OwnedFd.adopt(r);
            MemorySegment actual = mq_attr.allocate(arena);
            int g = MqCalls.mqGetattr(r, actual);
            if (g < 0) {
                fd.close();
                throw Errors.of("mq_getattr", "fd=" + r + ", " + Errors.quote(name), -g);
            }
            return new PosixMessageQueue(name, access, fd, mq_attr.mq_maxmsg(actual), mq_attr.mq_msgsize(actual),
                    false);
        }
    }

    private static IOException openError(String name, Access access, int createFlags, int mode, long maxMessages,
                                         long maxMessageSize, int errno) {
        boolean creating = (createFlags & LibC.O_CREAT()) != 0;
        String args = Errors.quote(name) + ", " + flagNames(access, createFlags)
                + (creating ? ", " + Modes.octal(mode) + ", maxMessages=" + maxMessages
                        + ", maxMessageSize=" + maxMessageSize : "");
        try {
            if (errno == Native.EINVAL && creating) {
                PosixQueueLimits limits = limits();
                if (maxMessages > limits.maxMessages()) {
                    return new QueueLimitException("mq_open", args, errno, PROC.resolve("msg_max").toString(),
                            limits.maxMessages(), "maxMessages=" + maxMessages + " exceeds "
                            + PROC.resolve("msg_max") + "=" + limits.maxMessages());
                }
                if (maxMessageSize > limits.maxMessageSize()) {
                    return new QueueLimitException("mq_open", args, errno, PROC.resolve("msgsize_max").toString(),
                            limits.maxMessageSize(), "maxMessageSize=" + maxMessageSize + " exceeds "
                            + PROC.resolve("msgsize_max") + "=" + limits.maxMessageSize());
                }
            } else if (errno == Native.EMFILE) {
                // EMFILE means either limit. Out of descriptors, nothing can be opened to count
                // them, so ask the kernel for one more: if that fails too, it is RLIMIT_NOFILE.
                long nofile = rlimit(LibC.RLIMIT_NOFILE())[0];
                int probe = Sys.fcntl(0, LibC.F_DUPFD_CLOEXEC(), 0);
                if (probe >= 0) {
                    Sys.close(probe);
                } else if (probe == -Native.EMFILE) {
                    return new QueueLimitException("mq_open", args, errno, "RLIMIT_NOFILE", nofile,
                            "the process has no descriptor left, RLIMIT_NOFILE=" + nofile);
                }
                if (creating) {
                    PosixQueueLimits limits = limits();
                    return new QueueLimitException("mq_open", args, errno, "RLIMIT_MSGQUEUE", limits.rlimitSoft(),
                            "the user's queues would take more than RLIMIT_MSGQUEUE=" + limits.rlimitSoft()
                            + " bytes (this queue alone about "
                            + PosixQueueLimits.bytesCharged(maxMessages, maxMessageSize) + ")");
                }
            } else if (errno == Native.ENOSPC) {
                long max = readProc("queues_max");
                return new QueueLimitException("mq_open", args, errno, PROC.resolve("queues_max").toString(), max,
                        "the system already has " + PROC.resolve("queues_max") + "=" + max + " queues");
            }
        } catch (IOException unreadable) {
            // fall through to the plain error
        }
        return Errors.named("mq_open", name, args, errno);
    }

    private static String flagNames(Access access, int createFlags) {
        String s = switch (access) {
            case READ_ONLY -> "O_RDONLY";
            case WRITE_ONLY -> "O_WRONLY";
            case READ_WRITE -> "O_RDWR";
        };
        if ((createFlags & LibC.O_CREAT()) != 0) {
            s += "|O_CREAT";
        }
        if ((createFlags & LibC.O_EXCL()) != 0) {
            s += "|O_EXCL";
        }
        return s;
    }

    // ---------------------------------------------------------------- properties

    /** {@return the queue's name, with its leading slash} */
    public String name() {
        return name;
    }

    /** {@return what this descriptor allows} */
    public Access access() {
        return access;
    }

    /** {@return the most messages the queue holds, as the kernel reported when it was opened} */
    public long maxMessages() {
        return maxMessages;
    }

    /** {@return the largest message in bytes; a receive buffer must have at least this capacity} */
    public long maxMessageSize() {
        return maxMessageSize;
    }

    /**
     * Reads the queue's attributes now, including the number of messages queued.
     *
     * @return the attributes
     * @throws IOException if the call fails
     * @throws IllegalStateException if this queue is closed
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_getattr.3.html">mq_getattr(3)</a>
     */
    public PosixQueueAttributes attributes() throws IOException {
        int n = acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = mq_attr.allocate(arena);
            int r = MqCalls.mqGetattr(n, attr);
            if (r < 0) {
                throw Errors.of("mq_getattr", describe(n), -r);
            }
            return new PosixQueueAttributes((mq_attr.mq_flags(attr) & LibC.O_NONBLOCK()) != 0,
                    mq_attr.mq_maxmsg(attr), mq_attr.mq_msgsize(attr), mq_attr.mq_curmsgs(attr));
        } finally {
            blocker.exit();
        }
    }

    /**
     * Sets or clears {@code O_NONBLOCK} on this open queue description ({@code mq_setattr}).
     * The {@code try} and timed forms do not need it; the blocking forms keep blocking
     * (waiting for readiness with {@code poll}) when it is set.
     *
     * @param nonBlocking whether calls on the description fail with EAGAIN instead of waiting
     * @throws IOException if the call fails
     * @throws IllegalStateException if this queue is closed
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_setattr.3.html">mq_setattr(3)</a>
     */
    public void setNonBlocking(boolean nonBlocking) throws IOException {
        int n = acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = mq_attr.allocate(arena);
            mq_attr.mq_flags(attr, nonBlocking ? LibC.O_NONBLOCK() : 0);
            int r = MqCalls.mqSetattr(n, attr, MemorySegment.NULL);
            if (r < 0) {
                throw Errors.of("mq_setattr", describe(n) + ", nonBlocking=" + nonBlocking, -r);
            }
            this.nonBlocking = nonBlocking;
        } finally {
            blocker.exit();
        }
    }

    /** {@return whether {@link #close()} has not been called} */
    public boolean isOpen() {
        return blocker.isOpen();
    }

    // ---------------------------------------------------------------- sending

    /**
     * Sends a message, waiting while the queue is full.
     *
     * @param message the message's bytes (all of the segment)
     * @param priority 0 (lowest) to {@link #MAX_PRIORITY}
     * @throws QueueException if the message is longer than {@link #maxMessageSize()}
     *         (EMSGSIZE) or the queue was opened {@code READ_ONLY} (EBADF)
     * @throws AsynchronousCloseException if the queue is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the queue stays
     *         open and the call sends or receives nothing)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this queue is closed
     * @throws IllegalArgumentException if the priority is out of range
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_send.3.html">mq_send(3)</a>
     */
    public void send(MemorySegment message, int priority) throws IOException {
        sendSegment(message, priority, BLOCK, null);
    }

    /**
     * Sends a message if the queue has room now.
     *
     * @param message the message's bytes
     * @param priority 0 to {@link #MAX_PRIORITY}
     * @return whether it was sent; {@code false} if the queue is full
     * @throws QueueException if the message is too long (EMSGSIZE) or the queue was opened
     *         {@code READ_ONLY} (EBADF)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this queue is closed
     * @throws IllegalArgumentException if the priority is out of range
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_send.3.html">mq_timedsend(3)</a>
     */
    public boolean trySend(MemorySegment message, int priority) throws IOException {
        return sendSegment(message, priority, TRY, null);
    }

    /**
     * Sends a message, waiting at most {@code timeout} while the queue is full.
     *
     * @param message the message's bytes
     * @param priority 0 to {@link #MAX_PRIORITY}
     * @param timeout the longest wait; zero means {@link #trySend}
     * @return whether it was sent; {@code false} if the queue stayed full
     * @throws QueueException if the message is too long (EMSGSIZE) or the queue was opened
     *         {@code READ_ONLY} (EBADF)
     * @throws AsynchronousCloseException if the queue is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the queue stays
     *         open and the call sends or receives nothing)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this queue is closed
     * @throws IllegalArgumentException if the priority is out of range or the timeout negative
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_send.3.html">mq_timedsend(3)</a>
     */
    public boolean send(MemorySegment message, int priority, Duration timeout) throws IOException {
        return sendSegment(message, priority, TIMED, Check.timeout(timeout));
    }

    /**
     * Sends an array's bytes, waiting while the queue is full.
     *
     * @param message the message
     * @param priority 0 to {@link #MAX_PRIORITY}
     * @throws QueueException if the message is too long (EMSGSIZE) or the queue was opened
     *         {@code READ_ONLY} (EBADF)
     * @throws AsynchronousCloseException if the queue is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the queue stays
     *         open and the call sends or receives nothing)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this queue is closed
     * @throws IllegalArgumentException if the priority is out of range
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_send.3.html">mq_send(3)</a>
     */
    public void send(byte[] message, int priority) throws IOException {
        sendArray(message, priority, BLOCK, null);
    }

    /**
     * Sends an array's bytes if the queue has room now.
     *
     * @param message the message
     * @param priority 0 to {@link #MAX_PRIORITY}
     * @return whether it was sent; {@code false} if the queue is full
     * @throws QueueException if the message is too long (EMSGSIZE) or the queue was opened
     *         {@code READ_ONLY} (EBADF)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this queue is closed
     * @throws IllegalArgumentException if the priority is out of range
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_send.3.html">mq_timedsend(3)</a>
     */
    public boolean trySend(byte[] message, int priority) throws IOException {
        return sendArray(message, priority, TRY, null);
    }

    /**
     * Sends an array's bytes, waiting at most {@code timeout} while the queue is full.
     *
     * @param message the message
     * @param priority 0 to {@link #MAX_PRIORITY}
     * @param timeout the longest wait
     * @return whether it was sent; {@code false} if the queue stayed full
     * @throws QueueException if the message is too long (EMSGSIZE) or the queue was opened
     *         {@code READ_ONLY} (EBADF)
     * @throws AsynchronousCloseException if the queue is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the queue stays
     *         open and the call sends or receives nothing)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this queue is closed
     * @throws IllegalArgumentException if the priority is out of range or the timeout negative
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_send.3.html">mq_timedsend(3)</a>
     */
    public boolean send(byte[] message, int priority, Duration timeout) throws IOException {
        return sendArray(message, priority, TIMED, Check.timeout(timeout));
    }

    /**
     * Sends a buffer's remaining bytes, waiting while the queue is full; the buffer's
     * position advances to its limit once the message is sent.
     *
     * @param message the message, from position to limit
     * @param priority 0 to {@link #MAX_PRIORITY}
     * @throws QueueException if the message is too long (EMSGSIZE) or the queue was opened
     *         {@code READ_ONLY} (EBADF)
     * @throws AsynchronousCloseException if the queue is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the queue stays
     *         open and the call sends or receives nothing)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this queue is closed
     * @throws IllegalArgumentException if the priority is out of range
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_send.3.html">mq_send(3)</a>
     */
    public void send(ByteBuffer message, int priority) throws IOException {
        sendBuffer(message, priority, BLOCK, null);
    }

    /**
     * Sends a buffer's remaining bytes if the queue has room now; the position advances only
     * if the message was sent.
     *
     * @param message the message, from position to limit
     * @param priority 0 to {@link #MAX_PRIORITY}
     * @return whether it was sent; {@code false} if the queue is full
     * @throws QueueException if the message is too long (EMSGSIZE) or the queue was opened
     *         {@code READ_ONLY} (EBADF)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this queue is closed
     * @throws IllegalArgumentException if the priority is out of range
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_send.3.html">mq_timedsend(3)</a>
     */
    public boolean trySend(ByteBuffer message, int priority) throws IOException {
        return sendBuffer(message, priority, TRY, null);
    }

    /**
     * Sends a buffer's remaining bytes, waiting at most {@code timeout} while the queue is
     * full; the position advances only if the message was sent.
     *
     * @param message the message, from position to limit
     * @param priority 0 to {@link #MAX_PRIORITY}
     * @param timeout the longest wait
     * @return whether it was sent; {@code false} if the queue stayed full
     * @throws QueueException if the message is too long (EMSGSIZE) or the queue was opened
     *         {@code READ_ONLY} (EBADF)
     * @throws AsynchronousCloseException if the queue is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the queue stays
     *         open and the call sends or receives nothing)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this queue is closed
     * @throws IllegalArgumentException if the priority is out of range or the timeout negative
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_send.3.html">mq_timedsend(3)</a>
     */
    public boolean send(ByteBuffer message, int priority, Duration timeout) throws IOException {
        return sendBuffer(message, priority, TIMED, Check.timeout(timeout));
    }

    private boolean sendSegment(MemorySegment message, int priority, int mode, Duration timeout)
            throws IOException {
        Check.notNull("message", message);
        checkPriority(priority);
        long len = message.byteSize();
        MemorySegment data = message;
        if (!message.isNative() && parksWithHeapBytes(mode)) {
            return sendFromHeapParking(message, priority, mode, timeout);
        }
        if (!message.isNative()) {
            data = Waiter.current().scratch(len);
            MemorySegment.copy(message, 0, data, 0, len);
        }
        return sendNative(data, len, priority, mode, timeout);
    }

    private boolean sendArray(byte[] message, int priority, int mode, Duration timeout) throws IOException {
        Check.notNull("message", message);
        checkPriority(priority);
        if (parksWithHeapBytes(mode)) {
            return sendFromHeapParking(MemorySegment.ofArray(message), priority, mode, timeout);
        }
        MemorySegment data = Waiter.current().scratchCopy(message, 0, message.length);
        return sendNative(data, message.length, priority, mode, timeout);
    }

    private boolean sendBuffer(ByteBuffer message, int priority, int mode, Duration timeout) throws IOException {
        Check.notNull("message", message);
        checkPriority(priority);
        int len = message.remaining();
        MemorySegment data;
        if (Waiter.copiesThroughScratch(message, len, Integer.MAX_VALUE)) { // no segment per call
            data = Waiter.current().scratchCopy(message, len);
        } else if (message.isDirect()) {
            data = MemorySegment.ofBuffer(message);
        } else if (parksWithHeapBytes(mode)) {
            boolean sent = sendFromHeapParking(MemorySegment.ofBuffer(message), priority, mode, timeout);
            if (sent) {
                message.position(message.limit());
            }
            return sent;
        } else {
            data = Waiter.current().scratchCopy(message, len);
        }
        boolean sent = sendNative(data, len, priority, mode, timeout);
        if (sent) {
            message.position(message.limit());
        }
        return sent;
    }

    /** Whether a send of heap bytes may park a virtual thread: then the bytes are not copied to its scratch first. */
    private static boolean parksWithHeapBytes(int mode) {
        return mode != TRY && Thread.currentThread().isVirtual();
    }

    /**
     * A virtual thread's send of heap bytes that may wait for room: through native memory the
     * engine lends for each attempt, so that the parked thread holds none.
     */
    private boolean sendFromHeapParking(MemorySegment message, int priority, int mode, Duration timeout)
            throws IOException {
        long len = message.byteSize();
        long r = blocker.callHeap(SEND_NO_WAIT, message, false, len, priority,
                mode == TIMED ? Deadline.end(timeout) : Deadline.NONE, Timing.POLL_OUT);
        if (r == 0) {
            return true;
        }
        if (r == -Native.EAGAIN || r == -Native.ETIMEDOUT) {
            return false;
        }
        throw sendError(fdNumber, len, (int) -r);
    }

    private static void checkPriority(int priority) {
        if (priority < 0 || priority > MAX_PRIORITY) {
            throw new IllegalArgumentException("priority=" + priority + " must be in [0, " + MAX_PRIORITY + "]");
        }
    }

    private boolean sendNative(MemorySegment data, long len, int priority, int mode, Duration timeout)
            throws IOException {
        long r = -Native.EAGAIN;
        if (tryFirst(mode)) {
            int n = blocker.enter();
            try {
                r = MqCalls.sendNoWait(n, data, MemorySegment.NULL, len, priority, 0, MqCalls.EXPIRED);
            } finally {
                blocker.exit();
            }
        }
        if (r == -Native.EAGAIN && mode != TRY) {
            r = waitFor(SEND, SEND_NO_WAIT, data, MemorySegment.NULL, len, priority,
                    mode == TIMED ? Deadline.end(timeout) : Deadline.NONE, Timing.POLL_OUT);
        }
        if (r == 0) {
            return true;
        }
        if (r == -Native.EAGAIN || r == -Native.ETIMEDOUT) {
            return false;
        }
        throw sendError(fdNumber, len, (int) -r);
    }

    /**
     * Whether to try a call without waiting before the engine: always for the {@code try}
     * forms; for the others unless the thread is interrupted (the engine then throws, as it
     * must, without making the call). A message or room already there so costs one system
     * call on a path that allocates nothing, and the engine's bookkeeping only when the call
     * has to wait.
     */
    private static boolean tryFirst(int mode) {
        return mode == TRY || !Thread.currentThread().isInterrupted();
    }

    /**
     * Runs a call that may wait: the kernel's timed form on a blocking description from a
     * platform thread; otherwise the form that never waits plus readiness: on a non-blocking
     * description (also when another process made it non-blocking behind this object's back),
     * and on a virtual thread, which parks on the library's poller meanwhile.
     */
    private long waitFor(BlockingCall blocking, BlockingCall noWait, MemorySegment a, MemorySegment b, long x, long y,
                         long deadline, Timing poll) throws IOException {
        if (!nonBlocking && !Thread.currentThread().isVirtual()) {
            long r = blocker.call(blocking, 0, a, b, x, y, 0, deadline, Timing.ABSOLUTE_REALTIME);
            if (r != -Native.EAGAIN) {
                return r;
            }
        }
        return blocker.call(noWait, 0, a, b, x, y, 0, deadline, poll);
    }

    private IOException sendError(int n, long len, int errno) {
        String args = describe(n) + ", len=" + len;
        if (errno == Native.EMSGSIZE) {
            return new QueueException("mq_send", args, errno,
                    "len=" + len + " exceeds the queue's maxMessageSize=" + maxMessageSize);
        }
        if (errno == Native.EBADF && !access.canSend()) {
            return new QueueException("mq_send", args, errno, "the queue was opened " + access);
        }
        return Errors.of("mq_send", args, errno);
    }

    // ---------------------------------------------------------------- receiving

    /**
     * Receives the oldest message of the highest priority into {@code into}, waiting while
     * the queue is empty. Allocates nothing.
     *
     * <p>If {@code into} wraps shared memory that a peer truncated, this fails with
     * {@code EFAULT} after the kernel dequeued the message, which is then lost (see
     * {@link PosixMessage}); a pipe read keeps its data in that case.
     *
     * @param into the buffer, with a capacity of at least {@link #maxMessageSize()}
     * @throws QueueException if the queue was opened {@code WRITE_ONLY} (EBADF)
     * @throws AsynchronousCloseException if the queue is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the queue stays
     *         open and the call sends or receives nothing)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this queue is closed
     * @throws IllegalArgumentException if the buffer is smaller than {@link #maxMessageSize()}
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_receive.3.html">mq_receive(3)</a>
     */
    public void receive(PosixMessage into) throws IOException {
        receiveInto(into, BLOCK, null);
    }

    /**
     * Receives a message into {@code into} if one is queued now.
     *
     * @param into the buffer, with a capacity of at least {@link #maxMessageSize()}
     * @return whether a message was received; {@code false} if the queue is empty
     * @throws QueueException if the queue was opened {@code WRITE_ONLY} (EBADF)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this queue is closed
     * @throws IllegalArgumentException if the buffer is smaller than {@link #maxMessageSize()}
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_receive.3.html">mq_timedreceive(3)</a>
     */
    public boolean tryReceive(PosixMessage into) throws IOException {
        return receiveInto(into, TRY, null);
    }

    /**
     * Receives a message into {@code into}, waiting at most {@code timeout} while the queue
     * is empty.
     *
     * @param into the buffer, with a capacity of at least {@link #maxMessageSize()}
     * @param timeout the longest wait
     * @return whether a message was received; {@code false} if the queue stayed empty
     * @throws QueueException if the queue was opened {@code WRITE_ONLY} (EBADF)
     * @throws AsynchronousCloseException if the queue is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the queue stays
     *         open and the call sends or receives nothing)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this queue is closed
     * @throws IllegalArgumentException if the buffer is too small or the timeout negative
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_receive.3.html">mq_timedreceive(3)</a>
     */
    public boolean receive(PosixMessage into, Duration timeout) throws IOException {
        return receiveInto(into, TIMED, Check.timeout(timeout));
    }

    /**
     * Receives a message into a new array, waiting while the queue is empty.
     *
     * @return the message and its priority
     * @throws QueueException if the queue was opened {@code WRITE_ONLY} (EBADF)
     * @throws AsynchronousCloseException if the queue is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the queue stays
     *         open and the call sends or receives nothing)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this queue is closed
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_receive.3.html">mq_receive(3)</a>
     */
    public PriorityMessage receive() throws IOException {
        return receiveCopy(BLOCK, null);
    }

    /**
     * Receives a message into a new array if one is queued now.
     *
     * @return the message, or {@code null} if the queue is empty
     * @throws QueueException if the queue was opened {@code WRITE_ONLY} (EBADF)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this queue is closed
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_receive.3.html">mq_timedreceive(3)</a>
     */
    public PriorityMessage tryReceive() throws IOException {
        return receiveCopy(TRY, null);
    }

    /**
     * Receives a message into a new array, waiting at most {@code timeout}.
     *
     * @param timeout the longest wait
     * @return the message, or {@code null} if the queue stayed empty
     * @throws QueueException if the queue was opened {@code WRITE_ONLY} (EBADF)
     * @throws AsynchronousCloseException if the queue is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the queue stays
     *         open and the call sends or receives nothing)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this queue is closed
     * @throws IllegalArgumentException if the timeout is negative
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_receive.3.html">mq_timedreceive(3)</a>
     */
    public PriorityMessage receive(Duration timeout) throws IOException {
        return receiveCopy(TIMED, Check.timeout(timeout));
    }

    private boolean receiveInto(PosixMessage into, int mode, Duration timeout) throws IOException {
        Check.notNull("into", into);
        MemorySegment buf = into.buffer();
        if (buf.byteSize() < maxMessageSize) {
            throw new IllegalArgumentException("capacity=" + buf.byteSize()
                    + " is smaller than the queue's maxMessageSize=" + maxMessageSize);
        }
        MemorySegment priority = into.prioritySlot();
        long len = receiveNative(buf, priority, mode, timeout);
        if (len < 0) {
            return false;
        }
        into.received(len, priority.get(ValueLayout.JAVA_INT, 0));
        return true;
    }

    private PriorityMessage receiveCopy(int mode, Duration timeout) throws IOException {
        if (mode == TRY || !Thread.currentThread().isVirtual()) {
            return receiveCopyOnce(mode, timeout);
        }
        // a virtual thread waits for a message holding no native memory, then takes it with
        // the thread's scratch memory, which it holds only while it does not park
        long deadline = mode == TIMED ? Deadline.end(timeout) : Deadline.NONE;
        while (true) {
            if (!Thread.currentThread().isInterrupted()) { // interrupted: the engine throws, nothing taken
                PriorityMessage m = receiveCopyOnce(TRY, null);
                if (m != null) {
                    return m;
                }
            }
            if (!blocker.awaitReady(Native.POLLIN, deadline)) {
                return null;
            }
        }
    }

    private PriorityMessage receiveCopyOnce(int mode, Duration timeout) throws IOException {
        MemorySegment scratch = Waiter.current().scratch(PRIORITY_ROOM + maxMessageSize);
        MemorySegment priority = scratch.asSlice(0, Integer.BYTES);
        MemorySegment buf = scratch.asSlice(PRIORITY_ROOM, maxMessageSize);
        long len = receiveNative(buf, priority, mode, timeout);
        if (len < 0) {
            return null;
        }
        byte[] data = new byte[(int) len];
        MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, data, 0, (int) len);
        return new PriorityMessage(data, priority.get(ValueLayout.JAVA_INT, 0));
    }

    /** Returns the length received, or -EAGAIN/-ETIMEDOUT when the queue was (or stayed) empty. */
    private long receiveNative(MemorySegment buf, MemorySegment priority, int mode, Duration timeout)
            throws IOException {
        long cap = buf.byteSize();
        long r = -Native.EAGAIN;
        if (tryFirst(mode)) {
            int n = blocker.enter();
            try {
                r = MqCalls.receiveNoWait(n, buf, priority, cap, 0, 0, MqCalls.EXPIRED);
            } finally {
                blocker.exit();
            }
        }
        if (r == -Native.EAGAIN && mode != TRY) {
            r = waitFor(RECEIVE, RECEIVE_NO_WAIT, buf, priority, cap, 0,
                    mode == TIMED ? Deadline.end(timeout) : Deadline.NONE, Timing.POLL_IN);
        }
        if (r >= 0 || r == -Native.EAGAIN || r == -Native.ETIMEDOUT) {
            return r;
        }
        throw receiveError(fdNumber, cap, (int) -r);
    }

    private IOException receiveError(int n, long cap, int errno) {
        String args = describe(n) + ", len=" + cap;
        if (errno == Native.EBADF && !access.canReceive()) {
            return new QueueException("mq_receive", args, errno, "the queue was opened " + access);
        }
        if (errno == Native.EMSGSIZE) {
            return new QueueException("mq_receive", args, errno,
                    "len=" + cap + " is smaller than the queue's maxMessageSize=" + maxMessageSize);
        }
        return Errors.of("mq_receive", args, errno);
    }

    // ---------------------------------------------------------------- readiness

    /**
     * Waits until a message can be received (the queue is not empty), at most {@code timeout}.
     * Another receiver may take the message first: follow with {@link #tryReceive}.
     *
     * @param timeout the longest wait
     * @return whether the queue is readable; {@code false} on timeout
     * @throws AsynchronousCloseException if the queue is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the queue stays
     *         open and the call sends or receives nothing)
     * @throws IOException if {@code poll} fails
     * @throws IllegalStateException if this queue is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/poll.2.html">poll(2)</a>
     * @see org.panamaipc.WaitSet
     */
    public boolean awaitReadable(Duration timeout) throws IOException {
        return await(Native.POLLIN, Check.timeout(timeout));
    }

    /**
     * Waits until a message can be sent (the queue is not full), at most {@code timeout}.
     *
     * @param timeout the longest wait
     * @return whether the queue is writable; {@code false} on timeout
     * @throws AsynchronousCloseException if the queue is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the queue stays
     *         open and the call sends or receives nothing)
     * @throws IOException if {@code poll} fails
     * @throws IllegalStateException if this queue is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/poll.2.html">poll(2)</a>
     */
    public boolean awaitWritable(Duration timeout) throws IOException {
        return await(Native.POLLOUT, Check.timeout(timeout));
    }

    private boolean await(short events, Duration timeout) throws IOException {
        return blocker.awaitReady(events, Deadline.end(timeout));
    }

    // ---------------------------------------------------------------- notification

    /**
     * Asks the kernel to send this process {@code signal} when a message arrives on the
     * empty queue and no thread is blocked receiving. The registration is one-shot (it is
     * removed when the signal is sent) and only one process per queue may hold one.
     *
     * <p>The signal is delivered to the process with {@code si_code = SI_MESGQ}; its
     * disposition is process-wide: install a handler (or block it and wait for it) before
     * registering, or the default action (often termination) applies.
     *
     * @param signal the signal number, e.g. {@code 10} for SIGUSR1
     * @throws QueueException if another process is already registered (EBUSY)
     * @throws IOException if the call fails otherwise (EINVAL for a bad signal number)
     * @throws IllegalStateException if this queue is closed
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_notify.3.html">mq_notify(3)</a>
     */
    public void registerNotification(int signal) throws IOException {
        registerNotification(signal, 0);
    }

    /**
     * Like {@link #registerNotification(int)}, with a value the signal carries to its handler
     * ({@code sigev_value.sival_int}, seen as {@code si_value}), e.g. to tell queues apart.
     *
     * @param signal the signal number
     * @param value the value delivered with the signal
     * @throws QueueException if another process is already registered (EBUSY)
     * @throws IOException if the call fails otherwise (EINVAL for a bad signal number)
     * @throws IllegalStateException if this queue is closed
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_notify.3.html">mq_notify(3)</a>
     */
    public void registerNotification(int signal, int value) throws IOException {
        if (signal <= 0 || signal > 64) {
            throw new IllegalArgumentException("signal=" + signal + " must be in [1, 64]");
        }
        notify(LibC.SIGEV_SIGNAL(), signal, value, "SIGEV_SIGNAL signo=" + signal + " value=" + value);
    }

    /**
     * Registers this process for notification without a signal ({@code SIGEV_NONE}): no
     * signal is sent, but the registration holds the queue's one slot, so that no other
     * process can register until this one {@linkplain #cancelNotification() cancels} it or
     * a message arrives.
     *
     * @throws QueueException if another process is already registered (EBUSY)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this queue is closed
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_notify.3.html">mq_notify(3)</a>
     */
    public void registerNotificationWithoutSignal() throws IOException {
        notify(LibC.SIGEV_NONE(), 0, 0, "SIGEV_NONE");
    }

    /**
     * Removes this process's notification registration, if it holds one. Closing the queue
     * also removes it.
     *
     * @throws IOException if the call fails
     * @throws IllegalStateException if this queue is closed
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_notify.3.html">mq_notify(3)</a>
     */
    public void cancelNotification() throws IOException {
        int n = acquire();
        try {
            int r = MqCalls.mqNotify(n, MemorySegment.NULL);
            if (r < 0) {
                throw Errors.of("mq_notify", describe(n) + ", NULL", -r);
            }
        } finally {
            blocker.exit();
        }
    }

    private void notify(int how, int signal, int value, String text) throws IOException {
        int n = acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sev = sigevent.allocate(arena);
            sigevent.sigev_notify(sev, how);
            sigevent.sigev_signo(sev, signal);
            sigevent.sigev_value(sev).set(ValueLayout.JAVA_INT, 0, value); // union sigval: sival_int
            int r = MqCalls.mqNotify(n, sev);
            if (r == -Native.EBUSY) {
                throw new QueueException("mq_notify", describe(n) + ", " + text, Native.EBUSY,
                        "another process is already registered for notification on this queue"
                        + " (one registration per queue)");
            }
            if (r < 0) {
                throw Errors.of("mq_notify", describe(n) + ", " + text, -r);
            }
        } finally {
            blocker.exit();
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Closes the descriptor ({@code mq_close}); idempotent. Threads blocked on this queue
     * throw {@link AsynchronousCloseException}. The queue itself lives on until it is
     * {@linkplain #unlink unlinked} and every process has closed it.
     *
     * @see <a href="https://man7.org/linux/man-pages/man3/mq_close.3.html">mq_close(3)</a>
     */
    @Override
    public void close() {
        if (blocker.close() && unlinkOnClose) {
            int r = unlinkCall(name);
            if (r < 0 && r != -Native.ENOENT) {
                throw new UncheckedIOException(Errors.named("mq_unlink", name, Errors.quote(name), -r));
            }
        }
    }

    /**
     * The queue's descriptor, to pass it to another process over a Unix socket
     * ({@code SCM_RIGHTS}), where {@link #adopt(OwnedFd)} makes it a queue again.
     *
     * <p><b>Lifetime:</b> owned by this queue and closed with it; {@link OwnedFd#dup()} it
     * to keep a descriptor beyond that.
     *
     * @return the descriptor
     */
    @Override
    public OwnedFd fd() {
        return fd;
    }

    /**
     * {@return what a {@link org.panamaipc.WaitSet} can wait for on this queue, as its access
     *     allows: {@link Interest#READABLE} (a message is there) and {@link Interest#WRITABLE}
     *     (there is room for one)}
     */
    @Override
    public Set<Interest> interests() {
        return access.interests;
    }

    /** {@return how many threads are blocked in a call on this queue now} */
    int waiting() {
        return blocker.waiting();
    }

    private int acquire() throws IOException {
        return blocker.enter();
    }

    private String describe(int n) {
        return "fd=" + n + ", " + Errors.quote(name);
    }

    @Override
    public String toString() {
        return "PosixMessageQueue[" + Errors.quote(name) + " " + access + " maxMessages=" + maxMessages
                + " maxMessageSize=" + maxMessageSize + (isOpen() ? "]" : " closed]");
    }
}
