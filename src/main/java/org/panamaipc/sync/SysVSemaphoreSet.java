package org.panamaipc.sync;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.panamaipc.IpcException;
import org.panamaipc.ObjectMismatchException;
import org.panamaipc.ObjectRemovedException;
import org.panamaipc.SysVKey;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.ipc_perm;
import org.panamaipc.bindings.semid_ds;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.Modes;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.SyncCalls;

/**
 * A System V semaphore set: N counters, identified by a key or an id, on which a list of
 * operations ({@link SemaphoreOps}) is applied atomically — take A and B together, or wait
 * until one is 0.
 *
 * <p>Reached like every System V object of the library: {@link #create(SysVKey, int)}
 * (exclusive), {@link #createPrivate(int)}, {@link #open(SysVKey)},
 * {@link #openOrCreate(SysVKey, int...)}, {@link #openId(int)}; removed by {@link #remove()}
 * or, after {@link #removeOnClose()}, by {@link #close()}.
 *
 * <h2>Crash safety</h2>
 * An operation made with {@link SemaphoreFlag#UNDO} is reverted by the kernel when the
 * process exits, however it ends: a process killed while holding a semaphore taken with
 * UNDO gives it back, and a waiter proceeds.
 *
 * <h2>Creating and initialising without a race</h2>
 * {@code semget} creates a set with every value 0 and a second call initialises it, so two
 * processes that both "open or create" could both initialise it, one undoing the other's
 * work. {@link #openOrCreate(SysVKey, int...)} solves it the classic way (Stevens, UNIX
 * Network Programming vol. 2, 11.2): only the process whose {@code IPC_CREAT|IPC_EXCL}
 * succeeded initialises, then performs one {@code semop} (+1 then -1 on semaphore 0, no net
 * change) which sets the set's {@code sem_otime}; every other process opens the existing set,
 * never touching its values, and waits until {@code sem_otime} is non-zero before using it.
 *
 * <h2>Lifetime</h2>
 * The set lives in the kernel until {@link #remove()}; {@link #close()} only ends this
 * handle (and removes the set after {@link #removeOnClose()}), releasing threads blocked in
 * {@link #operate} with {@link AsynchronousCloseException}. Use after close throws
 * {@link IllegalStateException}. A set removed while in use is reported as
 * {@link ObjectRemovedException} (EIDRM, or EINVAL for its id that names nothing any more).
 *
 * <h2>Interrupt</h2>
 * {@link Thread#interrupt()} ends a blocked {@link #operate} promptly with
 * {@link InterruptedIOException}: the thread's interrupt status stays set, the handle stays
 * open and no operation of the list was applied.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/sysvipc.7.html">sysvipc(7)</a>
 */
public final class SysVSemaphoreSet implements AutoCloseable {
    /** The largest value of one semaphore, the kernel's {@code SEMVMX}. */
    public static final int MAX_VALUE = 32767;

    /** How long {@link #openOrCreate(SysVKey, int...)} waits for another creator to initialise. */
    public static final Duration DEFAULT_INIT_TIMEOUT = Duration.ofSeconds(10);

    /** The C library's values, read only once native access was checked ({@link NativeAccess}). */
    private static final class Native {
        static final int GETVAL = LibC.GETVAL();
        static final int EIDRM = LibC.EIDRM();
        static final int EINVAL = LibC.EINVAL();
        static final int ENOENT = LibC.ENOENT();
        static final int EEXIST = LibC.EEXIST();
        static final int ETIMEDOUT = LibC.ETIMEDOUT();
        static final int EAGAIN = LibC.EAGAIN();
        static final int CREATE_EXCLUSIVE = LibC.IPC_CREAT() | LibC.IPC_EXCL();
    }


    private final int id;
    private final int size;
    private final SysVKey key;
    private final Blocker blocker;
    private final AtomicBoolean removeOnClose = new AtomicBoolean();

    private SysVSemaphoreSet(int id, int size, SysVKey key) {
        this.id = id;
        this.size = size;
        this.key = key;
        this.blocker = Blocker.forHandle("System V semaphore set semid=" + id, null);
    }

    /**
     * Creates a private set ({@code IPC_PRIVATE}) with mode 0600 and every value 0, to share
     * through its {@link #id()} or by inheritance.
     *
     * @param size how many semaphores, at least 1
     * @return the set
     * @throws IllegalArgumentException if {@code size} is not positive
     * @throws IOException (ENOSPC) if the system's limit of sets or semaphores is reached
     * @see <a href="https://man7.org/linux/man-pages/man2/semget.2.html">semget(2)</a>
     */
    public static SysVSemaphoreSet createPrivate(int size) throws IOException {
        NativeAccess.require();
        return create(SysVKey.PRIVATE, size, Native.CREATE_EXCLUSIVE, Modes.OWNER_READ_WRITE);
    }

    /**
     * Creates a set for a key with mode 0600 and every value 0, failing if one exists.
     *
     * @param key the key, e.g. {@link SysVKey#of(java.nio.file.Path, int)}; not private
     * @param size how many semaphores, at least 1
     * @return the set
     * @throws IllegalArgumentException if the key is {@link SysVKey#PRIVATE} or {@code size} not positive
     * @throws java.nio.file.FileAlreadyExistsException (EEXIST) if a set exists for the key; it is left as it was
     * @throws IOException (ENOSPC, EINVAL) on another failure of {@code semget}
     * @see <a href="https://man7.org/linux/man-pages/man2/semget.2.html">semget(2)</a>
     */
    public static SysVSemaphoreSet create(SysVKey key, int size) throws IOException {
        NativeAccess.require();
        return create(key, size, Modes.OWNER_READ_WRITE);
    }

    /**
     * Creates a set for a key with the given permissions and every value 0, failing if one
     * exists.
     *
     * @param key the key; not private
     * @param size how many semaphores, at least 1
     * @param permissions the permission bits
     * @return the set
     * @throws IllegalArgumentException if the key is {@link SysVKey#PRIVATE} or {@code size} not positive
     * @throws java.nio.file.FileAlreadyExistsException (EEXIST) if a set exists for the key; it is left as it was
     * @throws IOException (ENOSPC, EINVAL) on another failure of {@code semget}
     * @see <a href="https://man7.org/linux/man-pages/man2/semget.2.html">semget(2)</a>
     */
    public static SysVSemaphoreSet create(SysVKey key, int size, Set<PosixFilePermission> permissions)
            throws IOException {
        NativeAccess.require();
        return create(checkShared(key), size, Native.CREATE_EXCLUSIVE, permissions);
    }

    /**
     * Opens the set for a key, or creates and initialises it with mode 0600 if there is none;
     * see the class documentation for how the race between two creators is solved. An
     * existing set is never changed: {@code initialValues} apply only when this call creates
     * it, and it then waits (at most {@link #DEFAULT_INIT_TIMEOUT}) until its creator has
     * initialised it.
     *
     * @param key the key; not private
     * @param initialValues one value per semaphore, 0 to {@link #MAX_VALUE}; their count is the set's size
     * @return the set
     * @throws IllegalArgumentException if the key is {@link SysVKey#PRIVATE} or a value out of range
     * @throws ObjectMismatchException if the existing set holds another number of semaphores
     * @throws java.nio.file.AccessDeniedException (EACCES) if it exists and this user may not use it
     * @throws InterruptedIOException if the thread was interrupted while waiting for the initialisation
     * @throws IOException (ETIMEDOUT) if its creator did not initialise it in time, or on another failure
     * @see <a href="https://man7.org/linux/man-pages/man2/semget.2.html">semget(2)</a>
     */
    public static SysVSemaphoreSet openOrCreate(SysVKey key, int... initialValues) throws IOException {
        NativeAccess.require();
        return openOrCreate(key, Modes.OWNER_READ_WRITE, DEFAULT_INIT_TIMEOUT, initialValues);
    }

    /**
     * Opens the set for a key, or creates and initialises it with the given permissions if
     * there is none; an existing set is never changed (see
     * {@link #openOrCreate(SysVKey, int...)}).
     *
     * @param key the key; not private
     * @param permissions the permission bits if created
     * @param initTimeout how long to wait for another creator's initialisation
     * @param initialValues one value per semaphore, 0 to {@link #MAX_VALUE}
     * @return the set
     * @throws IllegalArgumentException if the key is {@link SysVKey#PRIVATE} or a value out of range
     * @throws ObjectMismatchException if the existing set holds another number of semaphores
     * @throws java.nio.file.AccessDeniedException (EACCES) if it exists and this user may not use it
     * @throws InterruptedIOException if the thread was interrupted while waiting for the initialisation
     * @throws IOException (ETIMEDOUT) if its creator did not initialise it in time, or on another failure
     * @see <a href="https://man7.org/linux/man-pages/man2/semget.2.html">semget(2)</a>
     */
    public static SysVSemaphoreSet openOrCreate(SysVKey key, Set<PosixFilePermission> permissions,
                                                Duration initTimeout, int... initialValues) throws IOException {
        NativeAccess.require();
        checkShared(key);
        checkValues(initialValues);
        long deadline = Deadline.end(initTimeout);
        int flags = Native.CREATE_EXCLUSIVE | Modes.toMode(permissions);
        int size = initialValues.length;
        while (true) {
            int id = SyncCalls.semget(key.value(), size, flags);
            if (id >= 0) {
                SysVSemaphoreSet set = new SysVSemaphoreSet(id, size, key);
                try {
                    set.setValues(initialValues);
                    set.markInitialised();
                } catch (IOException | RuntimeException e) {
                    try {
                        set.remove();
                    } catch (IOException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                    set.close();
                    throw e;
                }
                return set;
            }
            if (id != -Native.EEXIST) {
                throw semgetFailed(key, size, flags, -id);
            }
            id = SyncCalls.semget(key.value(), 0, 0);
            if (id == -Native.ENOENT) {
                continue; // removed between the two calls: try to create it again
            }
            if (id < 0) {
                throw semgetFailed(key, 0, 0, -id);
            }
            int found = stat(id).size();
            if (found != size) {
                throw new ObjectMismatchException("System V semaphore set key=" + key + " semid=" + id,
                        "size=" + found, "size=" + size);
            }
            SysVSemaphoreSet set = new SysVSemaphoreSet(id, found, key);
            try {
                if (set.awaitInitialised(deadline)) {
                    return set;
                }
            } catch (IOException | RuntimeException e) {
                set.close();
                throw e;
            }
            set.close();
            throw new IpcException("semget", key + ": created by another process but not initialised within "
                    + initTimeout, Native.ETIMEDOUT);
        }
    }

    /**
     * Opens the existing set for a key.
     *
     * @param key the key; not private
     * @return the set
     * @throws IllegalArgumentException if the key is {@link SysVKey#PRIVATE}
     * @throws java.nio.file.NoSuchFileException (ENOENT) if there is none
     * @throws java.nio.file.AccessDeniedException (EACCES) if this user may not use it
     * @throws IOException on another failure of {@code semget}
     * @see <a href="https://man7.org/linux/man-pages/man2/semget.2.html">semget(2)</a>
     */
    public static SysVSemaphoreSet open(SysVKey key) throws IOException {
        NativeAccess.require();
        checkShared(key);
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
     * @throws IllegalArgumentException if {@code id} is negative
     * @throws ObjectRemovedException (EINVAL, EIDRM) if no set has this id (any more)
     * @throws java.nio.file.AccessDeniedException (EACCES) if this user may not read it
     * @throws IOException on another failure of {@code semctl}
     * @see <a href="https://man7.org/linux/man-pages/man2/semctl.2.html">semctl(2)</a>
     */
    public static SysVSemaphoreSet openId(int id) throws IOException {
        NativeAccess.require();
        Check.notNegative("id", id);
        SemaphoreSetStat stat = stat(id);
        return new SysVSemaphoreSet(id, stat.size(), stat.key());
    }

    private static SysVKey checkShared(SysVKey key) {
        Check.notNull("key", key);
        if (key.isPrivate()) {
            throw new IllegalArgumentException("key=IPC_PRIVATE names no existing set; use createPrivate");
        }
        return key;
    }

    private static SysVSemaphoreSet create(SysVKey key, int size, int flags, Set<PosixFilePermission> permissions)
            throws IOException {
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

    private IOException failed(String call, String rest, int errno) {
        return failed(call, id, rest, errno);
    }

    /**
     * The exception for a failed call on a set by id: EINVAL there means the id names no set
     * (any more), as EIDRM does (the other arguments are checked before every call); EACCES
     * and EPERM are the JDK's {@code AccessDeniedException}.
     */
    private static IOException failed(String call, int id, String rest, int errno) {
        String arguments = "semid=" + id + rest;
        if (errno == Native.EINVAL || errno == Native.EIDRM) {
            return new ObjectRemovedException(call, arguments, errno);
        }
        return Errors.named(call, "semid=" + id, arguments, errno);
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

    /**
     * Waits until the creator's first {@code semop} set {@code sem_otime}: the kernel tells no
     * one, so this polls {@code IPC_STAT} with a growing pause (once per open, never on a hot path).
     */
    private boolean awaitInitialised(long deadline) throws IOException {
        long pause = 100_000;
        while (stat().lastOperation() == null) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("interrupted while waiting for " + this + " to be initialised");
            }
            if (Deadline.expired(deadline)) {
                return false;
            }
            LockSupport.parkNanos(Math.min(pause, Deadline.remainingNanos(deadline)));
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
        return blocker.isOpen();
    }

    /** {@return how many threads of this process are blocked on this handle now} */
    int waiting() {
        return blocker.waiting();
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
     * @throws InterruptedIOException if the thread was interrupted (none applied; still open)
     * @throws IllegalStateException if closed
     * @throws ObjectRemovedException {@link ObjectRemovedException} (EIDRM, EINVAL) if the set was removed
     * @throws IOException (ERANGE) if a value would exceed {@link #MAX_VALUE}, or on another
     *         failure of {@code semop}
     * @see <a href="https://man7.org/linux/man-pages/man2/semop.2.html">semop(2)</a>
     */
    public boolean operate(SemaphoreOps ops) throws IOException {
        return operate(ops, Deadline.NONE);
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
     * @throws InterruptedIOException if the thread was interrupted (none applied; still open)
     * @throws IllegalStateException if closed
     * @throws ObjectRemovedException {@link ObjectRemovedException} (EIDRM, EINVAL) if the set was removed
     * @throws IOException (ERANGE) if a value would exceed {@link #MAX_VALUE}, or on another
     *         failure of {@code semtimedop}
     * @see <a href="https://man7.org/linux/man-pages/man2/semtimedop.2.html">semtimedop(2)</a>
     */
    public boolean operate(SemaphoreOps ops, Duration timeout) throws IOException {
        return operate(ops, Deadline.end(timeout));
    }

    private boolean operate(SemaphoreOps ops, long deadline) throws IOException {
        checkOps(ops);
        long r = blocker.call(SyncCalls::semopCall, id, ops.segment(), MemorySegment.NULL, ops.size(), 0, 0,
                deadline, Blocker.Timing.RELATIVE);
        if (r == 0) {
            return true;
        }
        if (r == -Native.ETIMEDOUT || r == -Native.EAGAIN) { // Native.EAGAIN: an operation with NO_WAIT would have waited
            return false;
        }
        throw failed(deadline == Deadline.NONE ? "semop" : "semtimedop", ", " + ops, (int) -r);
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
        blocker.enter();
        try {
            int r = SyncCalls.semctl(id, index, cmd);
            if (r < 0) {
                throw failed("semctl", ", " + index + ", " + cmdName, -r);
            }
            return r;
        } finally {
            blocker.exit();
        }
    }

    /**
     * Reads one semaphore's value ({@code GETVAL}).
     *
     * @param index the semaphore
     * @return its value
     * @throws IndexOutOfBoundsException if {@code index} is outside the set
     * @throws IOException {@link ObjectRemovedException} (EIDRM, EINVAL) if the set was removed, (EACCES) if this user may not read it
     * @see <a href="https://man7.org/linux/man-pages/man2/semctl.2.html">semctl(2)</a>
     */
    public int value(int index) throws IOException {
        return ctl(index, Native.GETVAL, "GETVAL");
    }

    /**
     * Sets one semaphore's value ({@code SETVAL}); clears every process's undo entry for it.
     *
     * @param index the semaphore
     * @param value 0 to {@link #MAX_VALUE}
     * @throws IndexOutOfBoundsException if {@code index} is outside the set
     * @throws IllegalArgumentException if {@code value} is out of range
     * @throws IOException {@link ObjectRemovedException} (EIDRM, EINVAL) if the set was removed, (EACCES) if this user may not change it
     */
    public void setValue(int index, int value) throws IOException {
        checkIndex(index);
        checkValue(index, value);
        blocker.enter();
        try {
            int r = SyncCalls.semctl(id, index, LibC.SETVAL(), value);
            if (r < 0) {
                throw failed("semctl", ", " + index + ", SETVAL, " + value, -r);
            }
        } finally {
            blocker.exit();
        }
    }

    /**
     * Reads every value at once ({@code GETALL}).
     *
     * @return one value per semaphore
     * @throws IOException {@link ObjectRemovedException} (EIDRM, EINVAL) if the set was removed, (EACCES) if this user may not read it
     */
    public int[] values() throws IOException {
        blocker.enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment array = arena.allocate(ValueLayout.JAVA_SHORT, size);
            int r = SyncCalls.semctl(id, 0, LibC.GETALL(), array);
            if (r < 0) {
                throw failed("semctl", ", 0, GETALL", -r);
            }
            int[] values = new int[size];
            for (int i = 0; i < size; i++) {
                values[i] = Short.toUnsignedInt(array.getAtIndex(ValueLayout.JAVA_SHORT, i));
            }
            return values;
        } finally {
            blocker.exit();
        }
    }

    /**
     * Sets every value at once ({@code SETALL}), atomically for other processes.
     *
     * @param values one value per semaphore, each 0 to {@link #MAX_VALUE}
     * @throws IllegalArgumentException if the count or a value is wrong
     * @throws IOException {@link ObjectRemovedException} (EIDRM, EINVAL) if the set was removed, (EACCES) if this user may not change it
     */
    public void setValues(int... values) throws IOException {
        checkValues(values);
        if (values.length != size) {
            throw new IllegalArgumentException("values.length=" + values.length + " size=" + size);
        }
        blocker.enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment array = arena.allocate(ValueLayout.JAVA_SHORT, size);
            for (int i = 0; i < size; i++) {
                array.setAtIndex(ValueLayout.JAVA_SHORT, i, (short) values[i]);
            }
            int r = SyncCalls.semctl(id, 0, LibC.SETALL(), array);
            if (r < 0) {
                throw failed("semctl", ", 0, SETALL", -r);
            }
        } finally {
            blocker.exit();
        }
    }

    /**
     * The process that last operated on one semaphore ({@code GETPID}).
     *
     * @param index the semaphore
     * @return its pid, 0 if none yet
     * @throws IndexOutOfBoundsException if {@code index} is outside the set
     * @throws IOException {@link ObjectRemovedException} (EIDRM, EINVAL) if the set was removed
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
     * @throws IOException {@link ObjectRemovedException} (EIDRM, EINVAL) if the set was removed
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
     * @throws IOException {@link ObjectRemovedException} (EIDRM, EINVAL) if the set was removed
     */
    public int waitingForZero(int index) throws IOException {
        return ctl(index, LibC.GETZCNT(), "GETZCNT");
    }

    /**
     * Reads the set's owner, permissions and times ({@code IPC_STAT}).
     *
     * @return the status
     * @throws IOException {@link ObjectRemovedException} (EIDRM, EINVAL) if the set was removed, (EACCES) if this user may not read it
     */
    public SemaphoreSetStat stat() throws IOException {
        blocker.enter();
        try {
            return stat(id);
        } finally {
            blocker.exit();
        }
    }

    private static SemaphoreSetStat stat(int id) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ds = semid_ds.allocate(arena);
            int r = SyncCalls.semctl(id, 0, LibC.IPC_STAT(), ds);
            if (r < 0) {
                throw failed("semctl", id, ", 0, IPC_STAT", -r);
            }
            MemorySegment perm = semid_ds.sem_perm(ds);
            long otime = semid_ds.sem_otime(ds);
            int key = ipc_perm.__key(perm);
            return new SemaphoreSetStat(key == 0 ? SysVKey.PRIVATE : SysVKey.of(key), ipc_perm.uid(perm), ipc_perm.gid(perm),
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
     * @throws IOException {@link ObjectRemovedException} (EIDRM, EINVAL) if the set was removed
     */
    public void setPermissions(Set<PosixFilePermission> permissions) throws IOException {
        int mode = Modes.toMode(permissions);
        blocker.enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ds = semid_ds.allocate(arena);
            int r = SyncCalls.semctl(id, 0, LibC.IPC_STAT(), ds);
            if (r >= 0) {
                MemorySegment perm = semid_ds.sem_perm(ds);
                ipc_perm.mode(perm, mode);
                r = SyncCalls.semctl(id, 0, LibC.IPC_SET(), ds);
            }
            if (r < 0) {
                throw failed("semctl", ", 0, IPC_SET mode=" + Modes.octal(mode), -r);
            }
        } finally {
            blocker.exit();
        }
    }

    /**
     * Removes the set at once ({@code IPC_RMID}): every waiter in every process fails with
     * {@link ObjectRemovedException}. This handle stays open (and useless) until closed.
     *
     * <p>On a closed handle it throws {@link IllegalStateException} and removes nothing, as
     * for the other System V kinds: a closed handle's id may name another object by then. To
     * remove after closing, open the object again (by key or id), or ask for
     * {@code removeOnClose()} while the handle is open.
     *
     * @throws IllegalStateException if closed
     * @throws java.nio.file.AccessDeniedException (EPERM) if this user is neither owner nor creator
     * @throws ObjectRemovedException (EIDRM, EINVAL) if it was already removed
     * @throws IOException on another failure of {@code semctl}
     * @see <a href="https://man7.org/linux/man-pages/man2/semctl.2.html">semctl(2)</a>
     */
    public void remove() throws IOException {
        blocker.enter();
        try {
            int r = SyncCalls.semctl(id, 0, LibC.IPC_RMID());
            if (r < 0) {
                throw failed("semctl", ", 0, IPC_RMID", -r);
            }
        } finally {
            blocker.exit();
        }
    }

    /**
     * Makes {@link #close()} remove the set too ({@code IPC_RMID}, once, if it still exists):
     * for the creator, so that the set goes with its handle.
     *
     * @return this set
     * @throws IllegalStateException if closed
     */
    public SysVSemaphoreSet removeOnClose() {
        if (!isOpen()) {
            throw new IllegalStateException(this + " is closed");
        }
        removeOnClose.set(true);
        return this;
    }

    /**
     * Ends this handle, releasing threads of this process blocked in {@link #operate} with
     * {@link AsynchronousCloseException}; idempotent. The set stays in the kernel unless
     * {@link #removeOnClose()} was called: then it is removed once the waiters have left.
     *
     * @throws UncheckedIOException if the set was to be removed and {@code semctl(IPC_RMID)}
     *         fails with anything but EINVAL/EIDRM (removed already); the handle is closed all the same
     * @see <a href="https://man7.org/linux/man-pages/man2/semctl.2.html">semctl(2)</a>
     */
    @Override
    public void close() {
        blocker.close();
        if (removeOnClose.getAndSet(false)) {
            int r = SyncCalls.semctl(id, 0, LibC.IPC_RMID());
            if (r < 0 && r != -Native.EINVAL && r != -Native.EIDRM) {
                throw new UncheckedIOException(failed("semctl", ", 0, IPC_RMID", -r));
            }
        }
    }

    @Override
    public String toString() {
        return "SysVSemaphoreSet[id=" + id + " key=" + key + " size=" + size + (isOpen() ? "]" : ", closed]");
    }
}
