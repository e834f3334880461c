package org.panamaipc.sync;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.sem_t;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.Modes;
import org.panamaipc.internal.Names;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.SyncCalls;

/**
 * A POSIX named semaphore: a counter in {@code /dev/shm/sem.NAME} that any process may
 * open by name, decrement ({@link #acquire()}, waiting while it is 0) and increment
 * ({@link #release()}).
 *
 * <h2>Crashes</h2>
 * A POSIX semaphore has no owner and no undo: when a process that took it dies, the value
 * stays taken and nobody is told. For locking that survives a crash, use a System V set with
 * {@link SemaphoreFlag#UNDO} ({@link SysVSemaphoreSet}) or a robust {@link ProcessMutex}.
 *
 * <h2>Lifetime</h2>
 * The object lives until {@link #unlink(String)} removes its name (or the creator's
 * {@link #close()} after {@link #unlinkOnClose()}) and every process closed it.
 * {@link #close()} releases this process's handle; a thread blocked in {@link #acquire()}
 * is released with {@link AsynchronousCloseException}. Use after close throws
 * {@link IllegalStateException}.
 *
 * <h2>Interrupt</h2>
 * {@link Thread#interrupt()} ends a blocked {@link #acquire()} promptly with
 * {@link InterruptedIOException}: the thread's interrupt status stays set, the semaphore stays
 * open and no unit is taken.
 *
 * <pre>{@code
 * try (NamedSemaphore sem = NamedSemaphore.create(NamedSemaphore.uniqueName("jobs"), 0).unlinkOnClose()) {
 *     sem.release();
 *     sem.acquire();
 * }
 * }</pre>
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/sem_overview.7.html">sem_overview(7)</a>
 */
public final class NamedSemaphore implements AutoCloseable {
    /** The largest value a POSIX semaphore holds, {@code SEM_VALUE_MAX} (INT_MAX on Linux). */
    public static final int MAX_VALUE = Integer.MAX_VALUE;

    /**
     * The longest name after its slash, in bytes of UTF-8: NAME_MAX (255) less the 4 of the
     * {@code sem.} that {@code sem_open} puts in front of it in {@code /dev/shm}.
     */
    public static final int MAX_NAME_BYTES = 251;

    /** The C library's values, read only once native access was checked ({@link NativeAccess}). */
    private static final class Native {
        static final int ETIMEDOUT = LibC.ETIMEDOUT();
        static final int EAGAIN = LibC.EAGAIN();
        static final int ENOENT = LibC.ENOENT();
    }


    private final String name;
    private final MemorySegment sem;
    private final Blocker blocker;
    private final AtomicBoolean unlinkOnClose = new AtomicBoolean();

    private NamedSemaphore(String name, long address) {
        this.name = name;
        MemorySegment sem = MemorySegment.ofAddress(address).reinterpret(sem_t.sizeof());
        this.sem = sem;
        this.blocker = Blocker.forHandle(name, () -> SyncCalls.semClose(sem));
    }

    /**
     * Creates a new semaphore with mode 0600, failing if the name exists.
     *
     * @param name a slash and up to {@value #MAX_NAME_BYTES} bytes, no further slash
     * @param initialValue the value, 0 to {@link #MAX_VALUE}
     * @return the semaphore
     * @throws IllegalArgumentException if the name is malformed or the value negative
     * @throws java.nio.file.FileAlreadyExistsException (EEXIST) if it exists; it is left as it was
     * @throws IOException on another failure of {@code sem_open}
     * @see <a href="https://man7.org/linux/man-pages/man3/sem_open.3.html">sem_open(3)</a>
     */
    public static NamedSemaphore create(String name, int initialValue) throws IOException {
        NativeAccess.require();
        return create(name, initialValue, Modes.OWNER_READ_WRITE);
    }

    /**
     * Creates a new semaphore with the given permissions (the umask applies), failing if the
     * name exists.
     *
     * @param name a slash and up to {@value #MAX_NAME_BYTES} bytes, no further slash
     * @param initialValue the value, 0 to {@link #MAX_VALUE}
     * @param permissions the permissions
     * @return the semaphore
     * @throws IllegalArgumentException if the name is malformed or the value negative
     * @throws java.nio.file.FileAlreadyExistsException (EEXIST) if it exists; it is left as it was
     * @throws IOException on another failure of {@code sem_open}
     * @see <a href="https://man7.org/linux/man-pages/man3/sem_open.3.html">sem_open(3)</a>
     */
    public static NamedSemaphore create(String name, int initialValue, Set<PosixFilePermission> permissions)
            throws IOException {
        NativeAccess.require();
        return open(name, LibC.O_CREAT() | LibC.O_EXCL(), Modes.toMode(permissions), initialValue);
    }

    /**
     * Opens the semaphore, or creates it with mode 0600 if the name does not exist.
     * {@code initialValue} applies only when this call creates it: an existing semaphore's
     * value is never changed.
     *
     * @param name a slash and up to {@value #MAX_NAME_BYTES} bytes, no further slash
     * @param initialValue the value if created, 0 to {@link #MAX_VALUE}
     * @return the semaphore
     * @throws IllegalArgumentException if the name is malformed or the value negative
     * @throws java.nio.file.AccessDeniedException (EACCES) if it exists and this user may not open it
     * @throws IOException on another failure of {@code sem_open}
     * @see <a href="https://man7.org/linux/man-pages/man3/sem_open.3.html">sem_open(3)</a>
     */
    public static NamedSemaphore openOrCreate(String name, int initialValue) throws IOException {
        NativeAccess.require();
        return openOrCreate(name, initialValue, Modes.OWNER_READ_WRITE);
    }

    /**
     * Opens the semaphore, or creates it with the given permissions (the umask applies) if the
     * name does not exist. {@code initialValue} and {@code permissions} apply only when this
     * call creates it: an existing semaphore is never changed.
     *
     * @param name a slash and up to {@value #MAX_NAME_BYTES} bytes, no further slash
     * @param initialValue the value if created, 0 to {@link #MAX_VALUE}
     * @param permissions the permissions if created
     * @return the semaphore
     * @throws IllegalArgumentException if the name is malformed or the value negative
     * @throws java.nio.file.AccessDeniedException (EACCES) if it exists and this user may not open it
     * @throws IOException on another failure of {@code sem_open}
     */
    public static NamedSemaphore openOrCreate(String name, int initialValue, Set<PosixFilePermission> permissions)
            throws IOException {
        NativeAccess.require();
        int mode = Modes.toMode(permissions);
        // sem_open(O_CREAT) alone would do it, but one rule for every kind: create, else open
        while (true) {
            try {
                return open(name, LibC.O_CREAT() | LibC.O_EXCL(), mode, initialValue);
            } catch (FileAlreadyExistsException exists) {
                try {
                    return open(name, 0, 0, 0);
                } catch (NoSuchFileException removedMeanwhile) {
                    // unlinked between the two calls: create it again
                }
            }
        }
    }

    /**
     * Opens an existing semaphore.
     *
     * @param name its name
     * @return the semaphore
     * @throws IllegalArgumentException if the name is malformed
     * @throws java.nio.file.NoSuchFileException (ENOENT) if it does not exist
     * @throws java.nio.file.AccessDeniedException (EACCES) if this user may not open it
     * @throws IOException on another failure of {@code sem_open}
     * @see <a href="https://man7.org/linux/man-pages/man3/sem_open.3.html">sem_open(3)</a>
     */
    public static NamedSemaphore open(String name) throws IOException {
        NativeAccess.require();
        return open(name, 0, 0, 0);
    }

    private static NamedSemaphore open(String name, int flags, int mode, int initialValue) throws IOException {
        Check.posixName(name, MAX_NAME_BYTES);
        Check.notNegative("initialValue", initialValue);
        try (Arena arena = Arena.ofConfined()) {
            long r = SyncCalls.semOpen(arena.allocateFrom(name), flags, mode, initialValue);
            if (r < 0) {
                throw Errors.named("sem_open", name, Errors.quote(name) + ", " + flagText(flags)
                        + ((flags & LibC.O_CREAT()) != 0 ? ", " + Modes.octal(mode) + ", " + initialValue : ""),
                        (int) -r);
            }
            return new NamedSemaphore(name, r);
        }
    }

    private static String flagText(int flags) {
        if (flags == 0) {
            return "0";
        }
        return (flags & LibC.O_EXCL()) != 0 ? "O_CREAT|O_EXCL" : "O_CREAT";
    }

    /**
     * A name no other semaphore has: a slash, the prefix, a dash and 16 random hexadecimal
     * digits, e.g. {@code /jobs-3f9c0a1b2c3d4e5f}.
     *
     * @param prefix letters, digits, {@code -_.} only, 1 to 200 characters
     * @return the name
     * @throws IllegalArgumentException if the prefix is empty or holds other characters
     */
    public static String uniqueName(String prefix) {
        return "/" + Names.unique(prefix);
    }

    /**
     * Removes the name; the semaphore lives on until every process closed it.
     *
     * @param name its name
     * @throws IllegalArgumentException if the name is malformed
     * @throws java.nio.file.NoSuchFileException (ENOENT) if there is none
     * @throws java.nio.file.AccessDeniedException (EACCES) if this user may not remove it
     * @throws IOException on another failure of {@code sem_unlink}
     * @see <a href="https://man7.org/linux/man-pages/man3/sem_unlink.3.html">sem_unlink(3)</a>
     */
    public static void unlink(String name) throws IOException {
        NativeAccess.require();
        int r = rawUnlink(name);
        if (r != 0) {
            throw unlinkFailed(name, -r);
        }
    }

    /**
     * Removes the name if it exists.
     *
     * @param name its name
     * @return true if removed, false if there was none
     * @throws IllegalArgumentException if the name is malformed
     * @throws java.nio.file.AccessDeniedException (EACCES) if this user may not remove it
     * @throws IOException on another failure of {@code sem_unlink}
     * @see <a href="https://man7.org/linux/man-pages/man3/sem_unlink.3.html">sem_unlink(3)</a>
     */
    public static boolean unlinkIfExists(String name) throws IOException {
        NativeAccess.require();
        int r = rawUnlink(name);
        if (r == -Native.ENOENT) {
            return false;
        }
        if (r != 0) {
            throw unlinkFailed(name, -r);
        }
        return true;
    }

    private static int rawUnlink(String name) {
        Check.posixName(name, MAX_NAME_BYTES);
        try (Arena arena = Arena.ofConfined()) {
            return SyncCalls.semUnlink(arena.allocateFrom(name));
        }
    }

    private static IOException unlinkFailed(String name, int errno) {
        return Errors.named("sem_unlink", name, Errors.quote(name), errno);
    }

    /**
     * Makes {@link #close()} remove the name too (once, if it is still there): for the
     * creator, so that the name goes with its handle.
     *
     * @return this semaphore
     * @throws IllegalStateException if closed
     */
    public NamedSemaphore unlinkOnClose() {
        if (!isOpen()) {
            throw new IllegalStateException(name + " is closed");
        }
        unlinkOnClose.set(true);
        return this;
    }

    /** {@return the name this semaphore was opened with} */
    public String name() {
        return name;
    }

    /** {@return whether {@link #close()} has not been called} */
    public boolean isOpen() {
        return blocker.isOpen();
    }

    /** {@return how many threads of this process are blocked on this handle now} */
    int waiting() {
        return blocker.waiting();
    }

    /**
     * Decrements the value, waiting while it is 0.
     *
     * @throws AsynchronousCloseException if closed by another thread while waiting
     * @throws InterruptedIOException if the thread was interrupted (nothing taken; still open)
     * @throws IllegalStateException if closed
     * @throws IOException on a failure of {@code sem_wait}
     * @see <a href="https://man7.org/linux/man-pages/man3/sem_wait.3.html">sem_wait(3)</a>
     */
    public void acquire() throws IOException {
        if (!acquire(blocker, sem, Deadline.NONE, name)) {
            throw new AssertionError("an unlimited wait timed out");
        }
    }

    /**
     * Decrements the value if it is above 0, without waiting.
     *
     * @return true if decremented, false if the value was 0
     * @throws IllegalStateException if closed
     * @throws IOException on a failure of {@code sem_trywait}
     * @see <a href="https://man7.org/linux/man-pages/man3/sem_wait.3.html">sem_trywait(3)</a>
     */
    public boolean tryAcquire() throws IOException {
        return tryAcquire(blocker, sem, name);
    }

    /**
     * Decrements the value, waiting at most {@code timeout} while it is 0.
     *
     * @param timeout how long to wait, not negative
     * @return true if decremented, false on timeout
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws AsynchronousCloseException if closed by another thread while waiting
     * @throws InterruptedIOException if the thread was interrupted (nothing taken; still open)
     * @throws IllegalStateException if closed
     * @throws IOException on a failure of {@code sem_timedwait}
     * @see <a href="https://man7.org/linux/man-pages/man3/sem_timedwait.3.html">sem_timedwait(3)</a>
     */
    public boolean tryAcquire(Duration timeout) throws IOException {
        return acquire(blocker, sem, Deadline.end(timeout), name);
    }

    /** {@code sem_trywait} under the blocker's use count: what both kinds of POSIX semaphore do. */
    static boolean tryAcquire(Blocker blocker, MemorySegment sem, String what) throws IOException {
        blocker.enter();
        try {
            int r = SyncCalls.semTrywait(sem);
            if (r == 0) {
                return true;
            }
            if (r == -Native.EAGAIN) {
                return false;
            }
            throw Errors.of("sem_trywait", what, -r);
        } finally {
            blocker.exit();
        }
    }

    /** A wait through the blocking engine, after one try that costs no more than a trywait. */
    static boolean acquire(Blocker blocker, MemorySegment sem, long deadline, String what) throws IOException {
        blocker.enter();
        try {
            // an interrupted thread takes nothing, even a unit that is there: the engine says so
            if (!Thread.currentThread().isInterrupted() && SyncCalls.semTrywait(sem) == 0) {
                return true;
            }
            long r = blocker.call(SyncCalls::semWaitCall, 0, sem, MemorySegment.NULL, 0, 0, 0, deadline,
                    Blocker.Timing.ABSOLUTE_REALTIME);
            if (r == 0) {
                return true;
            }
            if (r == -Native.ETIMEDOUT) {
                return false;
            }
            throw Errors.of(deadline == Deadline.NONE ? "sem_wait" : "sem_timedwait", what, (int) -r);
        } finally {
            blocker.exit();
        }
    }

    /** {@code sem_post} under the blocker's use count. */
    static void release(Blocker blocker, MemorySegment sem, String what) throws IOException {
        blocker.enter();
        try {
            int r = SyncCalls.semPost(sem);
            if (r != 0) {
                throw Errors.of("sem_post", what, -r);
            }
        } finally {
            blocker.exit();
        }
    }

    /** {@code sem_getvalue} under the blocker's use count. */
    static int value(Blocker blocker, MemorySegment sem, String what) throws IOException {
        blocker.enter();
        try {
            int r = SyncCalls.semGetvalue(sem);
            if (r < 0) {
                throw Errors.of("sem_getvalue", what, -r);
            }
            return r;
        } finally {
            blocker.exit();
        }
    }

    /**
     * Increments the value, waking one waiter.
     *
     * @throws IllegalStateException if closed
     * @throws IOException (EOVERFLOW) if the value is already {@link #MAX_VALUE}
     * @see <a href="https://man7.org/linux/man-pages/man3/sem_post.3.html">sem_post(3)</a>
     */
    public void release() throws IOException {
        release(blocker, sem, name);
    }

    /**
     * Reads the value. It may have changed by the time the caller looks at it.
     *
     * @return the value, 0 if threads are waiting
     * @throws IllegalStateException if closed
     * @throws IOException on a failure of {@code sem_getvalue}
     * @see <a href="https://man7.org/linux/man-pages/man3/sem_getvalue.3.html">sem_getvalue(3)</a>
     */
    public int value() throws IOException {
        return value(blocker, sem, name);
    }

    /**
     * Closes this process's handle ({@code sem_close}, after the last call in flight),
     * releasing threads blocked in {@link #acquire()}; idempotent. The name stays until
     * {@link #unlink(String)}, unless {@link #unlinkOnClose()} was called.
     *
     * @throws UncheckedIOException if the name was to be removed and {@code sem_unlink} fails
     *         with anything but ENOENT; the handle is closed all the same
     * @see <a href="https://man7.org/linux/man-pages/man3/sem_close.3.html">sem_close(3)</a>
     */
    @Override
    public void close() {
        blocker.close();
        if (unlinkOnClose.getAndSet(false)) {
            int r = rawUnlink(name);
            if (r != 0 && r != -Native.ENOENT) {
                throw new UncheckedIOException(unlinkFailed(name, -r));
            }
        }
    }

    @Override
    public String toString() {
        return "NamedSemaphore[" + name + (isOpen() ? "]" : ", closed]");
    }
}
