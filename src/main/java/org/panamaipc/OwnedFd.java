package org.panamaipc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.FdUse;
import org.panamaipc.internal.FdKinds;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.Sys;
import org.panamaipc.internal.UseCount;

/**
 * A file descriptor owned by exactly one Java object, closed exactly once.
 *
 * <p>Descriptors this library opens are close-on-exec. {@link #close()} is idempotent and
 * safe from any thread: a call that is using the descriptor ({@link #acquire()} ...
 * {@link #release()}) keeps the number from being closed, and so from being reused by an
 * unrelated {@code open}, until it is done; the descriptor is closed by whichever of
 * {@code close()} and the last {@code release()} comes last. Waking a thread that is
 * blocked on the descriptor is the job of the mechanism that blocks.
 *
 * <p>An owned descriptor is never cloned: {@link #dup()} makes a second owned descriptor
 * for the same open file, and {@link #detach()} hands the number to the caller.
 *
 * <p>A descriptor received over a Unix socket or inherited becomes what it is:
 * {@link #kind()} tells what it refers to, {@link #toFileChannel()}, {@link #toInputStream()}
 * and {@link #toOutputStream()} give the JDK's types, and the {@code adopt} methods of the
 * library's types ({@code UnixSocket}, {@code PipeSource}, {@code PipeSink}, {@code Memfd},
 * {@code EventFd}, {@code PidFd}, {@code PosixMessageQueue}) its own. {@link DescriptorKind}
 * has the table of which kind becomes what.
 *
 * <p>A {@link WaitSet} that watches the descriptor is told when it leaves this owner, just
 * before the number is closed (or detached), so that the set forgets it while the number
 * still means this file: a number reused by a later {@code open} never reaches the set.
 *
 * <pre>{@code
 * try (OwnedFd fd = OwnedFd.adopt(rawFd)) {
 *     OwnedFd copy = fd.dup();          // closes separately
 *     ...
 * }
 * }</pre>
 */
public final class OwnedFd implements AutoCloseable {
    private static final VarHandle LISTENERS;
    private static final VarHandle LENT;
    private static final VarHandle USES;
    private static final Runnable[] NONE = {};
    /** The kinds of descriptor that {@link #toInputStream()} and {@link #toOutputStream()} take. */
    private static final DescriptorKind[] STREAMS = {DescriptorKind.PIPE, DescriptorKind.UNIX_SOCKET,
        DescriptorKind.REGULAR_FILE, DescriptorKind.MEMFD, DescriptorKind.CHARACTER_DEVICE, DescriptorKind.BLOCK_DEVICE};
    /** What the listener list becomes once they have run: nothing can be added after. */
    private static final Runnable[] RAN = {};

    static {
        try {
            LISTENERS = MethodHandles.lookup().findVarHandle(OwnedFd.class, "listeners", Runnable[].class);
            LENT = MethodHandles.lookup().findVarHandle(OwnedFd.class, "lent", int.class);
            USES = MethodHandles.lookup().findVarHandle(OwnedFd.class, "uses", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        FdUse.install(new FdUse.Access() {
            @Override
            public int tryEnter(OwnedFd fd) {
                return fd.tryAcquire();
            }

            @Override
            public void exit(OwnedFd fd) {
                fd.exit();
            }
        });
    }

    private final int fd;
    // the calls in flight and the open state, run by UseCount's static forms: kept here rather
    // than in a UseCount of its own, so that an owned descriptor (one per descriptor received)
    // is one object
    @SuppressWarnings("unused") // accessed through USES
    private volatile int uses;
    // copied on write with a compare-and-set, so that close stays lock-free; rarely longer than one
    @SuppressWarnings("unused") // accessed through LISTENERS
    private volatile Runnable[] listeners = NONE;
    // uses begun by the public acquire() and not yet released: what the public release() may end
    @SuppressWarnings("unused") // accessed through LENT
    private volatile int lent;

    private OwnedFd(int fd) {
        this.fd = fd;
    }

    /**
     * Takes ownership of a raw descriptor: from now on this object closes it.
     *
     * @param fd an open descriptor, not owned by anything else
     * @return the owner
     * @throws IllegalArgumentException if {@code fd} is negative
     */
    public static OwnedFd adopt(int fd) {
        NativeAccess.require();
        if (fd < 0) {
            throw new IllegalArgumentException("fd=" + fd + " must not be negative");
        }
        return new OwnedFd(fd);
    }

    /**
     * Marks the descriptor in use by a call, so that a concurrent {@link #close()} waits
     * for the call to {@link #release()} it. Allocates nothing.
     *
     * <p>Each {@code acquire()} must be followed by exactly one {@link #release()}, in a
     * {@code finally}. The library's own calls count their uses apart from these, so an
     * unbalanced pair in the caller's code can never end a use of the library's: a thread
     * blocked in a read through this descriptor keeps it open whatever another thread
     * releases.
     *
     * @return the descriptor's number, valid until {@link #release()}
     * @throws IllegalStateException if the descriptor is closed
     */
    public int acquire() {
        if (!UseCount.tryEnter(USES, this)) {
            throw closed();
        }
        LENT.getAndAdd(this, 1);
        return fd;
    }

    /**
     * As {@link #acquire()}, for the library's callers to whom a closed descriptor is no error;
     * such a use is ended by {@code exit()} (see {@link FdUse}), not by {@link #release()}.
     *
     * @return the descriptor's number, or -1 if it is closed (nothing to end then)
     */
    int tryAcquire() {
        return UseCount.tryEnter(USES, this) ? fd : -1;
    }

    /** Ends a use of the library's begun by {@link #tryAcquire()}. */
    void exit() {
        if (UseCount.exit(USES, this)) {
            closeNow();
        }
    }

    /**
     * Ends a use begun by {@link #acquire()}; closes the descriptor if it was closed meanwhile.
     *
     * @throws IllegalStateException if no {@link #acquire()} is left to match it; the use
     *         count is then unchanged
     */
    public void release() {
        int n;
        do {
            n = (int) LENT.getVolatile(this);
            if (n == 0) {
                throw new IllegalStateException("fd=" + fd + ": release() without a matching acquire()");
            }
        } while (!LENT.weakCompareAndSet(this, n, n - 1));
        exit();
    }

    /**
     * The descriptor's number, for a moment: prefer {@link #acquire()} around a call.
     *
     * @return the number
     * @throws IllegalStateException if the descriptor is closed
     */
    public int get() {
        if (!isOpen()) {
            throw closed();
        }
        return fd;
    }

    /** {@return whether {@link #close()} or {@link #detach()} has not been called yet} */
    public boolean isOpen() {
        return UseCount.isOpen(USES, this);
    }

    /**
     * Duplicates the descriptor ({@code fcntl(F_DUPFD_CLOEXEC)}): the copy refers to the
     * same open file and is closed separately.
     *
     * @return a new owned descriptor
     * @throws IOException if the process is out of descriptors (EMFILE)
     * @throws IllegalStateException if this descriptor is closed
     */
    public OwnedFd dup() throws IOException {
        int n = tryAcquire();
        if (n < 0) {
            throw closed();
        }
        try {
            int r = Sys.fcntl(n, LibC.F_DUPFD_CLOEXEC(), 0);
            if (r < 0) {
                throw Errors.of("fcntl", "fd=" + n + ", F_DUPFD_CLOEXEC", -r);
            }
            return new OwnedFd(r);
        } finally {
            exit();
        }
    }

    /**
     * Gives up ownership without closing: the caller must close the returned number.
     *
     * @return the descriptor's number
     * @throws IllegalStateException if the descriptor is closed or in use by a call
     */
    public int detach() {
        if (!UseCount.detach(USES, this)) {
            throw isOpen()
                    ? new IllegalStateException("fd=" + fd + " is in use and cannot be detached")
                    : closed();
        }
        runCloseListeners(); // the number is the caller's now: whoever watched it through us lets go
        return fd;
    }

    /**
     * What the descriptor refers to, and so what it can become (see {@link DescriptorKind}).
     *
     * @return its kind
     * @throws IllegalStateException if the descriptor is closed
     * @throws IOException if {@code fstat(2)} fails on it
     */
    public DescriptorKind kind() throws IOException {
        return DescriptorKind.of(this);
    }

    /**
     * A JDK {@link FileChannel} on the file this descriptor refers to: a regular file, a
     * memfd, a POSIX shared memory object or a block device, such as one received over a Unix
     * socket. The JDK has no public way to wrap a descriptor number, so the file is opened
     * again through {@code /proc/self/fd/N}, with the descriptor's access mode
     * ({@code O_RDONLY}, {@code O_WRONLY}, {@code O_RDWR}; {@code O_APPEND} on a write-only
     * descriptor), and positioned at the descriptor's offset. What that means:
     * <ul>
     *   <li>The channel has an <b>open file description of its own</b>: its position is
     *       copied, not shared, so reads and writes through it move neither the sender's
     *       offset nor this descriptor's, and the sender's do not move the channel's. Locks
     *       taken through it ({@code FileChannel.lock}, OFD and {@code flock} locks) are its
     *       own too.
     *   <li>The file's <b>permissions are checked again</b>, for this process: a descriptor
     *       passed by a process with more rights (the usual privilege-separation pattern) may
     *       not be reopened ({@link java.nio.file.AccessDeniedException}); a memfd sealed
     *       against writes cannot be reopened for writing. The descriptor itself would still
     *       work: keep it for the library's own objects ({@code Memfd.adopt}).
     *   <li>A read-write descriptor with {@code O_APPEND} gives a read-write channel that
     *       does not append (the JDK does not open files for reading and appending).
     *   <li>{@code /proc} must be mounted, as it is on every ordinary Linux system.
     * </ul>
     *
     * <p><b>Lifetime.</b> Once the channel is open this descriptor is closed (the channel
     * holds the file open by itself): close the channel. If this method throws, the
     * descriptor stays open and the caller's.
     *
     * @return the channel
     * @throws IllegalArgumentException if the descriptor is not a regular file, memfd or block
     *         device ({@link DescriptorKind}), naming what it is and what it can become
     * @throws IllegalStateException if the descriptor is closed
     * @throws IOException if reopening fails: {@link java.nio.file.AccessDeniedException}
     *         when this process may not open the file in that mode
     * @see <a href="https://man7.org/linux/man-pages/man5/proc_pid_fd.5.html">proc_pid_fd(5)</a>
     */
    public FileChannel toFileChannel() throws IOException {
        FdKinds.require(this, "OwnedFd.toFileChannel", "a regular file, memfd or block device",
                DescriptorKind.REGULAR_FILE, DescriptorKind.MEMFD, DescriptorKind.BLOCK_DEVICE);
        return reopened("OwnedFd.toFileChannel", null);
    }

    /**
     * An {@link InputStream} reading what this descriptor refers to: the read end of a pipe
     * or FIFO ({@code PipeSource.inputStream}), a Unix domain socket
     * ({@code UnixSocket.inputStream}, made blocking if it was not: the flag belongs to the
     * open file, which the sender shares), or a regular file, memfd, block or character
     * device, read through a channel of its own as {@link #toFileChannel()} explains (from
     * the descriptor's offset, which it then no longer shares).
     *
     * <p><b>Lifetime.</b> The stream owns the descriptor from now on (this object is closed,
     * or for a file replaced by the channel): close the stream.
     *
     * @return the stream
     * @throws IllegalArgumentException if the descriptor cannot be read as a stream (the
     *         write end of a pipe, a write-only file, a directory, an eventfd, ...), naming
     *         what it is and what it can become
     * @throws IllegalStateException if the descriptor is closed
     * @throws IOException if a call fails, or reopening a file does ({@link #toFileChannel()})
     */
    public InputStream toInputStream() throws IOException {
        DescriptorKind kind = FdKinds.require(this, "OwnedFd.toInputStream", "something to read as a stream", STREAMS);
        return switch (kind) {
            case PIPE -> org.panamaipc.pipe.PipeSource.adopt(this).inputStream();
            case UNIX_SOCKET -> blockingSocket("OwnedFd.toInputStream").inputStream();
            default -> Channels.newInputStream(reopened("OwnedFd.toInputStream", StandardOpenOption.READ));
        };
    }

    /**
     * An {@link OutputStream} writing to what this descriptor refers to: the write end of a
     * pipe or FIFO, a Unix domain socket, or a regular file, memfd, block or character device
     * (written through a channel of its own, as {@link #toFileChannel()} explains: from the
     * descriptor's offset, or at the end for an {@code O_APPEND} descriptor).
     *
     * <p><b>Lifetime.</b> The stream owns the descriptor from now on: close the stream.
     *
     * @return the stream
     * @throws IllegalArgumentException if the descriptor cannot be written as a stream (the
     *         read end of a pipe, a read-only file, ...), naming what it is and what it can become
     * @throws IllegalStateException if the descriptor is closed
     * @throws IOException if a call fails, or reopening a file does ({@link #toFileChannel()})
     */
    public OutputStream toOutputStream() throws IOException {
        DescriptorKind kind = FdKinds.require(this, "OwnedFd.toOutputStream", "something to write as a stream", STREAMS);
        return switch (kind) {
            case PIPE -> org.panamaipc.pipe.PipeSink.adopt(this).outputStream();
            case UNIX_SOCKET -> blockingSocket("OwnedFd.toOutputStream").outputStream();
            default -> Channels.newOutputStream(reopened("OwnedFd.toOutputStream", StandardOpenOption.WRITE));
        };
    }

    /** Reopens the file through /proc and closes this descriptor once the channel is open. */
    private FileChannel reopened(String call, StandardOpenOption needed) throws IOException {
        int n = acquire();
        FileChannel channel;
        try {
            channel = FdKinds.reopen(n, call, needed);
        } finally {
            release();
        }
        close();
        return channel;
    }

    private org.panamaipc.socket.UnixSocket blockingSocket(String call) throws IOException {
        org.panamaipc.socket.UnixSocket socket = org.panamaipc.socket.UnixSocket.adopt(this);
        if (!socket.isBlocking()) {
            try {
                socket.configureBlocking(true);
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }
        return socket;
    }

    /**
     * Asks to be told when the descriptor leaves this owner: {@code listener} runs once, on
     * the thread that really closes the number (the last of {@link #close()} and
     * {@link #release()}) just before {@code close(2)}, or in {@link #detach()}. It must be
     * short, must not block and must not close this descriptor. For {@link WaitSet}.
     *
     * @param listener what to run
     * @return false if the listeners have run already (the number is gone or going)
     */
    boolean addCloseListener(Runnable listener) {
        while (true) {
            Runnable[] now = (Runnable[]) LISTENERS.getVolatile(this);
            if (now == RAN) {
                return false;
            }
            Runnable[] more = Arrays.copyOf(now, now.length + 1);
            more[now.length] = listener;
            if (LISTENERS.compareAndSet(this, now, more)) {
                return true;
            }
        }
    }

    /**
     * Withdraws a listener added by {@link #addCloseListener}; nothing if it is not there or
     * has run.
     *
     * @param listener the listener, compared by identity
     */
    void removeCloseListener(Runnable listener) {
        while (true) {
            Runnable[] now = (Runnable[]) LISTENERS.getVolatile(this);
            int i = 0;
            while (i < now.length && now[i] != listener) {
                i++;
            }
            if (i == now.length) {
                return;
            }
            Runnable[] fewer = new Runnable[now.length - 1];
            System.arraycopy(now, 0, fewer, 0, i);
            System.arraycopy(now, i + 1, fewer, i, fewer.length - i);
            if (LISTENERS.compareAndSet(this, now, fewer)) {
                return;
            }
        }
    }

    private void runCloseListeners() {
        for (Runnable listener : (Runnable[]) LISTENERS.getAndSet(this, RAN)) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                // the descriptor is closed whatever a listener does: one that fails harms only itself
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, e);
            }
        }
    }

    /**
     * Closes the descriptor, once; later calls do nothing. If a call is using it, the
     * descriptor is closed when that call releases it. A failing {@code close(2)} is not
     * reported: Linux has released the descriptor whatever it returns.
     */
    @Override
    public void close() {
        if (UseCount.close(USES, this) == UseCount.CLOSED_IDLE) {
            closeNow();
        }
    }

    /** Closes the number: once, after close and the last call in flight. */
    private void closeNow() {
        runCloseListeners();
        Sys.close(fd);
    }

    private IllegalStateException closed() {
        return new IllegalStateException("fd=" + fd + " is closed");
    }

    @Override
    public String toString() {
        return "OwnedFd[fd=" + fd + (isOpen() ? "]" : ", closed]");
    }
}
