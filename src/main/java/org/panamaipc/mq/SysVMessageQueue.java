package org.panamaipc.mq;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.panamaipc.ObjectRemovedException;
import org.panamaipc.SysVKey;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.ipc_perm;
import org.panamaipc.bindings.msqid_ds;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Blocker.Timing;
import org.panamaipc.internal.BlockingCall;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.Modes;
import org.panamaipc.internal.MqCalls;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.ProcFiles;
import org.panamaipc.internal.Waiter;

/**
 * A System V message queue ({@code sysvipc(7)}): a kernel queue identified by a
 * {@link SysVKey} (from {@link SysVKey#of(Path, int)}, chosen, or private) whose messages
 * carry a positive {@code long} type, so that receivers can select by type
 * ({@link TypeFilter}). The queue exists until it is {@linkplain #remove() removed},
 * independently of any process; {@code ipcs -q} lists it.
 *
 * <p><b>Opening.</b> {@link #create} fails if the key exists ({@code IPC_EXCL}) and never
 * touches an existing queue, {@link #open} requires the key to exist, {@link #openOrCreate}
 * opens or creates and never alters an existing queue, {@link #createPrivate} makes a queue
 * no key names ({@code IPC_PRIVATE}: share its {@link #id()}), and {@link #openId} opens a
 * queue by the id another process made. Queues are created with mode 0600 unless permissions
 * are given.
 *
 * <p><b>Sending and receiving.</b> As for {@link PosixMessageQueue}: blocking, {@code try}
 * and timed forms; "full", "nothing selected" and a timeout are {@code false} or
 * {@code null}. {@link SysVMessage} sends and receives without allocation.
 *
 * <p><b>Timeouts.</b> The kernel has no timed {@code msgrcv}/{@code msgsnd}. A timed call
 * first tries without blocking, so when a message (or room) is already there it costs
 * nothing extra; otherwise it blocks in the plain call and the library's one timer signals
 * the thread at its deadline: no polling loop and no latency added to a message that
 * arrives in time.
 *
 * <p><b>Closing, removing, interrupting.</b> A queue object holds no kernel resource:
 * {@link #close()} ends this object's use (idempotent, any thread) and wakes its blocked
 * threads, which throw {@link AsynchronousCloseException}; other uses after close throw
 * {@link IllegalStateException}. {@link #remove()} destroys the queue for every process:
 * their blocked receivers and senders fail with {@link ObjectRemovedException} (EIDRM);
 * {@link #removeOnClose()} makes the creator's {@code close()} remove it.
 * {@link Thread#interrupt()} ends a blocked call promptly with
 * {@link InterruptedIOException}: the queue object stays open, the thread's interrupt status
 * stays set, and the interrupted call sends or receives nothing.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/sysvipc.7.html">sysvipc(7)</a>
 */
public final class SysVMessageQueue implements AutoCloseable {
    private static final Path PROC = Path.of("/proc/sys/kernel");
    /** The C library's values, read only once native access was checked ({@link NativeAccess}). */
    private static final class Native {
        static final int ETIMEDOUT = Blocker.ETIMEDOUT;
        static final int EAGAIN = LibC.EAGAIN();
        static final int ENOMSG = LibC.ENOMSG();
        static final int E2BIG = LibC.E2BIG();
        static final int EIDRM = LibC.EIDRM();
        static final int EINVAL = LibC.EINVAL();
        static final int ENOSPC = LibC.ENOSPC();
        static final int EPERM = LibC.EPERM();
        static final int IPC_NOWAIT = LibC.IPC_NOWAIT();
        static final int MSG_NOERROR = LibC.MSG_NOERROR();
        static final int IPC_CREAT = LibC.IPC_CREAT();
        static final int IPC_EXCL = LibC.IPC_EXCL();
        /** Room for a {@code struct msqid_ds} before a staged message in the thread's scratch memory. */
        static final long MSQID_ROOM = (msqid_ds.sizeof() + 15) & ~15L;
    }

    private static final int BLOCK = 0;
    private static final int TRY = 1;
    private static final int TIMED = 2;

    private static final BlockingCall MSG_SEND = MqCalls::msgSend;
    private static final BlockingCall MSG_RECEIVE = MqCalls::msgReceive;

    /** The text room the allocating receive starts with; grows when a longer message comes. */
    private static volatile long copyCapacity = 8192;

    private final int id;
    private final SysVKey key;
    private final Blocker blocker;
    private volatile boolean removeOnClose;

    private SysVMessageQueue(int id, SysVKey key) {
        this.id = id;
        this.key = key;
        this.blocker = Blocker.forHandle("queue id=" + id, null);
    }

    // ---------------------------------------------------------------- opening

    /**
     * Creates a queue no key names ({@code IPC_PRIVATE}) with mode 0600; other processes
     * reach it through its {@link #id()} ({@link #openId}).
     *
     * @return the queue
     * @throws QueueLimitException if the system has {@code msgmni} queues (ENOSPC)
     * @throws IOException if the call fails otherwise
     * @see <a href="https://man7.org/linux/man-pages/man2/msgget.2.html">msgget(2)</a>
     */
    public static SysVMessageQueue createPrivate() throws IOException {
        NativeAccess.require();
        return createPrivate(Modes.OWNER_READ_WRITE);
    }

    /**
     * Creates a queue no key names ({@code IPC_PRIVATE}).
     *
     * @param permissions the queue's permissions
     * @return the queue
     * @throws QueueLimitException if the system has {@code msgmni} queues (ENOSPC)
     * @throws IOException if the call fails otherwise
     * @see <a href="https://man7.org/linux/man-pages/man2/msgget.2.html">msgget(2)</a>
     */
    public static SysVMessageQueue createPrivate(Set<PosixFilePermission> permissions) throws IOException {
        NativeAccess.require();
        return get(SysVKey.PRIVATE, Native.IPC_CREAT | Modes.toMode(permissions));
    }

    /**
     * Creates a queue for a key with mode 0600; fails if one exists ({@code IPC_EXCL}), which
     * it leaves as it is.
     *
     * @param key the key, e.g. from {@link SysVKey#of(Path, int)}; not {@link SysVKey#PRIVATE}
     * @return the queue
     * @throws java.nio.file.FileAlreadyExistsException if a queue has that key (EEXIST)
     * @throws QueueLimitException if the system has {@code msgmni} queues (ENOSPC)
     * @throws IOException if the call fails otherwise
     * @throws IllegalArgumentException if the key is {@link SysVKey#PRIVATE}
     * @see <a href="https://man7.org/linux/man-pages/man2/msgget.2.html">msgget(2)</a>
     */
    public static SysVMessageQueue create(SysVKey key) throws IOException {
        NativeAccess.require();
        return create(key, Modes.OWNER_READ_WRITE);
    }

    /**
     * Creates a queue for a key; fails if one exists ({@code IPC_EXCL}).
     *
     * @param key the key; not {@link SysVKey#PRIVATE}
     * @param permissions the queue's permissions
     * @return the queue
     * @throws java.nio.file.FileAlreadyExistsException if a queue has that key (EEXIST)
     * @throws QueueLimitException if the system has {@code msgmni} queues (ENOSPC)
     * @throws IOException if the call fails otherwise
     * @throws IllegalArgumentException if the key is {@link SysVKey#PRIVATE}
     * @see <a href="https://man7.org/linux/man-pages/man2/msgget.2.html">msgget(2)</a>
     */
    public static SysVMessageQueue create(SysVKey key, Set<PosixFilePermission> permissions) throws IOException {
        NativeAccess.require();
        return get(checkKey(key), Native.IPC_CREAT | Native.IPC_EXCL | Modes.toMode(permissions));
    }

    /**
     * Opens the queue of a key, creating it with mode 0600 if there is none; an existing
     * queue is never altered (its mode and limits stay as they are).
     *
     * @param key the key; not {@link SysVKey#PRIVATE}
     * @return the queue
     * @throws java.nio.file.AccessDeniedException if the queue exists and its mode denies access (EACCES)
     * @throws QueueLimitException if the system has {@code msgmni} queues (ENOSPC)
     * @throws IOException if the call fails otherwise
     * @throws IllegalArgumentException if the key is {@link SysVKey#PRIVATE}
     * @see <a href="https://man7.org/linux/man-pages/man2/msgget.2.html">msgget(2)</a>
     */
    public static SysVMessageQueue openOrCreate(SysVKey key) throws IOException {
        NativeAccess.require();
        return openOrCreate(key, Modes.OWNER_READ_WRITE);
    }

    /**
     * Opens the queue of a key, creating it if there is none; an existing queue is never
     * altered.
     *
     * @param key the key; not {@link SysVKey#PRIVATE}
     * @param permissions the queue's permissions, if created
     * @return the queue
     * @throws java.nio.file.AccessDeniedException if the queue exists and its mode denies access (EACCES)
     * @throws QueueLimitException if the system has {@code msgmni} queues (ENOSPC)
     * @throws IOException if the call fails otherwise
     * @throws IllegalArgumentException if the key is {@link SysVKey#PRIVATE}
     * @see <a href="https://man7.org/linux/man-pages/man2/msgget.2.html">msgget(2)</a>
     */
    public static SysVMessageQueue openOrCreate(SysVKey key, Set<PosixFilePermission> permissions)
            throws IOException {
        NativeAccess.require();
        return get(checkKey(key), Native.IPC_CREAT | Modes.toMode(permissions));
    }

    /**
     * Opens the existing queue of a key for sending and receiving: the queue's mode must
     * grant this process read and write permission (checked now, as {@code msgget} with mode
     * bits 0600 does, rather than at the first send).
     *
     * @param key the key; not {@link SysVKey#PRIVATE}
     * @return the queue
     * @throws java.nio.file.NoSuchFileException if no queue has that key (ENOENT)
     * @throws java.nio.file.AccessDeniedException if its mode denies access (EACCES)
     * @throws IOException if the call fails otherwise
     * @throws IllegalArgumentException if the key is {@link SysVKey#PRIVATE}
     * @see <a href="https://man7.org/linux/man-pages/man2/msgget.2.html">msgget(2)</a>
     */
    public static SysVMessageQueue open(SysVKey key) throws IOException {
        NativeAccess.require();
        return get(checkKey(key), 0600);
    }

    /**
     * Opens a queue by its id (as {@code ipcs -q} shows it, or as another process passed it),
     * checking with {@code IPC_STAT} that it exists.
     *
     * @param id the queue id
     * @return the queue
     * @throws ObjectRemovedException if no queue has that id (EINVAL, EIDRM)
     * @throws java.nio.file.AccessDeniedException if its mode denies reading (EACCES)
     * @throws IOException if the call fails otherwise
     * @throws IllegalArgumentException if {@code id} is negative
     * @see <a href="https://man7.org/linux/man-pages/man2/msgctl.2.html">msgctl(2)</a>
     */
    public static SysVMessageQueue openId(int id) throws IOException {
        NativeAccess.require();
        Check.notNegative("id", id);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ds = msqid_ds.allocate(arena);
            int r = MqCalls.msgctl(id, LibC.IPC_STAT(), ds);
            if (r < 0) {
                throw ctlError(id, "IPC_STAT", -r);
            }
            return new SysVMessageQueue(id, new SysVKey(ipc_perm.__key(msqid_ds.msg_perm(ds))));
        }
    }

    /**
     * Reads the system's limits on System V message queues.
     *
     * @return the limits
     * @throws IOException if {@code /proc/sys/kernel} cannot be read
     * @see <a href="https://man7.org/linux/man-pages/man7/sysvipc.7.html">sysvipc(7)</a>
     */
    public static SysVQueueLimits limits() throws IOException {
        NativeAccess.require();
        return new SysVQueueLimits(readProc("msgmax"), readProc("msgmnb"), readProc("msgmni"));
    }

    private static long readProc(String file) throws IOException {
        return ProcFiles.readLong(PROC.resolve(file));
    }

    private static SysVKey checkKey(SysVKey key) {
        Check.notNull("key", key);
        if (key.isPrivate()) {
            throw new IllegalArgumentException("key=IPC_PRIVATE: use createPrivate()");
        }
        return key;
    }

    private static String keyText(SysVKey key) {
        return key.isPrivate() ? "IPC_PRIVATE" : "key=" + key;
    }

    private static SysVMessageQueue get(SysVKey key, int flags) throws IOException {
        int r = MqCalls.msgget(key.value(), flags);
        if (r >= 0) {
            return new SysVMessageQueue(r, key);
        }
        int errno = -r;
        String args = keyText(key) + ", " + flagText(flags);
        if (errno == Native.ENOSPC) {
            long max = -1;
            try {
                max = readProc("msgmni");
            } catch (IOException unreadable) {
                // keep -1
            }
            return throwLimit("msgget", args, errno, "msgmni", max,
                    "the system already has " + PROC.resolve("msgmni") + "=" + max + " queues");
        }
        throw Errors.named("msgget", key.toString(), args, errno);
    }

    private static SysVMessageQueue throwLimit(String call, String args, int errno, String file, long value,
                                               String explanation) throws QueueLimitException {
        throw new QueueLimitException(call, args, errno, PROC.resolve(file).toString(), value, explanation);
    }

    private static String flagText(int flags) {
        StringBuilder s = new StringBuilder();
        if ((flags & Native.IPC_CREAT) != 0) {
            s.append("IPC_CREAT|");
        }
        if ((flags & Native.IPC_EXCL) != 0) {
            s.append("IPC_EXCL|");
        }
        return s.append(Modes.octal(flags & 0777)).toString();
    }

    // ---------------------------------------------------------------- properties and control

    /** {@return the queue id, as {@code ipcs -q} shows it} */
    public int id() {
        return id;
    }

    /** {@return the key the queue was opened by ({@link SysVKey#PRIVATE} for a private queue)} */
    public SysVKey key() {
        return key;
    }

    /** {@return whether {@link #close()} has not been called} */
    public boolean isOpen() {
        return blocker.isOpen();
    }

    /**
     * Reads the queue's state ({@code IPC_STAT}).
     *
     * @return the state
     * @throws ObjectRemovedException if the queue was removed (EINVAL, EIDRM)
     * @throws java.nio.file.AccessDeniedException if its mode denies reading (EACCES)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this object is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/msgctl.2.html">msgctl(2)</a>
     */
    public SysVQueueStatus status() throws IOException {
        ensureOpen();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ds = stat(arena);
            MemorySegment perm = msqid_ds.msg_perm(ds);
            return new SysVQueueStatus(new SysVKey(ipc_perm.__key(perm)), msqid_ds.msg_qnum(ds), msqid_ds.__msg_cbytes(ds),
                    msqid_ds.msg_qbytes(ds), msqid_ds.msg_lspid(ds), msqid_ds.msg_lrpid(ds),
                    instant(msqid_ds.msg_stime(ds)), instant(msqid_ds.msg_rtime(ds)),
                    instant(msqid_ds.msg_ctime(ds)), ipc_perm.uid(perm), ipc_perm.gid(perm),
                    Modes.fromMode(ipc_perm.mode(perm)));
        }
    }

    private static Instant instant(long seconds) {
        return seconds == 0 ? null : Instant.ofEpochSecond(seconds);
    }

    private MemorySegment stat(Arena arena) throws IOException {
        MemorySegment ds = msqid_ds.allocate(arena);
        int r = MqCalls.msgctl(id, LibC.IPC_STAT(), ds);
        if (r < 0) {
            throw ctlError(id, "IPC_STAT", -r);
        }
        return ds;
    }

    /**
     * Sets the most bytes of text the queue holds ({@code IPC_SET} of {@code msg_qbytes}).
     * Raising it above {@code /proc/sys/kernel/msgmnb} needs {@code CAP_SYS_RESOURCE}.
     *
     * @param maxBytes the new limit, positive
     * @throws QueueLimitException if raising above {@code msgmnb} is not permitted (EPERM)
     * @throws ObjectRemovedException if the queue was removed (EINVAL, EIDRM)
     * @throws IOException if the call fails otherwise (EPERM if the caller is not the owner)
     * @throws IllegalStateException if this object is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/msgctl.2.html">msgctl(2)</a>
     */
    public void setMaxBytes(long maxBytes) throws IOException {
        Check.positive("maxBytes", maxBytes);
        ensureOpen();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ds = stat(arena);
            long before = msqid_ds.msg_qbytes(ds);
            msqid_ds.msg_qbytes(ds, maxBytes);
            int r = MqCalls.msgctl(id, LibC.IPC_SET(), ds);
            if (r == -Native.EPERM && maxBytes > before) {
                long mnb = readProc("msgmnb");
                if (maxBytes > mnb) {
                    throw new QueueLimitException("msgctl", "id=" + id + ", IPC_SET, msg_qbytes=" + maxBytes, Native.EPERM,
                            PROC.resolve("msgmnb").toString(), mnb, "maxBytes=" + maxBytes + " exceeds "
                            + PROC.resolve("msgmnb") + "=" + mnb + " without CAP_SYS_RESOURCE");
                }
            }
            if (r < 0) {
                throw ctlError(id, "IPC_SET, msg_qbytes=" + maxBytes, -r);
            }
        }
    }

    /**
     * Sets the queue's permissions ({@code IPC_SET} of {@code msg_perm.mode}).
     *
     * @param permissions the new permissions (execute bits are ignored)
     * @throws ObjectRemovedException if the queue was removed (EINVAL, EIDRM)
     * @throws java.nio.file.AccessDeniedException if the caller is not the owner (EPERM)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this object is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/msgctl.2.html">msgctl(2)</a>
     */
    public void setPermissions(Set<PosixFilePermission> permissions) throws IOException {
        int mode = Modes.toMode(permissions);
        ensureOpen();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ds = stat(arena);
            MemorySegment perm = msqid_ds.msg_perm(ds);
            ipc_perm.mode(perm, (ipc_perm.mode(perm) & ~0777) | mode);
            int r = MqCalls.msgctl(id, LibC.IPC_SET(), ds);
            if (r < 0) {
                throw ctlError(id, "IPC_SET, mode=" + Modes.octal(mode), -r);
            }
        }
    }

    /**
     * Removes the queue from the system now ({@code IPC_RMID}): its messages are discarded,
     * and threads of any process blocked on it fail with EIDRM. This object stays open but
     * its calls fail with {@link ObjectRemovedException}.
     *
     * <p>On a closed handle it throws {@link IllegalStateException} and removes nothing, as
     * for the other System V kinds: a closed handle's id may name another object by then. To
     * remove after closing, open the object again (by key or id), or ask for
     * {@code removeOnClose()} while the handle is open.
     *
     * @throws ObjectRemovedException if it was already removed (EINVAL, EIDRM)
     * @throws java.nio.file.AccessDeniedException if the caller is neither owner nor creator (EPERM)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this object is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/msgctl.2.html">msgctl(2)</a>
     */
    public void remove() throws IOException {
        ensureOpen();
        int r = MqCalls.msgctl(id, LibC.IPC_RMID(), MemorySegment.NULL);
        if (r < 0) {
            throw ctlError(id, "IPC_RMID", -r);
        }
    }

    /**
     * Makes {@link #close()} also remove the queue ({@code IPC_RMID}, once, if it still
     * exists): for the process that created the queue and owns its lifetime.
     *
     * @return this queue
     * @throws IllegalStateException if this object is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/msgctl.2.html">msgctl(2)</a>
     */
    public SysVMessageQueue removeOnClose() {
        ensureOpen();
        removeOnClose = true;
        return this;
    }

    private static IOException ctlError(int id, String args, int errno) {
        if (errno == Native.EINVAL || errno == Native.EIDRM) {
            return new ObjectRemovedException("msgctl", "id=" + id + ", " + args, errno);
        }
        return Errors.named("msgctl", "id=" + id, "id=" + id + ", " + args, errno);
    }

    // ---------------------------------------------------------------- sending

    /**
     * Sends the message in a buffer ({@link SysVMessage#type()}, the first
     * {@link SysVMessage#length()} bytes of its text), waiting while the queue is full.
     * Allocates nothing.
     *
     * @param message the message
     * @throws QueueLimitException if the text is longer than {@code /proc/sys/kernel/msgmax} (EINVAL)
     *         or than the queue's maxBytes ({@code msg_qbytes}), so that it could never be sent
     * @throws ObjectRemovedException if the queue is removed (EIDRM, EINVAL)
     * @throws java.nio.file.AccessDeniedException if its mode denies writing (EACCES)
     * @throws AsynchronousCloseException if this object is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the object stays
     *         open and the call sends or receives nothing)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this object is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/msgsnd.2.html">msgsnd(2)</a>
     */
    public void send(SysVMessage message) throws IOException {
        Check.notNull("message", message);
        sendNative(message.segment(), message.length(), BLOCK, null);
    }

    /**
     * Sends the message in a buffer if the queue has room now.
     *
     * @param message the message
     * @return whether it was sent; {@code false} if the queue is full
     * @throws QueueLimitException if the text is longer than {@code msgmax} (EINVAL) or the
     *         queue's maxBytes
     * @throws ObjectRemovedException if the queue was removed (EIDRM, EINVAL)
     * @throws java.nio.file.AccessDeniedException if its mode denies writing (EACCES)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this object is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/msgsnd.2.html">msgsnd(2)</a>
     */
    public boolean trySend(SysVMessage message) throws IOException {
        Check.notNull("message", message);
        return sendNative(message.segment(), message.length(), TRY, null);
    }

    /**
     * Sends the message in a buffer, waiting at most {@code timeout} while the queue is full.
     *
     * @param message the message
     * @param timeout the longest wait
     * @return whether it was sent; {@code false} if the queue stayed full
     * @throws QueueLimitException if the text is longer than {@code msgmax} (EINVAL) or the
     *         queue's maxBytes
     * @throws ObjectRemovedException if the queue is removed (EIDRM, EINVAL)
     * @throws java.nio.file.AccessDeniedException if its mode denies writing (EACCES)
     * @throws AsynchronousCloseException if this object is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the object stays
     *         open and the call sends or receives nothing)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this object is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/msgsnd.2.html">msgsnd(2)</a>
     */
    public boolean send(SysVMessage message, Duration timeout) throws IOException {
        Check.notNull("message", message);
        return sendNative(message.segment(), message.length(), TIMED, Check.timeout(timeout));
    }

    /**
     * Sends a message, waiting while the queue is full.
     *
     * @param type a positive type
     * @param text the text
     * @throws QueueLimitException if the text is longer than {@code msgmax} (EINVAL) or the
     *         queue's maxBytes
     * @throws ObjectRemovedException if the queue is removed (EIDRM, EINVAL)
     * @throws java.nio.file.AccessDeniedException if its mode denies writing (EACCES)
     * @throws AsynchronousCloseException if this object is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the object stays
     *         open and the call sends or receives nothing)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this object is closed
     * @throws IllegalArgumentException if {@code type} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man2/msgsnd.2.html">msgsnd(2)</a>
     */
    public void send(long type, byte[] text) throws IOException {
        sendNative(stage(type, text), text.length, BLOCK, null);
    }

    /**
     * Sends a message if the queue has room now.
     *
     * @param type a positive type
     * @param text the text
     * @return whether it was sent; {@code false} if the queue is full
     * @throws QueueLimitException if the text is longer than {@code msgmax} (EINVAL) or the
     *         queue's maxBytes
     * @throws ObjectRemovedException if the queue was removed (EIDRM, EINVAL)
     * @throws java.nio.file.AccessDeniedException if its mode denies writing (EACCES)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this object is closed
     * @throws IllegalArgumentException if {@code type} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man2/msgsnd.2.html">msgsnd(2)</a>
     */
    public boolean trySend(long type, byte[] text) throws IOException {
        return sendNative(stage(type, text), text.length, TRY, null);
    }

    /**
     * Sends a message, waiting at most {@code timeout} while the queue is full.
     *
     * @param type a positive type
     * @param text the text
     * @param timeout the longest wait
     * @return whether it was sent; {@code false} if the queue stayed full
     * @throws QueueLimitException if the text is longer than {@code msgmax} (EINVAL) or the
     *         queue's maxBytes
     * @throws ObjectRemovedException if the queue is removed (EIDRM, EINVAL)
     * @throws java.nio.file.AccessDeniedException if its mode denies writing (EACCES)
     * @throws AsynchronousCloseException if this object is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the object stays
     *         open and the call sends or receives nothing)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this object is closed
     * @throws IllegalArgumentException if {@code type} is not positive or the timeout negative
     * @see <a href="https://man7.org/linux/man-pages/man2/msgsnd.2.html">msgsnd(2)</a>
     */
    public boolean send(long type, byte[] text, Duration timeout) throws IOException {
        return sendNative(stage(type, text), text.length, TIMED, Check.timeout(timeout));
    }

    /**
     * Sends a message whose text is a segment's bytes, waiting while the queue is full. The
     * text is copied behind the type (System V wants them contiguous); {@link SysVMessage}
     * avoids the copy.
     *
     * @param type a positive type
     * @param text the text
     * @throws QueueLimitException if the text is longer than {@code msgmax} (EINVAL) or the
     *         queue's maxBytes
     * @throws ObjectRemovedException if the queue is removed (EIDRM, EINVAL)
     * @throws java.nio.file.AccessDeniedException if its mode denies writing (EACCES)
     * @throws AsynchronousCloseException if this object is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the object stays
     *         open and the call sends or receives nothing)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this object is closed
     * @throws IllegalArgumentException if {@code type} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man2/msgsnd.2.html">msgsnd(2)</a>
     */
    public void send(long type, MemorySegment text) throws IOException {
        sendNative(stage(type, text), text.byteSize(), BLOCK, null);
    }

    /**
     * Sends a message whose text is a segment's bytes if the queue has room now.
     *
     * @param type a positive type
     * @param text the text
     * @return whether it was sent; {@code false} if the queue is full
     * @throws QueueLimitException if the text is longer than {@code msgmax} (EINVAL) or the
     *         queue's maxBytes
     * @throws ObjectRemovedException if the queue was removed (EIDRM, EINVAL)
     * @throws java.nio.file.AccessDeniedException if its mode denies writing (EACCES)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this object is closed
     * @throws IllegalArgumentException if {@code type} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man2/msgsnd.2.html">msgsnd(2)</a>
     */
    public boolean trySend(long type, MemorySegment text) throws IOException {
        return sendNative(stage(type, text), text.byteSize(), TRY, null);
    }

    /**
     * Sends a message whose text is a segment's bytes, waiting at most {@code timeout}.
     *
     * @param type a positive type
     * @param text the text
     * @param timeout the longest wait
     * @return whether it was sent; {@code false} if the queue stayed full
     * @throws QueueLimitException if the text is longer than {@code msgmax} (EINVAL) or the
     *         queue's maxBytes
     * @throws ObjectRemovedException if the queue is removed (EIDRM, EINVAL)
     * @throws java.nio.file.AccessDeniedException if its mode denies writing (EACCES)
     * @throws AsynchronousCloseException if this object is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the object stays
     *         open and the call sends or receives nothing)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this object is closed
     * @throws IllegalArgumentException if {@code type} is not positive or the timeout negative
     * @see <a href="https://man7.org/linux/man-pages/man2/msgsnd.2.html">msgsnd(2)</a>
     */
    public boolean send(long type, MemorySegment text, Duration timeout) throws IOException {
        return sendNative(stage(type, text), text.byteSize(), TIMED, Check.timeout(timeout));
    }

    /**
     * Sends a message whose text is a buffer's remaining bytes, waiting while the queue is
     * full; the position advances to the limit once it is sent.
     *
     * @param type a positive type
     * @param text the text, from position to limit
     * @throws QueueLimitException if the text is longer than {@code msgmax} (EINVAL) or the
     *         queue's maxBytes
     * @throws ObjectRemovedException if the queue is removed (EIDRM, EINVAL)
     * @throws java.nio.file.AccessDeniedException if its mode denies writing (EACCES)
     * @throws AsynchronousCloseException if this object is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the object stays
     *         open and the call sends or receives nothing)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this object is closed
     * @throws IllegalArgumentException if {@code type} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man2/msgsnd.2.html">msgsnd(2)</a>
     */
    public void send(long type, ByteBuffer text) throws IOException {
        sendBuffer(type, text, BLOCK, null);
    }

    /**
     * Sends a message whose text is a buffer's remaining bytes if the queue has room now;
     * the position advances only if it was sent.
     *
     * @param type a positive type
     * @param text the text, from position to limit
     * @return whether it was sent; {@code false} if the queue is full
     * @throws QueueLimitException if the text is longer than {@code msgmax} (EINVAL) or the
     *         queue's maxBytes
     * @throws ObjectRemovedException if the queue was removed (EIDRM, EINVAL)
     * @throws java.nio.file.AccessDeniedException if its mode denies writing (EACCES)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this object is closed
     * @throws IllegalArgumentException if {@code type} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man2/msgsnd.2.html">msgsnd(2)</a>
     */
    public boolean trySend(long type, ByteBuffer text) throws IOException {
        return sendBuffer(type, text, TRY, null);
    }

    /**
     * Sends a message whose text is a buffer's remaining bytes, waiting at most
     * {@code timeout}; the position advances only if it was sent.
     *
     * @param type a positive type
     * @param text the text, from position to limit
     * @param timeout the longest wait
     * @return whether it was sent; {@code false} if the queue stayed full
     * @throws QueueLimitException if the text is longer than {@code msgmax} (EINVAL) or the
     *         queue's maxBytes
     * @throws ObjectRemovedException if the queue is removed (EIDRM, EINVAL)
     * @throws java.nio.file.AccessDeniedException if its mode denies writing (EACCES)
     * @throws AsynchronousCloseException if this object is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the object stays
     *         open and the call sends or receives nothing)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this object is closed
     * @throws IllegalArgumentException if {@code type} is not positive or the timeout negative
     * @see <a href="https://man7.org/linux/man-pages/man2/msgsnd.2.html">msgsnd(2)</a>
     */
    public boolean send(long type, ByteBuffer text, Duration timeout) throws IOException {
        return sendBuffer(type, text, TIMED, Check.timeout(timeout));
    }

    private boolean sendBuffer(long type, ByteBuffer text, int mode, Duration timeout) throws IOException {
        Check.notNull("text", text);
        int len = text.remaining();
        boolean sent = sendNative(stage(type, text), len, mode, timeout);
        if (sent) {
            text.position(text.limit());
        }
        return sent;
    }

    /**
     * Copies a message into the thread's scratch memory behind the room {@link #checkFits}
     * uses, type first (System V wants type and text contiguous).
     */
    private static MemorySegment stage(long type, byte[] text) {
        Check.notNull("text", text);
        Check.positive("type", type);
        MemorySegment buf = Waiter.current().scratch(Native.MSQID_ROOM, Long.BYTES + text.length);
        buf.set(ValueLayout.JAVA_LONG, 0, type);
        MemorySegment.copy(text, 0, buf, ValueLayout.JAVA_BYTE, Long.BYTES, text.length);
        return buf;
    }

    private static MemorySegment stage(long type, ByteBuffer text) {
        Check.positive("type", type);
        int len = text.remaining();
        Waiter w = Waiter.current();
        MemorySegment buf = w.scratch(Native.MSQID_ROOM, Long.BYTES + len);
        buf.set(ValueLayout.JAVA_LONG, 0, type);
        w.copyToScratch((int) Native.MSQID_ROOM + Long.BYTES, text, len); // no segment of the buffer per call
        return buf;
    }

    private static MemorySegment stage(long type, MemorySegment text) {
        Check.notNull("text", text);
        Check.positive("type", type);
        MemorySegment buf = Waiter.current().scratch(Native.MSQID_ROOM, Long.BYTES + text.byteSize());
        buf.set(ValueLayout.JAVA_LONG, 0, type);
        MemorySegment.copy(text, 0, buf, Long.BYTES, text.byteSize());
        return buf;
    }

    private boolean sendNative(MemorySegment msgp, long len, int mode, Duration timeout) throws IOException {
        boolean interrupted = Thread.currentThread().isInterrupted();
        if (mode == TRY || !interrupted) {
            // First without blocking: a queue with room costs one call and no timer.
            int first;
            blocker.enter();
            try {
                first = MqCalls.msgsnd(id, msgp, len, Native.IPC_NOWAIT);
            } finally {
                blocker.exit();
            }
            if (first == 0) {
                return true;
            }
            if (first != -Native.EAGAIN) {
                throw sendError(len, -first);
            }
            // The queue is full, or the message can never fit: a text longer than the queue's
            // maxBytes would wait forever, so say so instead.
            checkFits(len);
        }
        long deadline = mode == TIMED ? Deadline.end(timeout) : Deadline.NONE;
        if (mode == TRY || (Deadline.expired(deadline) && !interrupted)) {
            return false;
        }
        // An interrupted thread comes here at once: the engine throws without making the call.
        long r = blocker.call(MSG_SEND, id, msgp, MemorySegment.NULL, len, 0, 0, deadline, Timing.TIMER);
        if (r == 0) {
            return true;
        }
        if (r == -Native.ETIMEDOUT) {
            return false;
        }
        throw sendError(len, (int) -r);
    }

    private void checkFits(long len) throws IOException {
        MemorySegment ds = Waiter.current().scratch(msqid_ds.sizeof()); // before a staged message
        int r;
        blocker.enter();
        try {
            r = MqCalls.msgctl(id, LibC.IPC_STAT(), ds);
        } finally {
            blocker.exit();
        }
        if (r == -LibC.EACCES()) {
            return; // a write-only user may not read the queue's state: nothing to tell
        }
        if (r < 0) {
            throw ctlError(id, "IPC_STAT", -r);
        }
        long maxBytes = msqid_ds.msg_qbytes(ds);
        if (len > maxBytes) {
            throw new QueueLimitException("msgsnd", "id=" + id + ", msgsz=" + len, Native.EAGAIN, "msg_qbytes", maxBytes,
                    "msgsz=" + len + " exceeds the queue's maxBytes (msg_qbytes)=" + maxBytes
                    + " and could never be sent");
        }
    }

    private IOException sendError(long len, int errno) {
        String args = "id=" + id + ", msgsz=" + len;
        if (errno == Native.EINVAL) {
            try {
                long msgmax = readProc("msgmax");
                if (len > msgmax) {
                    return new QueueLimitException("msgsnd", args, errno, PROC.resolve("msgmax").toString(), msgmax,
                            "msgsz=" + len + " exceeds " + PROC.resolve("msgmax") + "=" + msgmax);
                }
            } catch (IOException unreadable) {
                // not a limit we can name
            }
        }
        if (errno == Native.EINVAL || errno == Native.EIDRM) {
            return new ObjectRemovedException("msgsnd", args, errno);
        }
        return Errors.named("msgsnd", "id=" + id, args, errno);
    }

    // ---------------------------------------------------------------- receiving

    /**
     * Receives the first message the filter selects into a buffer, waiting until there is
     * one. Allocates nothing.
     *
     * @param into the buffer; its {@link SysVMessage#allowTruncation() truncation setting}
     *        decides what happens to a longer message
     * @param filter which message to take
     * @throws QueueException if the selected message is longer than the buffer and
     *         truncation is not allowed (E2BIG; the message stays queued)
     * @throws ObjectRemovedException if the queue is removed, also while waiting (EIDRM, EINVAL)
     * @throws java.nio.file.AccessDeniedException if its mode denies reading (EACCES)
     * @throws AsynchronousCloseException if this object is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the object stays
     *         open and the call sends or receives nothing)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this object is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/msgrcv.2.html">msgrcv(2)</a>
     */
    public void receive(SysVMessage into, TypeFilter filter) throws IOException {
        receiveInto(into, filter, BLOCK, null);
    }

    /**
     * Receives the first message the filter selects into a buffer if there is one now.
     *
     * @param into the buffer
     * @param filter which message to take
     * @return whether a message was received; {@code false} if none is selected
     * @throws QueueException if the selected message is longer than the buffer and
     *         truncation is not allowed (E2BIG; the message stays queued)
     * @throws ObjectRemovedException if the queue was removed (EIDRM, EINVAL)
     * @throws java.nio.file.AccessDeniedException if its mode denies reading (EACCES)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this object is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/msgrcv.2.html">msgrcv(2)</a>
     */
    public boolean tryReceive(SysVMessage into, TypeFilter filter) throws IOException {
        return receiveInto(into, filter, TRY, null);
    }

    /**
     * Receives the first message the filter selects into a buffer, waiting at most
     * {@code timeout} (see the class comment for how the wait is bounded).
     *
     * @param into the buffer
     * @param filter which message to take
     * @param timeout the longest wait
     * @return whether a message was received; {@code false} if none was selected in time
     * @throws QueueException if the selected message is longer than the buffer and
     *         truncation is not allowed (E2BIG; the message stays queued)
     * @throws ObjectRemovedException if the queue is removed, also while waiting (EIDRM, EINVAL)
     * @throws java.nio.file.AccessDeniedException if its mode denies reading (EACCES)
     * @throws AsynchronousCloseException if this object is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the object stays
     *         open and the call sends or receives nothing)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this object is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/msgrcv.2.html">msgrcv(2)</a>
     */
    public boolean receive(SysVMessage into, TypeFilter filter, Duration timeout) throws IOException {
        return receiveInto(into, filter, TIMED, Check.timeout(timeout));
    }

    /**
     * Receives the first message the filter selects into a new array, waiting until there
     * is one.
     *
     * @param filter which message to take
     * @return the message
     * @throws ObjectRemovedException if the queue is removed, also while waiting (EIDRM, EINVAL)
     * @throws java.nio.file.AccessDeniedException if its mode denies reading (EACCES)
     * @throws AsynchronousCloseException if this object is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the object stays
     *         open and the call sends or receives nothing)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this object is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/msgrcv.2.html">msgrcv(2)</a>
     */
    public TypedMessage receive(TypeFilter filter) throws IOException {
        return receiveCopy(filter, BLOCK, null);
    }

    /**
     * Receives the first message the filter selects into a new array if there is one now.
     *
     * @param filter which message to take
     * @return the message, or {@code null} if none is selected
     * @throws ObjectRemovedException if the queue was removed (EIDRM, EINVAL)
     * @throws java.nio.file.AccessDeniedException if its mode denies reading (EACCES)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this object is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/msgrcv.2.html">msgrcv(2)</a>
     */
    public TypedMessage tryReceive(TypeFilter filter) throws IOException {
        return receiveCopy(filter, TRY, null);
    }

    /**
     * Receives the first message the filter selects into a new array, waiting at most
     * {@code timeout}.
     *
     * @param filter which message to take
     * @param timeout the longest wait
     * @return the message, or {@code null} if none was selected in time
     * @throws ObjectRemovedException if the queue is removed, also while waiting (EIDRM, EINVAL)
     * @throws java.nio.file.AccessDeniedException if its mode denies reading (EACCES)
     * @throws AsynchronousCloseException if this object is closed while waiting
     * @throws InterruptedIOException if the thread is interrupted while waiting (the object stays
     *         open and the call sends or receives nothing)
     * @throws IOException if the call fails otherwise
     * @throws IllegalStateException if this object is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/msgrcv.2.html">msgrcv(2)</a>
     */
    public TypedMessage receive(TypeFilter filter, Duration timeout) throws IOException {
        return receiveCopy(filter, TIMED, Check.timeout(timeout));
    }

    private boolean receiveInto(SysVMessage into, TypeFilter filter, int mode, Duration timeout)
            throws IOException {
        Check.notNull("into", into);
        Check.notNull("filter", filter);
        return receiveNative(into.segment(), into.capacity(), filter, into, mode, timeout) >= 0;
    }

    private TypedMessage receiveCopy(TypeFilter filter, int mode, Duration timeout) throws IOException {
        Check.notNull("filter", filter);
        long capacity = copyCapacity;
        while (true) {
            MemorySegment buf = Waiter.current().scratch(Long.BYTES + capacity);
            try {
                long r = receiveNative(buf, capacity, filter, null, mode, timeout);
                if (r < 0) {
                    return null;
                }
                byte[] data = new byte[(int) r];
                MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, Long.BYTES, data, 0, (int) r);
                return new TypedMessage(buf.get(ValueLayout.JAVA_LONG, 0), data);
            } catch (QueueException tooLong) {
                if (tooLong.errnoNumber() != Native.E2BIG || capacity >= Integer.MAX_VALUE / 2) {
                    throw tooLong;
                }
                capacity *= 2; // a privileged sender raised msgmax: grow and take it
                copyCapacity = capacity;
            }
        }
    }

    /**
     * Receives into {@code msgp} and, if given, records length and truncation in {@code into}.
     *
     * @return the text length, or -ENOMSG / -ETIMEDOUT when nothing was selected (in time)
     */
    private long receiveNative(MemorySegment msgp, long cap, TypeFilter filter, SysVMessage into, int mode,
                               Duration timeout) throws IOException {
        long msgtyp = filter.msgtyp();
        int flags = filter.flags();
        long deadline = mode == TIMED ? Deadline.end(timeout) : Deadline.NONE;
        while (true) {
            // First without blocking: a message already there costs one call and no timer. An
            // interrupted thread goes to the engine at once, which throws without making the call.
            boolean interrupted = Thread.currentThread().isInterrupted();
            long r = -Native.ENOMSG;
            if (mode == TRY || !interrupted) {
                r = receiveNow(msgp, cap, msgtyp, flags);
            }
            if (r == -Native.ENOMSG && mode != TRY && (interrupted || !Deadline.expired(deadline))) {
                r = blocker.call(MSG_RECEIVE, id, msgp, MemorySegment.NULL, cap, msgtyp, flags, deadline,
                        Timing.TIMER);
            }
            if (r >= 0) {
                if (into != null) {
                    into.received(r, false);
                }
                return r;
            }
            if (r == -Native.ENOMSG || r == -Native.ETIMEDOUT) {
                return r;
            }
            if (r != -Native.E2BIG) {
                throw receiveError(cap, filter, (int) -r);
            }
            long t = takeTruncated(msgp, cap, filter, into);
            if (t >= 0) {
                return t;
            }
            // the long message went to another receiver: look again
        }
    }

    private long receiveNow(MemorySegment msgp, long cap, long msgtyp, int flags) throws IOException {
        blocker.enter();
        try {
            return MqCalls.msgrcv(id, msgp, cap, msgtyp, flags | Native.IPC_NOWAIT);
        } finally {
            blocker.exit();
        }
    }

    /**
     * After E2BIG: take the long message cut to the buffer if allowed. The message may be
     * taken by another receiver meanwhile; then -ENOMSG (look again). {@code truncated} is
     * exact unless a racing message of exactly the capacity is taken instead.
     */
    private long takeTruncated(MemorySegment msgp, long cap, TypeFilter filter, SysVMessage into)
            throws IOException {
        if (into == null || !into.allowTruncation()) {
            throw new QueueException("msgrcv", "id=" + id + ", msgsz=" + cap + ", " + filter, Native.E2BIG,
                    "the selected message is longer than the buffer's capacity=" + cap
                    + " and stays queued; allow truncation (MSG_NOERROR) to take it cut");
        }
        long r = receiveNow(msgp, cap, filter.msgtyp(), filter.flags() | Native.MSG_NOERROR);
        if (r >= 0) {
            into.received(r, r == cap);
            return r;
        }
        if (r == -Native.ENOMSG) {
            return r;
        }
        throw receiveError(cap, filter, (int) -r);
    }

    private IOException receiveError(long cap, TypeFilter filter, int errno) {
        String args = "id=" + id + ", msgsz=" + cap + ", " + filter;
        if (errno == Native.EINVAL || errno == Native.EIDRM) {
            return new ObjectRemovedException("msgrcv", args, errno);
        }
        return Errors.named("msgrcv", "id=" + id, args, errno);
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Ends this object's use of the queue; idempotent and callable from any thread. Threads
     * blocked in a send or receive on this object throw {@link AsynchronousCloseException}.
     * The queue itself stays, unless {@link #removeOnClose()} was called: then it is removed
     * ({@code IPC_RMID}) once, if it still exists.
     *
     * @throws UncheckedIOException if the queue was to be removed and may not be (EPERM)
     * @see <a href="https://man7.org/linux/man-pages/man2/msgctl.2.html">msgctl(2)</a>
     */
    @Override
    public void close() {
        if (blocker.close() && removeOnClose) {
            int r = MqCalls.msgctl(id, LibC.IPC_RMID(), MemorySegment.NULL);
            if (r < 0 && r != -Native.EINVAL && r != -Native.EIDRM) {
                throw new UncheckedIOException(ctlError(id, "IPC_RMID", -r));
            }
        }
    }

    /** Checks that this object is open; it frees nothing on close, so no call needs to hold it. */
    private void ensureOpen() {
        if (!blocker.isOpen()) {
            throw new IllegalStateException("queue id=" + id + " is closed");
        }
    }

    /** {@return how many threads are blocked in a call on this object now} */
    int waiting() {
        return blocker.waiting();
    }

    @Override
    public String toString() {
        return "SysVMessageQueue[id=" + id + " " + keyText(key) + (isOpen() ? "]" : " closed]");
    }
}
