package org.panamaipc.sync;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Set;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.sem_t;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.Sys;
import org.panamaipc.internal.SyncCalls;
import org.panamaipc.internal.Waiters;

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
 * The object lives until {@link #unlink(String)} removes its name and every process closed
 * it. {@link #close()} releases this process's handle; a thread blocked in {@link #acquire()}
 * is released with {@link AsynchronousCloseException}. Use after close throws
 * {@link IllegalStateException}.
 *
 * <pre>{@code
 * try (NamedSemaphore sem = NamedSemaphore.create("/jobs", 0)) {
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

    private static final int ETIMEDOUT = LibC.ETIMEDOUT();

    private final String name;
    private final MemorySegment sem;
    private final Guard guard = new Guard();
    private final Waiters waiters = new Waiters();

    private NamedSemaphore(String name, long address) {
        this.name = name;
        this.sem = MemorySegment.ofAddress(address).reinterpret(sem_t.sizeof());
    }

    /**
     * Creates the semaphore, or opens it if it exists (then {@code initialValue} is ignored),
     * with mode 0600.
     *
     * @param name a slash and up to 251 characters, no further slash
     * @param initialValue the value if created, 0 to {@link #MAX_VALUE}
     * @return the semaphore
     * @throws java.nio.file.AccessDeniedException (EACCES) if it exists and this user may not open it
     * @throws IOException on another failure of {@code sem_open}
     * @see <a href="https://man7.org/linux/man-pages/man3/sem_open.3.html">sem_open(3)</a>
     */
    public static NamedSemaphore create(String name, int initialValue) throws IOException {
        return create(name, initialValue, Permissions.OWNER_READ_WRITE);
    }

    /**
     * Creates the semaphore with the given permissions (the umask applies), or opens it if
     * it exists.
     *
     * @param name a slash and up to 251 characters, no further slash
     * @param initialValue the value if created, 0 to {@link #MAX_VALUE}
     * @param permissions the permissions if created
     * @return the semaphore
     * @throws java.nio.file.AccessDeniedException (EACCES) if it exists and this user may not open it
     * @throws IOException on another failure of {@code sem_open}
     */
    public static NamedSemaphore create(String name, int initialValue, Set<PosixFilePermission> permissions)
            throws IOException {
        return open(name, LibC.O_CREAT(), Permissions.toMode(permissions), initialValue);
    }

    /**
     * Creates the semaphore with mode 0600, failing if it exists.
     *
     * @param name a slash and up to 251 characters, no further slash
     * @param initialValue the value, 0 to {@link #MAX_VALUE}
     * @return the semaphore
     * @throws java.nio.file.FileAlreadyExistsException (EEXIST) if it exists
     * @throws IOException on another failure of {@code sem_open}
     */
    public static NamedSemaphore createExclusively(String name, int initialValue) throws IOException {
        return createExclusively(name, initialValue, Permissions.OWNER_READ_WRITE);
    }

    /**
     * Creates the semaphore with the given permissions, failing if it exists.
     *
     * @param name a slash and up to 251 characters, no further slash
     * @param initialValue the value, 0 to {@link #MAX_VALUE}
     * @param permissions the permissions (the umask applies)
     * @return the semaphore
     * @throws java.nio.file.FileAlreadyExistsException (EEXIST) if it exists
     * @throws IOException on another failure of {@code sem_open}
     */
    public static NamedSemaphore createExclusively(String name, int initialValue,
                                                   Set<PosixFilePermission> permissions) throws IOException {
        return open(name, LibC.O_CREAT() | LibC.O_EXCL(), Permissions.toMode(permissions), initialValue);
    }

    /**
     * Opens an existing semaphore.
     *
     * @param name its name
     * @return the semaphore
     * @throws java.nio.file.NoSuchFileException (ENOENT) if it does not exist
     * @throws java.nio.file.AccessDeniedException (EACCES) if this user may not open it
     * @throws IOException on another failure of {@code sem_open}
     */
    public static NamedSemaphore open(String name) throws IOException {
        return open(name, 0, 0, 0);
    }

    private static NamedSemaphore open(String name, int flags, int mode, int initialValue) throws IOException {
        Check.posixName(name);
        Check.notNegative("initialValue", initialValue);
        try (Arena arena = Arena.ofConfined()) {
            long r = SyncCalls.semOpen(arena.allocateFrom(name), flags, mode, initialValue);
            if (r < 0) {
                throw Errors.named("sem_open", name, Errors.quote(name) + ", " + flagText(flags)
                        + ((flags & LibC.O_CREAT()) != 0 ? ", " + Permissions.octal(mode) + ", " + initialValue : ""),
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
     * Removes the name; the semaphore lives on until every process closed it.
     *
     * @param name its name
     * @throws java.nio.file.NoSuchFileException (ENOENT) if there is none
     * @throws java.nio.file.AccessDeniedException (EACCES) if this user may not remove it
     * @throws IOException on another failure of {@code sem_unlink}
     * @see <a href="https://man7.org/linux/man-pages/man3/sem_unlink.3.html">sem_unlink(3)</a>
     */
    public static void unlink(String name) throws IOException {
        if (!unlink(name, false)) {
            throw new AssertionError("unreachable");
        }
    }

    /**
     * Removes the name if it exists.
     *
     * @param name its name
     * @return true if removed, false if there was none
     * @throws java.nio.file.AccessDeniedException (EACCES) if this user may not remove it
     * @throws IOException on another failure of {@code sem_unlink}
     */
    public static boolean unlinkIfExists(String name) throws IOException {
        return unlink(name, true);
    }

    private static boolean unlink(String name, boolean ifExists) throws IOException {
        Check.posixName(name);
        try (Arena arena = Arena.ofConfined()) {
            int r = SyncCalls.semUnlink(arena.allocateFrom(name));
            if (r == 0) {
                return true;
            }
            if (ifExists && r == -LibC.ENOENT()) {
                return false;
            }
            throw Errors.named("sem_unlink", name, Errors.quote(name), -r);
        }
    }

    /** {@return the name this semaphore was opened with} */
    public String name() {
        return name;
    }

    /** {@return whether {@link #close()} has not been called} */
    public boolean isOpen() {
        return guard.isOpen();
    }

    /**
     * Decrements the value, waiting while it is 0.
     *
     * @throws AsynchronousCloseException if closed by another thread while waiting
     * @throws IllegalStateException if closed
     * @throws IOException on a failure of {@code sem_wait}
     * @see <a href="https://man7.org/linux/man-pages/man3/sem_wait.3.html">sem_wait(3)</a>
     */
    public void acquire() throws IOException {
        guard.enter(this);
        try {
            if (SyncCalls.semTrywait(sem) == 0) {
                return;
            }
            int slot = waiters.enter();
            try {
                if (!guard.isOpen()) {
                    throw new AsynchronousCloseException(); // closed before this thread registered
                }
                int r;
                do {
                    r = SyncCalls.semWait(sem);
                } while (r == -Sys.EINTR && guard.isOpen());
                if (!guard.isOpen()) {
                    if (r == 0) {
                        SyncCalls.semPost(sem); // give back what we took after close began
                    }
                    throw new AsynchronousCloseException();
                }
                if (r != 0) {
                    throw Errors.of("sem_wait", name, -r);
                }
            } finally {
                waiters.exit(slot);
            }
        } finally {
            exit();
        }
    }

    /**
     * Decrements the value if it is above 0, without waiting.
     *
     * @return true if decremented, false if the value was 0
     * @throws IllegalStateException if closed
     * @throws IOException on a failure of {@code sem_trywait}
     */
    public boolean tryAcquire() throws IOException {
        guard.enter(this);
        try {
            int r = SyncCalls.semTrywait(sem);
            if (r == 0) {
                return true;
            }
            if (r == -Sys.EAGAIN) {
                return false;
            }
            throw Errors.of("sem_trywait", name, -r);
        } finally {
            exit();
        }
    }

    /**
     * Decrements the value, waiting at most {@code timeout} while it is 0.
     *
     * @param timeout how long to wait, not negative
     * @return true if decremented, false on timeout
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws AsynchronousCloseException if closed by another thread while waiting
     * @throws IllegalStateException if closed
     * @throws IOException on a failure of {@code sem_timedwait}
     * @see <a href="https://man7.org/linux/man-pages/man3/sem_timedwait.3.html">sem_timedwait(3)</a>
     */
    public boolean tryAcquire(Duration timeout) throws IOException {
        Deadline deadline = Waits.deadline(timeout);
        guard.enter(this);
        try {
            if (SyncCalls.semTrywait(sem) == 0) {
                return true;
            }
            return timedWait(sem, deadline, guard, waiters, name);
        } finally {
            exit();
        }
    }

    static boolean timedWait(MemorySegment sem, Deadline deadline, Guard guard, Waiters waiters, String what)
            throws IOException {
        if (deadline.expired()) {
            return false;
        }
        MemorySegment ts = SyncCalls.scratch();
        int slot = waiters.enter();
        try {
            if (!guard.isOpen()) {
                throw new AsynchronousCloseException(); // closed before this thread registered
            }
            int r;
            do {
                if (deadline.unlimited()) {
                    r = SyncCalls.semWait(sem);
                } else {
                    deadline.writeAbsoluteRealtime(ts);
                    r = SyncCalls.semTimedwait(sem, ts);
                }
            } while (r == -Sys.EINTR && guard.isOpen());
            if (!guard.isOpen()) {
                if (r == 0) {
                    SyncCalls.semPost(sem);
                }
                throw new AsynchronousCloseException();
            }
            if (r == 0) {
                return true;
            }
            if (r == -ETIMEDOUT) {
                return false;
            }
            throw Errors.of("sem_timedwait", what, -r);
        } finally {
            waiters.exit(slot);
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
        guard.enter(this);
        try {
            int r = SyncCalls.semPost(sem);
            if (r != 0) {
                throw Errors.of("sem_post", name, -r);
            }
        } finally {
            exit();
        }
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
        guard.enter(this);
        try {
            int r = SyncCalls.semGetvalue(sem);
            if (r < 0) {
                throw Errors.of("sem_getvalue", name, -r);
            }
            return r;
        } finally {
            exit();
        }
    }

    private void exit() {
        if (guard.exit()) {
            SyncCalls.semClose(sem);
        }
    }

    /**
     * Closes this process's handle ({@code sem_close}), releasing threads blocked in
     * {@link #acquire()}; idempotent. The name stays until {@link #unlink(String)}.
     *
     * @see <a href="https://man7.org/linux/man-pages/man3/sem_close.3.html">sem_close(3)</a>
     */
    @Override
    public void close() {
        boolean idle = guard.close();
        waiters.wakeAll();
        if (idle) {
            SyncCalls.semClose(sem);
        }
    }

    @Override
    public String toString() {
        return "NamedSemaphore[" + name + (isOpen() ? "]" : ", closed]");
    }
}
