package org.panamaipc.lock;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.panamaipc.DescriptorBased;
import org.panamaipc.DescriptorKind;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.flock;
import org.panamaipc.bindings.stat;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Blocker.Timing;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.FdKinds;
import org.panamaipc.internal.LockCalls;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.Sys;
import org.panamaipc.internal.Waiter;

/**
 * An open file to lock: byte ranges with {@code fcntl} record locks
 * ({@link LockKind#PROCESS}) or open file description locks ({@link LockKind#OPEN_FILE}),
 * or the whole file with {@code flock} ({@link LockKind#FLOCK}).
 *
 * <pre>{@code
 * try (LockableFile file = LockableFile.openOrCreate(Path.of("/tmp/app.lock"));
 *      HeldLock lock = file.tryLock(LockKind.OPEN_FILE, LockMode.EXCLUSIVE)) {
 *     if (lock == null) {
 *         System.out.println("held by " + file.conflicting(LockKind.PROCESS, LockMode.EXCLUSIVE, 0, 0));
 *     }
 * }
 * }</pre>
 *
 * <p>Each family has a blocking {@code lock}, a timed {@code lock} that returns
 * {@code null} when the time passes, and a {@code tryLock} that returns {@code null} when
 * the lock is held elsewhere. {@link #close()} releases every lock taken through this
 * file and, for {@link LockKind#PROCESS} locks, every lock this process holds on the file
 * (the classic pitfall {@link LockKind#PROCESS} describes); it also releases threads
 * blocked waiting for a lock on it, with {@link AsynchronousCloseException}. Any later call
 * throws {@link IllegalStateException}.
 *
 * <p><b>Interrupt.</b> Interrupting a thread that waits for a lock ends the wait with
 * {@link InterruptedIOException}: the lock is not taken, the file stays open and the
 * thread's interrupt status stays set.
 *
 * <p>Within this process, a lock overlapping one already held through the library on the
 * same file — through any {@link LockableFile} for {@link LockKind#PROCESS} locks, through
 * this one for the others — is refused with {@link OverlappingFileLockException}, as the
 * JDK's {@code FileChannel.lock} does: the kernel would silently merge or convert it, and
 * releasing one would release part of the other. A {@link LockKind#PROCESS} lock and an
 * {@link LockKind#OPEN_FILE} lock of this file that overlap, one of them exclusive, are
 * refused too, since the kernel would make the second wait for the first, held by this
 * very process.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/fcntl.2.html">fcntl(2), "Advisory record locking"</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/flock.2.html">flock(2)</a>
 */
public final class LockableFile implements AutoCloseable, DescriptorBased {
    /** Process locks belong to the process, so they are booked per file across all LockableFiles. */
    private static final Map<FileKey, List<HeldLock>> PROCESS_LOCKS = new HashMap<>();
    /** The C library's values, read only once native access was checked ({@link NativeAccess}). */
    private static final class Native {
        static final int EAGAIN = LibC.EAGAIN();
        static final int EACCES = LibC.EACCES();
    }


    private final OwnedFd fd;
    private final Blocker blocker;
    private final FileKey key;
    private final String name;
    private final List<HeldLock> ownLocks = new ArrayList<>(); // OPEN_FILE and FLOCK locks; guarded by this

    private record FileKey(long device, long inode) {
    }

    private LockableFile(OwnedFd fd, FileKey key, String name) {
        this.fd = fd;
        this.blocker = Blocker.forDescriptor(name, fd);
        this.key = key;
        this.name = name;
    }

    // ---------------------------------------------------------------- opening

    /**
     * Opens an existing file for reading and writing, so that it takes locks of both modes.
     *
     * @param path the file
     * @return the open file (close-on-exec)
     * @throws java.nio.file.NoSuchFileException if the file does not exist (ENOENT)
     * @throws java.nio.file.AccessDeniedException if it may not be opened so (EACCES)
     * @throws IOException if {@code open(2)} fails otherwise
     * @see <a href="https://man7.org/linux/man-pages/man2/open.2.html">open(2)</a>
     */
    public static LockableFile open(Path path) throws IOException {
        NativeAccess.require();
        return open(path, LibC.O_RDWR());
    }

    /**
     * Opens an existing file for reading only: it takes {@link LockMode#SHARED} fcntl locks,
     * and {@code flock} locks of both modes, but no exclusive fcntl lock (EBADF).
     *
     * @param path the file
     * @return the open file (close-on-exec)
     * @throws java.nio.file.NoSuchFileException if the file does not exist (ENOENT)
     * @throws java.nio.file.AccessDeniedException if it may not be read (EACCES)
     * @throws IOException if {@code open(2)} fails otherwise
     * @see <a href="https://man7.org/linux/man-pages/man2/open.2.html">open(2)</a>
     */
    public static LockableFile openReadOnly(Path path) throws IOException {
        NativeAccess.require();
        return open(path, LibC.O_RDONLY());
    }

    /**
     * Opens a file for reading and writing, creating it empty with mode 0600 if it does not exist.
     *
     * @param path the file
     * @return the open file (close-on-exec)
     * @throws java.nio.file.NoSuchFileException if its directory does not exist (ENOENT)
     * @throws java.nio.file.AccessDeniedException if it may not be opened or created (EACCES)
     * @throws IOException if {@code open(2)} fails otherwise
     * @see <a href="https://man7.org/linux/man-pages/man2/open.2.html">open(2)</a>
     */
    public static LockableFile openOrCreate(Path path) throws IOException {
        NativeAccess.require();
        return open(path, LibC.O_RDWR() | LibC.O_CREAT());
    }

    private static LockableFile open(Path path, int flags) throws IOException {
        Check.notNull("path", path);
        String p = path.toString();
        int r;
        try (Arena arena = Arena.ofConfined()) {
            r = Sys.open(arena.allocateFrom(p), flags | LibC.O_CLOEXEC(), 0600);
        }
        if (r < 0) {
            throw Errors.named("open", p, Errors.quote(p), -r);
        }
        OwnedFd fd = OwnedFd.adopt(r);
        try {
            return new LockableFile(fd, keyOf(r, p), p);
        } catch (Throwable t) {
            fd.close();
            throw t;
        }
    }

    /**
     * Takes ownership of an open descriptor of a file (one received over a socket, say); it
     * is detached from {@code fd} and closed by this object.
     *
     * @param fd an open descriptor of a regular file, memfd or block device
     * @return the lockable file
     * @throws IllegalArgumentException if {@code fd} is not a regular file, memfd or block
     *         device (a pipe, a socket, a directory...); it stays open and the caller's
     * @throws IllegalStateException if {@code fd} is closed or in use
     * @throws IOException if {@code fstat(2)} fails on it
     */
    public static LockableFile adopt(OwnedFd fd) throws IOException {
        NativeAccess.require();
        Check.notNull("fd", fd);
        int n = fd.get();
        FdKinds.require(fd, "LockableFile.adopt", "a file",
                DescriptorKind.REGULAR_FILE, DescriptorKind.MEMFD, DescriptorKind.BLOCK_DEVICE);
        FileKey key = keyOf(n, "fd=" + n);
        return new LockableFile(OwnedFd.adopt(fd.detach()), key, "fd=" + n);
    }

    private static FileKey keyOf(int n, String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = stat.allocate(arena);
            int r = Sys.fstat(n, st);
            if (r < 0) {
                throw Errors.of("fstat", "fd=" + n + " (" + name + ")", -r);
            }
            return new FileKey(stat.st_dev(st), stat.st_ino(st));
        }
    }

    // ---------------------------------------------------------------- locking

    /**
     * Locks the whole file, waiting as long as it takes.
     *
     * @param kind the lock family
     * @param mode shared or exclusive
     * @return the lock
     * @throws OverlappingFileLockException if this process already holds an overlapping lock
     *         through the library (see the class comment)
     * @throws AsynchronousCloseException if another thread closed this file meanwhile
     * @throws InterruptedIOException if the thread was interrupted while waiting (no lock is
     *         taken; the interrupt status stays set)
     * @throws IllegalStateException if this file is closed
     * @throws IOException if the lock call fails: EDEADLK (waiting would deadlock, fcntl
     *         locks), EBADF (an exclusive fcntl lock on a file opened read-only), ENOLCK
     */
    public HeldLock lock(LockKind kind, LockMode mode) throws IOException {
        return lock(kind, mode, 0, 0);
    }

    /**
     * Locks a byte range, waiting as long as it takes.
     *
     * @param kind {@link LockKind#PROCESS} or {@link LockKind#OPEN_FILE}; {@link LockKind#FLOCK}
     *        only with the whole file ({@code start} 0, {@code length} 0)
     * @param mode shared or exclusive
     * @param start the first byte, not negative; it may lie beyond the end of the file
     * @param length the bytes to lock, not negative; 0 means to the end of the file, however far it grows
     * @return the lock
     * @throws IllegalArgumentException for a negative or overflowing range
     * @throws OverlappingFileLockException if this process already holds an overlapping lock
     *         through the library
     * @throws AsynchronousCloseException if another thread closed this file meanwhile
     * @throws InterruptedIOException if the thread was interrupted while waiting (no lock is
     *         taken; the interrupt status stays set)
     * @throws IllegalStateException if this file is closed
     * @throws IOException if the lock call fails (EDEADLK, EBADF, ENOLCK)
     * @see <a href="https://man7.org/linux/man-pages/man2/fcntl.2.html">fcntl(2)</a>
     */
    public HeldLock lock(LockKind kind, LockMode mode, long start, long length) throws IOException {
        return acquire(kind, mode, start, length, true, Deadline.NONE);
    }

    /**
     * Locks a byte range, waiting at most {@code timeout}.
     *
     * @param kind the lock family ({@link LockKind#FLOCK} only for the whole file)
     * @param mode shared or exclusive
     * @param start the first byte, not negative
     * @param length the bytes to lock, not negative; 0 means to the end of the file
     * @param timeout the longest wait; zero tries once
     * @return the lock, or {@code null} if it was still held elsewhere when the time passed
     * @throws IllegalArgumentException for a negative or overflowing range or timeout
     * @throws OverlappingFileLockException if this process already holds an overlapping lock
     *         through the library
     * @throws AsynchronousCloseException if another thread closed this file meanwhile
     * @throws InterruptedIOException if the thread was interrupted while waiting (no lock is
     *         taken; the interrupt status stays set)
     * @throws IllegalStateException if this file is closed
     * @throws IOException if the lock call fails (EDEADLK, EBADF, ENOLCK)
     * @see <a href="https://man7.org/linux/man-pages/man2/fcntl.2.html">fcntl(2)</a>
     */
    public HeldLock lock(LockKind kind, LockMode mode, long start, long length, Duration timeout) throws IOException {
        boolean wait = !Check.timeout(timeout).isZero();
        return acquire(kind, mode, start, length, wait, wait ? Deadline.end(timeout) : Deadline.NONE);
    }

    /**
     * Locks the whole file if no one else holds a conflicting lock.
     *
     * @param kind the lock family
     * @param mode shared or exclusive
     * @return the lock, or {@code null} if it is held elsewhere (EAGAIN, EACCES, EWOULDBLOCK)
     * @throws OverlappingFileLockException if this process already holds an overlapping lock
     *         through the library
     * @throws IllegalStateException if this file is closed
     * @throws IOException if the lock call fails otherwise (EBADF, ENOLCK)
     */
    public HeldLock tryLock(LockKind kind, LockMode mode) throws IOException {
        return acquire(kind, mode, 0, 0, false, Deadline.NONE);
    }

    /**
     * Locks a byte range if no one else holds a conflicting lock.
     *
     * @param kind the lock family ({@link LockKind#FLOCK} only for the whole file)
     * @param mode shared or exclusive
     * @param start the first byte, not negative
     * @param length the bytes to lock, not negative; 0 means to the end of the file
     * @return the lock, or {@code null} if it is held elsewhere
     * @throws IllegalArgumentException for a negative or overflowing range
     * @throws OverlappingFileLockException if this process already holds an overlapping lock
     *         through the library
     * @throws IllegalStateException if this file is closed
     * @throws IOException if the lock call fails otherwise (EBADF, ENOLCK)
     */
    public HeldLock tryLock(LockKind kind, LockMode mode, long start, long length) throws IOException {
        return acquire(kind, mode, start, length, false, Deadline.NONE);
    }

    /**
     * Tells which lock held elsewhere would block the given one ({@code F_GETLK},
     * {@code F_OFD_GETLK}). This process's own {@link LockKind#PROCESS} locks never conflict
     * with a {@link LockKind#PROCESS} request, nor this file's {@link LockKind#OPEN_FILE}
     * locks with an {@link LockKind#OPEN_FILE} one; {@link LockKind#OPEN_FILE} locks conflict
     * with everything else, those of this very file included for a {@link LockKind#PROCESS}
     * request.
     *
     * @param kind {@link LockKind#PROCESS} or {@link LockKind#OPEN_FILE}
     * @param mode the mode of the lock wanted
     * @param start the first byte, not negative
     * @param length the bytes, not negative; 0 means to the end of the file
     * @return the first conflicting lock, with its holder's pid for a process lock, or
     *         {@code null} if the lock could be taken now
     * @throws UnsupportedOperationException for {@link LockKind#FLOCK}, which has no test:
     *         use {@link #tryLock(LockKind, LockMode)}
     * @throws IllegalStateException if this file is closed
     * @throws IOException if {@code fcntl(2)} fails
     */
    public LockConflict conflicting(LockKind kind, LockMode mode, long start, long length) throws IOException {
        Check.notNull("mode", mode);
        checkRange(kind, start, length);
        if (kind == LockKind.FLOCK) {
            throw new UnsupportedOperationException("flock locks cannot be tested; use tryLock");
        }
        int cmd = kind == LockKind.PROCESS ? LibC.F_GETLK() : LibC.F_OFD_GETLK();
        int n = blocker.enter();
        try {
            MemorySegment fl = request(mode, start, length);
            int r = Sys.fcntl(n, cmd, fl);
            if (r < 0) {
                throw Errors.of("fcntl", name + ", " + commandName(cmd) + ", " + describe(mode, start, length), -r);
            }
            int type = flock.l_type(fl);
            if (type == LibC.F_UNLCK()) {
                return null;
            }
            return new LockConflict(type == LibC.F_WRLCK() ? LockMode.EXCLUSIVE : LockMode.SHARED,
                    flock.l_start(fl), flock.l_len(fl), flock.l_pid(fl));
        } finally {
            blocker.exit();
        }
    }

    private HeldLock acquire(LockKind kind, LockMode mode, long start, long length, boolean wait, long deadline)
            throws IOException {
        Check.notNull("mode", mode);
        checkRange(kind, start, length);
        HeldLock lock = new HeldLock(this, kind, mode, start, length);
        book(lock);
        boolean held = false;
        try {
            held = kind == LockKind.FLOCK ? callFlock(mode, wait, deadline)
                    : callFcntl(kind, mode, start, length, wait, deadline);
            return held ? lock : null;
        } finally {
            if (!held) {
                unbook(lock);
            }
        }
    }

    private static void checkRange(LockKind kind, long start, long length) {
        Check.notNull("kind", kind);
        Check.notNegative("start", start);
        Check.notNegative("length", length);
        if (length > 0 && start > Long.MAX_VALUE - length) {
            throw new IllegalArgumentException("start=" + start + " length=" + length + " overflows the file offset");
        }
        if (kind == LockKind.FLOCK && (start != 0 || length != 0)) {
            throw new IllegalArgumentException("flock locks the whole file: start=" + start + " length=" + length
                    + " must both be 0");
        }
    }

    private boolean callFcntl(LockKind kind, LockMode mode, long start, long length, boolean wait, long deadline)
            throws IOException {
        boolean process = kind == LockKind.PROCESS;
        int cmd = !wait ? (process ? LibC.F_SETLK() : LibC.F_OFD_SETLK())
                : (process ? LibC.F_SETLKW() : LibC.F_OFD_SETLKW());
        MemorySegment fl = request(mode, start, length);
        long r;
        if (wait) {
            r = blocker.call(LockCalls::fcntlWait, 0, fl, MemorySegment.NULL, cmd, 0, 0, deadline, Timing.TIMER);
        } else {
            int n = blocker.enter(); // F_SETLK does not wait
            try {
                r = Sys.fcntl(n, cmd, fl);
            } finally {
                blocker.exit();
            }
        }
        return granted(r, "fcntl", commandName(cmd) + ", " + describe(mode, start, length));
    }

    private boolean callFlock(LockMode mode, boolean wait, long deadline) throws IOException {
        int op = mode == LockMode.EXCLUSIVE ? LibC.LOCK_EX() : LibC.LOCK_SH();
        long r;
        if (wait) {
            r = blocker.call(LockCalls::flockWait, 0, MemorySegment.NULL, MemorySegment.NULL, op, 0, 0, deadline,
                    Timing.TIMER);
        } else {
            int n = blocker.enter(); // LOCK_NB does not wait
            try {
                r = LockCalls.flock(n, op | LibC.LOCK_NB());
            } finally {
                blocker.exit();
            }
        }
        return granted(r, "flock", mode == LockMode.EXCLUSIVE ? "LOCK_EX" : "LOCK_SH");
    }

    /**
     * What a lock call returned: true when granted, false when held elsewhere (a try) or the
     * time passed (a timed wait).
     */
    private boolean granted(long r, String call, String args) throws IOException {
        if (r >= 0) {
            return true;
        }
        if (r == -Native.EAGAIN || r == -Native.EACCES || r == -Blocker.ETIMEDOUT) {
            return false;
        }
        throw Errors.of(call, name + ", " + args, (int) -r);
    }

    /** A zeroed {@code struct flock} (l_pid 0, as OFD commands require) in this thread's scratch memory. */
    private static MemorySegment request(LockMode mode, long start, long length) {
        MemorySegment fl = Waiter.current().scratch(flock.layout().byteSize()).fill((byte) 0);
        flock.l_type(fl, (short) (mode == LockMode.EXCLUSIVE ? LibC.F_WRLCK() : LibC.F_RDLCK()));
        flock.l_whence(fl, (short) LibC.SEEK_SET());
        flock.l_start(fl, start);
        flock.l_len(fl, length);
        return fl;
    }

    private static String commandName(int cmd) {
        if (cmd == LibC.F_SETLK()) {
            return "F_SETLK";
        } else if (cmd == LibC.F_SETLKW()) {
            return "F_SETLKW";
        } else if (cmd == LibC.F_GETLK()) {
            return "F_GETLK";
        } else if (cmd == LibC.F_OFD_SETLK()) {
            return "F_OFD_SETLK";
        } else if (cmd == LibC.F_OFD_SETLKW()) {
            return "F_OFD_SETLKW";
        } else if (cmd == LibC.F_OFD_GETLK()) {
            return "F_OFD_GETLK";
        }
        return "cmd=" + cmd;
    }

    private static String describe(LockMode mode, long start, long length) {
        return (mode == LockMode.EXCLUSIVE ? "F_WRLCK" : "F_RDLCK") + " start=" + start + " len=" + length;
    }

    // ---------------------------------------------------------------- bookkeeping

    private List<HeldLock> bookFor(HeldLock lock) {
        return lock.kind() == LockKind.PROCESS ? PROCESS_LOCKS.computeIfAbsent(key, k -> new ArrayList<>()) : ownLocks;
    }

    /**
     * Books a lock before it is requested, refusing one that overlaps a lock this process
     * already holds through the library: of the same kind (the kernel would merge or convert
     * them), or, one of them exclusive, a process lock against an OFD lock of this file (the
     * kernel would make the request wait for this very thread, forever).
     */
    private void book(HeldLock lock) {
        synchronized (PROCESS_LOCKS) {
            synchronized (this) {
                if (!blocker.isOpen()) {
                    return; // the lock call reports the closed file
                }
                List<HeldLock> process = PROCESS_LOCKS.getOrDefault(key, List.of());
                for (List<HeldLock> list : List.of(process, ownLocks)) {
                    for (HeldLock held : list) {
                        if (clash(held, lock)) {
                            throw new OverlappingFileLockException();
                        }
                    }
                }
                bookFor(lock).add(lock);
            }
        }
    }

    private static boolean clash(HeldLock held, HeldLock wanted) {
        if (held.kind() == LockKind.FLOCK || wanted.kind() == LockKind.FLOCK) {
            return held.kind() == wanted.kind(); // flock and fcntl locks do not see each other
        }
        if (!held.overlaps(wanted.start(), wanted.length())) {
            return false;
        }
        // The same kind merges or converts; a process lock and an OFD lock only conflict.
        return held.kind() == wanted.kind() || held.mode() == LockMode.EXCLUSIVE || wanted.mode() == LockMode.EXCLUSIVE;
    }

    private void unbook(HeldLock lock) {
        synchronized (PROCESS_LOCKS) {
            synchronized (this) {
                List<HeldLock> list = bookFor(lock);
                list.remove(lock);
                if (list.isEmpty() && lock.kind() == LockKind.PROCESS) {
                    PROCESS_LOCKS.remove(key);
                }
            }
        }
    }

    void release(HeldLock lock) throws IOException {
        if (!lock.markReleased()) {
            return;
        }
        unbook(lock);
        int n;
        try {
            n = blocker.enter();
        } catch (IllegalStateException closed) {
            return; // closing the file released the lock
        }
        try {
            int r;
            if (lock.kind() == LockKind.FLOCK) {
                r = LockCalls.flock(n, LibC.LOCK_UN()); // unlocking does not wait
            } else {
                MemorySegment fl = request(lock.mode(), lock.start(), lock.length());
                flock.l_type(fl, (short) LibC.F_UNLCK());
                r = Sys.fcntl(n, lock.kind() == LockKind.PROCESS ? LibC.F_SETLK() : LibC.F_OFD_SETLK(), fl);
            }
            if (r < 0) {
                throw Errors.of(lock.kind() == LockKind.FLOCK ? "flock" : "fcntl", name + ", unlock", -r);
            }
        } finally {
            blocker.exit();
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /** {@return the path this file was opened at, or its descriptor for an adopted one} */
    public String name() {
        return name;
    }

    /** {@return whether the file is open} */
    public boolean isOpen() {
        return blocker.isOpen();
    }

    /**
     * The descriptor, still owned by this file: to pass it to another process or map it into
     * a child. (A regular file is always ready, so it is not a {@link org.panamaipc.Waitable}.)
     * Close the file, not the descriptor (closing it would drop this process's locks).
     *
     * @return the owned descriptor
     */
    @Override
    public OwnedFd fd() {
        return fd;
    }

    /**
     * Closes the file, once, which releases every lock taken through it — and every
     * {@link LockKind#PROCESS} lock this process holds on the same file through any other
     * descriptor (the pitfall {@link LockKind#PROCESS} describes; those locks are marked
     * invalid). Threads waiting for a lock on this file are released with
     * {@link AsynchronousCloseException}.
     */
    @Override
    public void close() {
        if (!blocker.isOpen()) {
            return;
        }
        synchronized (PROCESS_LOCKS) {
            synchronized (this) {
                fd.close(); // as blocker.close() does; its waiters are released below, out of the locks
                ownLocks.forEach(HeldLock::invalidate);
                ownLocks.clear();
                List<HeldLock> process = PROCESS_LOCKS.remove(key);
                if (process != null) {
                    process.forEach(HeldLock::invalidate);
                }
            }
        }
        blocker.wakeAll();
    }

    @Override
    public String toString() {
        return "LockableFile[" + name + (isOpen() ? "]" : ", closed]");
    }
}
