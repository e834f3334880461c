package org.panamaipc.sync;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.panamaipc.IpcException;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.ipc_perm;
import org.panamaipc.bindings.semid_ds;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Modes;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.Sys;
import org.panamaipc.internal.SyncCalls;
import org.panamaipc.internal.Waiters;
import org.panamaipc.SysVKey;

/**
 * A System V semaphore set: N counters, identified by a key or an id, on which a list of
 * operations ({@link SemaphoreOps}) is applied atomically — take A and B together, or wait
 * until one is 0.
 *
 * <h2>Crash safety</h2>
 * An operation made with {@link SemaphoreFlag#UNDO} is reverted by the kernel when the
 * process exits, however it ends: a process killed while holding a semaphore taken with
 * UNDO gives it back, and a waiter proceeds.
 *
 * <h2>Creating and initialising without a race</h2>
 * {@code semget} creates a set with every value 0 and a second call initialises it, so two
 * processes that both "create or open" could both initialise it, one undoing the other's
 * work. {@link #createOrOpen(SysVKey, int...)} solves it the classic way (Stevens, UNIX
 * Network Programming vol. 2, 11.2): only the process whose {@code IPC_CREAT|IPC_EXCL}
 * succeeded initialises, then performs one {@code semop} (+1 then -1 on semaphore 0, no net
 * change) which sets the set's {@code sem_otime}; every other process opens the existing set
 * and waits until {@code sem_otime} is non-zero before using it.
 *
 * <h2>Lifetime</h2>
 * The set lives in the kernel until {@link #remove()}; {@link #close()} only ends this
 * handle, releasing threads blocked in {@link #operate} with
 * {@link AsynchronousCloseException}. Use after close throws {@link IllegalStateException}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/sysvipc.7.html">sysvipc(7)</a>
 */
public final class SysVSemaphoreSet implements AutoCloseable {
    /** The largest value of one semaphore, the kernel's {@code SEMVMX}. */
    public static final int MAX_VALUE = 32767;

    /** How long {@link #createOrOpen(SysVKey, int...)} waits for another creator to initialise. */
    public static final Duration DEFAULT_INIT_TIMEOUT = Duration.ofSeconds(10);

    private static final int GETVAL = LibC.GETVAL();
    private static final int EIDRM = LibC.EIDRM();

    private final int id;
    private final int size;
    private final SysVKey key;
    private final Guard guard = new Guard();
    private final Waiters waiters = new Waiters();

    private SysVSemaphoreSet(int id, int size, SysVKey key) {
        this.id = id;
        this.size = size;
        this.key = key;
    }

    /**
     * Creates a private set ({@code IPC_PRIVATE}) with mode 0600 and every value 0, to share
     * through its {@link #id()} or by inheritance.
     *
     * @param size how many semaphores, at least 1
     * @return the set
     * @throws IOException (ENOSPC) if the system's limit of sets or semaphores is reached
     * @see <a href="https://man7.org/linux/man-pages/man2/semget.2.html">semget(2)</a>
     */
    public static SysVSemaphoreSet createPrivate(int size) throws IOException {
        return create(SysVKey.PRIVATE, size, LibC.IPC_CREAT() | LibC.IPC_EXCL(), Modes.OWNER_READ_WRITE);
    }

    /**
     * Creates a set for a key with mode 0600 and every value 0, failing if one exists.
     *
     * @param key the key, e.g. {@link SysVKey#of(java.nio.file.Path, int)}
     * @param size how many semaphores, at least 1
     * @return the set
     * @throws java.nio.file.FileAlreadyExistsException (EEXIST) if a set exists for the key
     * @throws IOException (ENOSPC, EINVAL) on another failure of {@code semget}
     */
    public static SysVSemaphoreSet createExclusively(SysVKey key, int size) throws IOException {
        return createExclusively(key, size, Modes.OWNER_READ_WRITE);
    }

    /**
     * Creates a set for a key with the given permissions and every value 0, failing if one
     * exists.
     *
     * @param key the key
     * @param size how many semaphores, at least 1
     * @param permissions the permission bits
     * @return the set
     * @throws java.nio.file.FileAlreadyExistsException (EEXIST) if a set exists for the key
     * @throws IOException (ENOSPC, EINVAL) on another failure of {@code semget}
     */
    public static SysVSemaphoreSet createExclusively(SysVKey key, int size, Set<PosixFilePermission> permissions)
            throws IOException {
        return create(key, size, LibC.IPC_CREAT() | LibC.IPC_EXCL(), permissions);
    }

    /**
     * Creates and initialises the set for a key, or opens it and waits (at most
     * {@link #DEFAULT_INIT_TIMEOUT}) until its creator has initialised it; mode 0600. See the
     * class documentation for how the race between two creators is solved.
     *
     * @param key the key (not private)
     * @param initialValues one value per semaphore, 0 to {@link #MAX_VALUE}; their count is the set's size
     * @return the set
     * @throws java.nio.file.AccessDeniedException (EACCES) if it exists and this user may not use it
     * @throws IOException (EINVAL) if an existing set is smaller, (ETIMEDOUT) if its creator
     *         did not initialise it in time, or on another failure
     */
    public static SysVSemaphoreSet createOrOpen(SysVKey key, int... initialValues) throws IOException {
        return createOrOpen(key, Modes.OWNER_READ_WRITE, DEFAULT_INIT_TIMEOUT, initialValues);
    }

    /**
     * Creates and initialises the set for a key with the given permissions, or opens it and
     * waits until its creator has initialised it.
     *
     * @param key the key (not private)
     * @param permissions the permission bits if created
     * @param initTimeout how long to wait for another creator's initialisation
     * @param initialValues one value per semaphore, 0 to {@link #MAX_VALUE}
     * @return the set
     * @throws java.nio.file.AccessDeniedException (EACCES) if it exists and this user may not use it
     * @throws IOException (EINVAL) if an existing set is smaller, (ETIMEDOUT) if its creator
     *         did not initialise it in time, or on another failure
     */
    public static SysVSemaphoreSet createOrOpen(SysVKey key, Set<PosixFilePermission> permissions,
                                                Duration initTimeout, int... initialValues) throws IOException {
        Check.notNull("key", key);
        if (key.isPrivate()) {
            throw new IllegalArgumentException("key=IPC_PRIVATE cannot be opened by another process; use createPrivate");
        }
        checkValues(initialValues);
        Deadline deadline = Deadline.after(initTimeout);
        int mode = Modes.toMode(permissions);
        while (true) {
            int id = SyncCalls.semget(key.value(), initialValues.length, LibC.IPC_CREAT() | LibC.IPC_EXCL() | mode);
            if (id >= 0) {
                SysVSemaphoreSet set = new SysVSemaphoreSet(id, initialValues.length, key);
                try {
                    set.setValues(initialValues);
                    set.markInitialised();
                } catch (IOException | RuntimeException e) {
                    try {
                        set.remove();
                    } catch (IOException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                    throw e;
                }
                return set;
            }
            if (id != -LibC.EEXIST()) {
                throw semgetFailed(key, initialValues.length, LibC.IPC_CREAT() | LibC.IPC_EXCL() | mode, -id);
            }
            id = SyncCalls.semget(key.value(), initialValues.length, 0);
            if (id == -LibC.ENOENT()) {
                continue; // removed between the two calls: try to create it again
            }
            if (id < 0) {
                throw semgetFailed(key, initialValues.length, 0, -id);
            }
            SysVSemaphoreSet set = new SysVSemaphoreSet(id, stat(id).size(), key);
            if (set.awaitInitialised(deadline)) {
                return set;
            }
            throw new IpcException("semget", key + ": created by another process but not initialised within "
                    + initTimeout, LibC.ETIMEDOUT());
        }
    }

    /**
     * Opens the existing set for a key.
     *
     * @param key the key
     * @return the set
     * @throws java.nio.file.NoSuchFileException (ENOENT) if there is none
     * @throws java.nio.file.AccessDeniedException (EACCES) if this user may not use it
     * @throws IOException on another failure of {@code semget}
     */
    public static SysVSemaphoreSet open(SysVKey key) throws IOException {
        Check.notNull("key", key);
        int id = SyncCalls.semget(key.value(), 0, 0);
        if (id < 0) {
            throw semgetFailed(key, 0, 0, -id);
        }
        return new SysVSemaphoreSet(id, stat(id).size(), key);
    }

    /**
     * Opens an existing set by its id, as {@code ipcs -s} shows it or another process passed it.
     *
     * @param id the set's id
     * @return the set
     * @throws IOException (EINVAL, EIDRM) if there is no such set, (EACCES) if this user may not read it
     */
    public static SysVSemaphoreSet open(int id) throws IOException {
        Check.notNegative("id", id);
        SemaphoreSetStat stat = stat(id);
        return new SysVSemaphoreSet(id, stat.size(), stat.key() == 0 ? SysVKey.PRIVATE : SysVKey.of(stat.key()));
    }

    private static SysVSemaphoreSet create(SysVKey key, int size, int flags, Set<PosixFilePermission> permissions)
            throws IOException {
        Check.notNull("key", key);
        Check.positive("size", size);
        int all = flags | Modes.toMode(permissions);
        int id = SyncCalls.semget(key.value(), size, all);
        if (id < 0) {
            throw semgetFailed(key, size, all, -id);
        }
        return new SysVSemaphoreSet(id, size, key);
    }

    private static IOException semgetFailed(SysVKey key, int size, int flags, int errno) {
        String args = key + ", " + size + ", " + flagText(flags);
        return Errors.named("semget", key.toString(), args, errno);
    }

    private static String flagText(int flags) {
        StringBuilder s = new StringBuilder();
        if ((flags & LibC.IPC_CREAT()) != 0) {
            s.append("IPC_CREAT|");
        }
        if ((flags & LibC.IPC_EXCL()) != 0) {
            s.append("IPC_EXCL|");
        }
        return s.append(Modes.octal(flags & 0777)).toString();
    }

    private static void checkValues(int[] values) {
        Check.notNull("values", values);
        if (values.length == 0) {
            throw new IllegalArgumentException("values must hold at least one value");
        }
        for (int i = 0; i < values.length; i++) {
            checkValue(i, values[i]);
        }
    }

    private static void checkValue(int index, int value) {
        if (value < 0 || value > MAX_VALUE) {
            throw new IllegalArgumentException("index=" + index + " value=" + value + " must be 0 to SEMVMX=" + MAX_VALUE);
        }
    }

    private void markInitialised() throws IOException {
        // +1 then -1 on semaphore 0 in one call: no net change, but sem_otime is set.
        if (!operate(INIT_OPS)) {
            throw new IllegalStateException("initialising semop would block");
        }
    }

    private static final SemaphoreOps INIT_OPS = SemaphoreOps.builder().add(0, 1).add(0, -1).build();

    private boolean awaitInitialised(Deadline deadline) throws IOException {
        long pause = 100_000;
        while (stat().lastOperation() == null) {
            if (deadline.expired()) {
                return false;
            }
            LockSupport.parkNanos(Math.min(pause, deadline.remainingNanos()));
            pause = Math.min(pause * 2, 20_000_000);
        }
        return true;
    }

    /** {@return the set's id, as {@code ipcs -s} shows it} */
    public int id() {
        return id;
    }

    /** {@return the key it was created or opened with; {@link SysVKey#PRIVATE} for a private set} */
    public SysVKey key() {
        return key;
    }

    /** {@return how many semaphores the set holds} */
    public int size() {
        return size;
    }

    /** {@return whether {@link #close()} has not been called} */
    public boolean isOpen() {
        return guard.isOpen();
    }

    /**
     * Applies a list of operations atomically, waiting as long as needed unless an operation
     * has {@link SemaphoreFlag#NO_WAIT}.
     *
     * @param ops the operations
     * @return true if applied, false if an operation with {@code NO_WAIT} would have waited
     *         (then none was applied)
     * @throws IndexOutOfBoundsException if an operation names a semaphore beyond the set
     * @throws AsynchronousCloseException if closed by another thread while waiting
     * @throws IllegalStateException if closed
     * @throws IOException (EIDRM) if the set was removed, (ERANGE) if a value would exceed
     *         {@link #MAX_VALUE}, or on another failure of {@code semop}
     * @see <a href="https://man7.org/linux/man-pages/man2/semop.2.html">semop(2)</a>
     */
    public boolean operate(SemaphoreOps ops) throws IOException {
        checkOps(ops);
        guard.enter(this);
        try {
            int slot = waiters.enter();
            try {
                if (!guard.isOpen()) {
                    throw new AsynchronousCloseException(); // closed before this thread registered
                }
                int r;
                do {
                    r = SyncCalls.semop(id, ops.segment(), ops.size());
                } while (r == -Sys.EINTR && guard.isOpen());
                return result(r, "semop", ops);
            } finally {
                waiters.exit(slot);
            }
        } finally {
            guard.exit();
        }
    }

    /**
     * Applies a list of operations atomically, waiting at most {@code timeout}.
     *
     * @param ops the operations
     * @param timeout how long to wait, not negative
     * @return true if applied, false on timeout or if an operation with {@code NO_WAIT}
     *         would have waited (then none was applied)
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws IndexOutOfBoundsException if an operation names a semaphore beyond the set
     * @throws AsynchronousCloseException if closed by another thread while waiting
     * @throws IllegalStateException if closed
     * @throws IOException (EIDRM) if the set was removed, (ERANGE) if a value would exceed
     *         {@link #MAX_VALUE}, or on another failure of {@code semtimedop}
     * @see <a href="https://man7.org/linux/man-pages/man2/semtimedop.2.html">semtimedop(2)</a>
     */
    public boolean operate(SemaphoreOps ops, Duration timeout) throws IOException {
        Deadline deadline = Waits.deadline(timeout);
        if (deadline.unlimited()) {
            return operate(ops);
        }
        checkOps(ops);
        guard.enter(this);
        try {
            MemorySegment ts = SyncCalls.scratch();
            int slot = waiters.enter();
            try {
                if (!guard.isOpen()) {
                    throw new AsynchronousCloseException(); // closed before this thread registered
                }
                int r;
                do {
                    deadline.writeRemaining(ts);
                    r = SyncCalls.semtimedop(id, ops.segment(), ops.size(), ts);
                } while (r == -Sys.EINTR && guard.isOpen());
                return result(r, "semtimedop", ops);
            } finally {
                waiters.exit(slot);
            }
        } finally {
            guard.exit();
        }
    }

    private boolean result(int r, String call, SemaphoreOps ops) throws IOException {
        if (!guard.isOpen()) {
            throw new AsynchronousCloseException();
        }
        if (r == 0) {
            return true;
        }
        if (r == -Sys.EAGAIN) {
            return false;
        }
        throw Errors.of(call, "semid=" + id + ", " + ops, -r);
    }

    private void checkOps(SemaphoreOps ops) {
        Check.notNull("ops", ops);
        if (ops.highestIndex() >= size) {
            throw new IndexOutOfBoundsException("index=" + ops.highestIndex() + " size=" + size);
        }
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index=" + index + " size=" + size);
        }
    }

    private int ctl(int index, int cmd, String cmdName) throws IOException {
        checkIndex(index);
        guard.enter(this);
        try {
            int r = SyncCalls.semctl(id, index, cmd);
            if (r < 0) {
                throw Errors.of("semctl", "semid=" + id + ", " + index + ", " + cmdName, -r);
            }
            return r;
        } finally {
            guard.exit();
        }
    }

    /**
     * Reads one semaphore's value ({@code GETVAL}).
     *
     * @param index the semaphore
     * @return its value
     * @throws IndexOutOfBoundsException if {@code index} is outside the set
     * @throws IOException (EIDRM, EINVAL) if the set was removed, (EACCES) if this user may not read it
     * @see <a href="https://man7.org/linux/man-pages/man2/semctl.2.html">semctl(2)</a>
     */
    public int value(int index) throws IOException {
        return ctl(index, GETVAL, "GETVAL");
    }

    /**
     * Sets one semaphore's value ({@code SETVAL}); clears every process's undo entry for it.
     *
     * @param index the semaphore
     * @param value 0 to {@link #MAX_VALUE}
     * @throws IndexOutOfBoundsException if {@code index} is outside the set
     * @throws IllegalArgumentException if {@code value} is out of range
     * @throws IOException (EIDRM, EINVAL) if the set was removed, (EACCES) if this user may not change it
     */
    public void setValue(int index, int value) throws IOException {
        checkIndex(index);
        checkValue(index, value);
        guard.enter(this);
        try {
            int r = SyncCalls.semctl(id, index, LibC.SETVAL(), value);
            if (r < 0) {
                throw Errors.of("semctl", "semid=" + id + ", " + index + ", SETVAL, " + value, -r);
            }
        } finally {
            guard.exit();
        }
    }

    /**
     * Reads every value at once ({@code GETALL}).
     *
     * @return one value per semaphore
     * @throws IOException (EIDRM, EINVAL) if the set was removed, (EACCES) if this user may not read it
     */
    public int[] values() throws IOException {
        guard.enter(this);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment array = arena.allocate(ValueLayout.JAVA_SHORT, size);
            int r = SyncCalls.semctl(id, 0, LibC.GETALL(), array);
            if (r < 0) {
                throw Errors.of("semctl", "semid=" + id + ", 0, GETALL", -r);
            }
            int[] values = new int[size];
            for (int i = 0; i < size; i++) {
                values[i] = Short.toUnsignedInt(array.getAtIndex(ValueLayout.JAVA_SHORT, i));
            }
            return values;
        } finally {
            guard.exit();
        }
    }

    /**
     * Sets every value at once ({@code SETALL}), atomically for other processes.
     *
     * @param values one value per semaphore, each 0 to {@link #MAX_VALUE}
     * @throws IllegalArgumentException if the count or a value is wrong
     * @throws IOException (EIDRM, EINVAL) if the set was removed, (EACCES) if this user may not change it
     */
    public void setValues(int... values) throws IOException {
        checkValues(values);
        if (values.length != size) {
            throw new IllegalArgumentException("values.length=" + values.length + " size=" + size);
        }
        guard.enter(this);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment array = arena.allocate(ValueLayout.JAVA_SHORT, size);
            for (int i = 0; i < size; i++) {
                array.setAtIndex(ValueLayout.JAVA_SHORT, i, (short) values[i]);
            }
            int r = SyncCalls.semctl(id, 0, LibC.SETALL(), array);
            if (r < 0) {
                throw Errors.of("semctl", "semid=" + id + ", 0, SETALL", -r);
            }
        } finally {
            guard.exit();
        }
    }

    /**
     * The process that last operated on one semaphore ({@code GETPID}).
     *
     * @param index the semaphore
     * @return its pid, 0 if none yet
     * @throws IndexOutOfBoundsException if {@code index} is outside the set
     * @throws IOException (EIDRM, EINVAL) if the set was removed
     */
    public int lastPid(int index) throws IOException {
        return ctl(index, LibC.GETPID(), "GETPID");
    }

    /**
     * How many threads wait for one semaphore's value to increase ({@code GETNCNT}).
     *
     * @param index the semaphore
     * @return the count
     * @throws IndexOutOfBoundsException if {@code index} is outside the set
     * @throws IOException (EIDRM, EINVAL) if the set was removed
     */
    public int waitingForIncrease(int index) throws IOException {
        return ctl(index, LibC.GETNCNT(), "GETNCNT");
    }

    /**
     * How many threads wait for one semaphore's value to become 0 ({@code GETZCNT}).
     *
     * @param index the semaphore
     * @return the count
     * @throws IndexOutOfBoundsException if {@code index} is outside the set
     * @throws IOException (EIDRM, EINVAL) if the set was removed
     */
    public int waitingForZero(int index) throws IOException {
        return ctl(index, LibC.GETZCNT(), "GETZCNT");
    }

    /**
     * Reads the set's owner, permissions and times ({@code IPC_STAT}).
     *
     * @return the status
     * @throws IOException (EIDRM, EINVAL) if the set was removed, (EACCES) if this user may not read it
     */
    public SemaphoreSetStat stat() throws IOException {
        guard.enter(this);
        try {
            return stat(id);
        } finally {
            guard.exit();
        }
    }

    private static SemaphoreSetStat stat(int id) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ds = semid_ds.allocate(arena);
            int r = SyncCalls.semctl(id, 0, LibC.IPC_STAT(), ds);
            if (r < 0) {
                throw Errors.of("semctl", "semid=" + id + ", 0, IPC_STAT", -r);
            }
            MemorySegment perm = semid_ds.sem_perm(ds);
            long otime = semid_ds.sem_otime(ds);
            return new SemaphoreSetStat(ipc_perm.__key(perm), ipc_perm.uid(perm), ipc_perm.gid(perm),
                    ipc_perm.cuid(perm), ipc_perm.cgid(perm), Modes.fromMode(ipc_perm.mode(perm)),
                    (int) semid_ds.sem_nsems(ds), otime == 0 ? null : Instant.ofEpochSecond(otime),
                    Instant.ofEpochSecond(semid_ds.sem_ctime(ds)));
        }
    }

    /**
     * Changes the set's permission bits ({@code IPC_SET}); owner and group stay.
     *
     * @param permissions the new permissions
     * @throws java.nio.file.AccessDeniedException (EPERM) if this user is neither owner nor creator
     * @throws IOException (EIDRM, EINVAL) if the set was removed
     */
    public void setPermissions(Set<PosixFilePermission> permissions) throws IOException {
        int mode = Modes.toMode(permissions);
        guard.enter(this);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ds = semid_ds.allocate(arena);
            int r = SyncCalls.semctl(id, 0, LibC.IPC_STAT(), ds);
            if (r >= 0) {
                MemorySegment perm = semid_ds.sem_perm(ds);
                ipc_perm.mode(perm, mode);
                r = SyncCalls.semctl(id, 0, LibC.IPC_SET(), ds);
            }
            if (r < 0) {
                throw Errors.named("semctl", "semid=" + id, "semid=" + id + ", 0, IPC_SET mode="
                        + Modes.octal(mode), -r);
            }
        } finally {
            guard.exit();
        }
    }

    /**
     * Removes the set at once ({@code IPC_RMID}): every waiter in every process fails with
     * EIDRM. This handle stays open (and useless) until closed.
     *
     * @throws java.nio.file.AccessDeniedException (EPERM) if this user is neither owner nor creator
     * @throws IOException (EIDRM, EINVAL) if it was already removed
     */
    public void remove() throws IOException {
        int r = SyncCalls.semctl(id, 0, LibC.IPC_RMID());
        if (r < 0) {
            throw Errors.named("semctl", "semid=" + id, "semid=" + id + ", 0, IPC_RMID", -r);
        }
    }

    /**
     * Removes a set by id if it still exists.
     *
     * @param id the set's id
     * @return true if removed, false if there was no such set
     * @throws java.nio.file.AccessDeniedException (EPERM) if this user is neither owner nor creator
     * @throws IOException on another failure
     */
    public static boolean removeIfExists(int id) throws IOException {
        int r = SyncCalls.semctl(id, 0, LibC.IPC_RMID());
        if (r == -LibC.EINVAL() || r == -EIDRM) {
            return false;
        }
        if (r < 0) {
            throw Errors.named("semctl", "semid=" + id, "semid=" + id + ", 0, IPC_RMID", -r);
        }
        return true;
    }

    /**
     * Ends this handle (the set stays in the kernel), releasing threads of this process
     * blocked in {@link #operate} with {@link AsynchronousCloseException}; idempotent.
     */
    @Override
    public void close() {
        guard.close();
        waiters.wakeAll();
    }

    @Override
    public String toString() {
        return "SysVSemaphoreSet[id=" + id + " key=" + key + " size=" + size + (isOpen() ? "]" : ", closed]");
    }
}
