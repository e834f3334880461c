package org.panamaipc.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.panamaipc.bindings.LibC;

/**
 * The calls of process synchronization: POSIX semaphores (named and unnamed), System V
 * semaphore sets, process-shared pthread mutexes and conditions, futex and eventfd.
 *
 * <p>Like {@link Sys}, each errno-reporting method makes one call and returns its result or
 * {@code -errno}; the {@code pthread_*} methods return the error number their function
 * returns (0 on success). Pointers travel as {@link MemorySegment}s so that a segment whose
 * memory was unmapped throws {@link IllegalStateException} before the call instead of
 * crashing the JVM.
 */
public final class SyncCalls {
    static {
        NativeAccess.require(); // first: without native access, a clear error instead of a failed initialization
    }

    private SyncCalls() {
    }

    private static final MethodHandle SEM_OPEN = Downcalls.variadic(LibC.sem_open.address(),
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT), 2);
    private static final MethodHandle SEM_CLOSE =
            Downcalls.blocking(LibC.sem_close$address(), LibC.sem_close$descriptor());
    private static final MethodHandle SEM_UNLINK =
            Downcalls.blocking(LibC.sem_unlink$address(), LibC.sem_unlink$descriptor());
    private static final MethodHandle SEM_WAIT =
            Downcalls.blocking(LibC.sem_wait$address(), LibC.sem_wait$descriptor());
    private static final MethodHandle SEM_TIMEDWAIT =
            Downcalls.blocking(LibC.sem_timedwait$address(), LibC.sem_timedwait$descriptor());
    private static final MethodHandle SEM_TRYWAIT =
            Downcalls.nonBlocking(LibC.sem_trywait$address(), LibC.sem_trywait$descriptor());
    private static final MethodHandle SEM_POST =
            Downcalls.nonBlocking(LibC.sem_post$address(), LibC.sem_post$descriptor());
    // the uncontended fast paths: critical and without errno capture, which a success does not need
    private static final MethodHandle SEM_TRYWAIT_QUICK =
            Downcalls.plain(LibC.sem_trywait$address(), LibC.sem_trywait$descriptor(), true);
    private static final MethodHandle SEM_POST_QUICK =
            Downcalls.plain(LibC.sem_post$address(), LibC.sem_post$descriptor(), true);
    private static final MethodHandle SEM_GETVALUE =
            Downcalls.nonBlocking(LibC.sem_getvalue$address(), LibC.sem_getvalue$descriptor());
    private static final MethodHandle SEM_INIT =
            Downcalls.nonBlocking(LibC.sem_init$address(), LibC.sem_init$descriptor());
    private static final MethodHandle SEM_DESTROY =
            Downcalls.nonBlocking(LibC.sem_destroy$address(), LibC.sem_destroy$descriptor());

    private static final MethodHandle SEMGET =
            Downcalls.blocking(LibC.semget$address(), LibC.semget$descriptor());
    private static final MethodHandle SEMOP = Downcalls.blocking(LibC.semop$address(), LibC.semop$descriptor());
    private static final MethodHandle SEMTIMEDOP =
            Downcalls.blocking(LibC.semtimedop$address(), LibC.semtimedop$descriptor());
    private static final MethodHandle SEMCTL = Downcalls.variadic(LibC.semctl.address(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), 3);
    private static final MethodHandle SEMCTL_INT = Downcalls.variadic(LibC.semctl.address(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), 3);
    private static final MethodHandle SEMCTL_POINTER = Downcalls.variadic(LibC.semctl.address(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), 3);

    private static final MethodHandle FUTEX = Downcalls.variadic(LibC.syscall.address(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS), 1);
    private static final MethodHandle FUTEX_CRITICAL = Downcalls.variadicNonBlocking(LibC.syscall.address(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS), 1);
    private static final long SYS_FUTEX = LibC.SYS_futex();

    private static final MethodHandle EVENTFD =
            Downcalls.nonBlocking(LibC.eventfd$address(), LibC.eventfd$descriptor());

    private static final MethodHandle MUTEXATTR_INIT = Downcalls.plain(
            LibC.pthread_mutexattr_init$address(), LibC.pthread_mutexattr_init$descriptor(), true);
    private static final MethodHandle MUTEXATTR_DESTROY = Downcalls.plain(
            LibC.pthread_mutexattr_destroy$address(), LibC.pthread_mutexattr_destroy$descriptor(), true);
    private static final MethodHandle MUTEXATTR_SETPSHARED = Downcalls.plain(
            LibC.pthread_mutexattr_setpshared$address(), LibC.pthread_mutexattr_setpshared$descriptor(), true);
    private static final MethodHandle MUTEXATTR_SETROBUST = Downcalls.plain(
            LibC.pthread_mutexattr_setrobust$address(), LibC.pthread_mutexattr_setrobust$descriptor(), true);
    private static final MethodHandle MUTEX_INIT = Downcalls.plain(
            LibC.pthread_mutex_init$address(), LibC.pthread_mutex_init$descriptor(), true);
    private static final MethodHandle MUTEX_DESTROY = Downcalls.plain(
            LibC.pthread_mutex_destroy$address(), LibC.pthread_mutex_destroy$descriptor(), true);
    private static final MethodHandle MUTEX_TIMEDLOCK = Downcalls.plain(
            LibC.pthread_mutex_timedlock$address(), LibC.pthread_mutex_timedlock$descriptor(), false);
    // with a deadline before the epoch it never sleeps: glibc answers ETIMEDOUT for a held
    // mutex without the futex call it makes for a later deadline (the kernel refuses negative times)
    private static final MethodHandle MUTEX_TIMEDLOCK_NOW = Downcalls.plain(
            LibC.pthread_mutex_timedlock$address(), LibC.pthread_mutex_timedlock$descriptor(), true);
    private static final MemorySegment BEFORE_EPOCH = beforeEpoch();
    private static final MethodHandle MUTEX_UNLOCK = Downcalls.plain(
            LibC.pthread_mutex_unlock$address(), LibC.pthread_mutex_unlock$descriptor(), true);
    private static final MethodHandle MUTEX_CONSISTENT = Downcalls.plain(
            LibC.pthread_mutex_consistent$address(), LibC.pthread_mutex_consistent$descriptor(), true);

    private static final MethodHandle CONDATTR_INIT = Downcalls.plain(
            LibC.pthread_condattr_init$address(), LibC.pthread_condattr_init$descriptor(), true);
    private static final MethodHandle CONDATTR_DESTROY = Downcalls.plain(
            LibC.pthread_condattr_destroy$address(), LibC.pthread_condattr_destroy$descriptor(), true);
    private static final MethodHandle CONDATTR_SETPSHARED = Downcalls.plain(
            LibC.pthread_condattr_setpshared$address(), LibC.pthread_condattr_setpshared$descriptor(), true);
    private static final MethodHandle CONDATTR_SETCLOCK = Downcalls.plain(
            LibC.pthread_condattr_setclock$address(), LibC.pthread_condattr_setclock$descriptor(), true);
    private static final MethodHandle COND_INIT = Downcalls.plain(
            LibC.pthread_cond_init$address(), LibC.pthread_cond_init$descriptor(), true);
    private static final MethodHandle COND_DESTROY = Downcalls.plain(
            LibC.pthread_cond_destroy$address(), LibC.pthread_cond_destroy$descriptor(), true);
    private static final MethodHandle COND_TIMEDWAIT = Downcalls.plain(
            LibC.pthread_cond_timedwait$address(), LibC.pthread_cond_timedwait$descriptor(), false);
    private static final MethodHandle COND_SIGNAL = Downcalls.plain(
            LibC.pthread_cond_signal$address(), LibC.pthread_cond_signal$descriptor(), true);
    private static final MethodHandle COND_BROADCAST = Downcalls.plain(
            LibC.pthread_cond_broadcast$address(), LibC.pthread_cond_broadcast$descriptor(), true);

    // ---- POSIX named and unnamed semaphores ----

    /**
     * {@code sem_open(name, flags, mode, value)}.
     *
     * @param name a NUL-terminated name
     * @param flags {@code O_CREAT}, {@code O_EXCL}
     * @param mode permission bits when creating
     * @param value the initial value when creating
     * @return the semaphore's address, or {@code -errno} (an address is never negative)
     */
    public static long semOpen(MemorySegment name, int flags, int mode, int value) {
        MemorySegment st = CallState.get();
        try {
            MemorySegment r = (MemorySegment) SEM_OPEN.invokeExact(st, name, flags, mode, value);
            return r.address() != 0 ? r.address() : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code sem_close(sem)}.
     *
     * @param sem a semaphore {@code sem_open} returned
     * @return 0, or {@code -errno}
     */
    public static int semClose(MemorySegment sem) {
        return check(SEM_CLOSE, sem);
    }

    /**
     * {@code sem_unlink(name)}.
     *
     * @param name a NUL-terminated name
     * @return 0, or {@code -errno}
     */
    public static int semUnlink(MemorySegment name) {
        return check(SEM_UNLINK, name);
    }

    /**
     * {@code sem_wait(sem)}; returns {@code -EINTR} when a signal interrupts it.
     *
     * @param sem the semaphore
     * @return 0, or {@code -errno}
     */
    public static int semWait(MemorySegment sem) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) SEM_WAIT.invokeExact(st, sem);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code sem_timedwait(sem, abstime)}.
     *
     * @param sem the semaphore
     * @param absoluteRealtime the deadline on {@code CLOCK_REALTIME}
     * @return 0, or {@code -errno} ({@code -ETIMEDOUT}, {@code -EINTR})
     */
    public static int semTimedwait(MemorySegment sem, MemorySegment absoluteRealtime) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) SEM_TIMEDWAIT.invokeExact(st, sem, absoluteRealtime);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code sem_trywait(sem)}.
     *
     * @param sem the semaphore
     * @return 0, or {@code -errno} ({@code -EAGAIN} when the value is 0)
     */
    public static int semTrywait(MemorySegment sem) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) SEM_TRYWAIT.invokeExact(st, sem);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code sem_trywait(sem)} for the uncontended fast path: a critical call that does not
     * capture errno. Ask {@link #semTrywait} why, when it fails.
     *
     * @param sem the semaphore
     * @return 0 if decremented, -1 if not
     */
    public static int semTrywaitQuick(MemorySegment sem) {
        return plain(SEM_TRYWAIT_QUICK, sem);
    }

    /**
     * {@code sem_post(sem)} for the uncontended fast path: a critical call that does not
     * capture errno. A failed post changed nothing: {@link #semPost} tells why.
     *
     * @param sem the semaphore
     * @return 0, or -1
     */
    public static int semPostQuick(MemorySegment sem) {
        return plain(SEM_POST_QUICK, sem);
    }

    /**
     * {@code sem_post(sem)}.
     *
     * @param sem the semaphore
     * @return 0, or {@code -errno} ({@code -EOVERFLOW} at {@code SEM_VALUE_MAX})
     */
    public static int semPost(MemorySegment sem) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) SEM_POST.invokeExact(st, sem);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code sem_getvalue(sem, &value)}.
     *
     * @param sem the semaphore
     * @return the value (not negative), or {@code -errno}
     */
    public static int semGetvalue(MemorySegment sem) {
        MemorySegment st = CallState.get();
        MemorySegment out = Waiter.current().scratch(JAVA_INT.byteSize());
        try {
            int r = (int) SEM_GETVALUE.invokeExact(st, sem, out);
            return r == 0 ? Math.max(0, out.get(JAVA_INT, 0)) : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code sem_init(sem, pshared, value)}.
     *
     * @param sem memory for a {@code sem_t}
     * @param pshared non-zero for a semaphore shared between processes
     * @param value the initial value
     * @return 0, or {@code -errno}
     */
    public static int semInit(MemorySegment sem, int pshared, int value) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) SEM_INIT.invokeExact(st, sem, pshared, value);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code sem_destroy(sem)}.
     *
     * @param sem the semaphore
     * @return 0, or {@code -errno}
     */
    public static int semDestroy(MemorySegment sem) {
        return check(SEM_DESTROY, sem);
    }

    // Not for hot paths: the handle is constant only where the compiler inlines this method into
    // its caller; elsewhere the downcall is not inlined and its errno-capture slice is allocated
    // on every call (a hot call invokes its own static final handle, as sem_post does above).
    private static int check(MethodHandle handle, MemorySegment arg) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) handle.invokeExact(st, arg);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    // ---- System V semaphore sets ----

    /**
     * {@code semget(key, nsems, flags)}.
     *
     * @param key the key, 0 for {@code IPC_PRIVATE}
     * @param nsems the number of semaphores
     * @param flags {@code IPC_CREAT}, {@code IPC_EXCL} and permission bits
     * @return the set's id, or {@code -errno}
     */
    public static int semget(int key, int nsems, int flags) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) SEMGET.invokeExact(st, key, nsems, flags);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code semop(id, ops, n)}; returns {@code -EINTR} when a signal interrupts it.
     *
     * @param id the set
     * @param ops {@code n} {@code struct sembuf}
     * @param n how many operations
     * @return 0, or {@code -errno}
     */
    public static int semop(int id, MemorySegment ops, long n) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) SEMOP.invokeExact(st, id, ops, n);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code semtimedop(id, ops, n, timeout)}.
     *
     * @param id the set
     * @param ops {@code n} {@code struct sembuf}
     * @param n how many operations
     * @param relative the relative timeout
     * @return 0, or {@code -errno} ({@code -EAGAIN} on timeout)
     */
    public static int semtimedop(int id, MemorySegment ops, long n, MemorySegment relative) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) SEMTIMEDOP.invokeExact(st, id, ops, n, relative);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code semctl(id, num, cmd)} for commands without an argument (GETVAL, GETPID,
     * GETNCNT, GETZCNT, IPC_RMID).
     *
     * @param id the set
     * @param num the semaphore's index
     * @param cmd the command
     * @return the result (not negative), or {@code -errno}
     */
    public static int semctl(int id, int num, int cmd) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) SEMCTL.invokeExact(st, id, num, cmd);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code semctl(id, num, cmd, val)} for SETVAL.
     *
     * @param id the set
     * @param num the semaphore's index
     * @param cmd the command
     * @param value the {@code val} member of {@code union semun}
     * @return the result (not negative), or {@code -errno}
     */
    public static int semctl(int id, int num, int cmd, int value) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) SEMCTL_INT.invokeExact(st, id, num, cmd, value);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code semctl(id, num, cmd, pointer)} for GETALL, SETALL, IPC_STAT and IPC_SET.
     *
     * @param id the set
     * @param num the semaphore's index
     * @param cmd the command
     * @param pointer the {@code array} or {@code buf} member of {@code union semun}
     * @return the result (not negative), or {@code -errno}
     */
    public static int semctl(int id, int num, int cmd, MemorySegment pointer) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) SEMCTL_POINTER.invokeExact(st, id, num, cmd, pointer);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    // ---- futex ----

    /**
     * {@code futex(word, op, value, timeout, NULL, 0)} through {@code syscall}, for
     * {@code FUTEX_WAIT} (relative timeout on {@code CLOCK_MONOTONIC}, or NULL).
     *
     * @param word the 32-bit word
     * @param op the operation
     * @param value the expected value
     * @param timeout a relative {@code struct timespec}, or {@link MemorySegment#NULL}
     * @return the result, or {@code -errno}
     */
    public static long futexWait(MemorySegment word, int op, int value, MemorySegment timeout) {
        MemorySegment st = CallState.get();
        try {
            long r = (long) FUTEX.invokeExact(st, SYS_FUTEX, word, (long) op, (long) value, timeout);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code futex(word, FUTEX_WAKE, count)}: never blocks.
     *
     * @param word the 32-bit word
     * @param op the wake operation
     * @param count at most this many waiters
     * @return how many were woken, or {@code -errno}
     */
    public static long futexWake(MemorySegment word, int op, int count) {
        MemorySegment st = CallState.get();
        try {
            long r = (long) FUTEX_CRITICAL.invokeExact(st, SYS_FUTEX, word, (long) op, (long) count,
                    MemorySegment.NULL);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    // ---- eventfd ----

    /**
     * {@code eventfd(initval, flags)}.
     *
     * @param initialValue the counter's first value
     * @param flags {@code EFD_CLOEXEC}, {@code EFD_NONBLOCK}, {@code EFD_SEMAPHORE}
     * @return the descriptor, or {@code -errno}
     */
    public static int eventfd(int initialValue, int flags) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) EVENTFD.invokeExact(st, initialValue, flags);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    // ---- pthread mutex and condition (return the error number, 0 on success) ----

    /**
     * Initialises a process-shared robust mutex in place.
     *
     * @param mutex memory for a {@code pthread_mutex_t}
     * @return 0, or the error number
     */
    public static int mutexInitSharedRobust(MemorySegment mutex) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(org.panamaipc.bindings.pthread_mutexattr_t.layout());
            int r = (int) MUTEXATTR_INIT.invokeExact(attr);
            if (r != 0) {
                return r;
            }
            try {
                r = (int) MUTEXATTR_SETPSHARED.invokeExact(attr, LibC.PTHREAD_PROCESS_SHARED());
                if (r == 0) {
                    r = (int) MUTEXATTR_SETROBUST.invokeExact(attr, LibC.PTHREAD_MUTEX_ROBUST());
                }
                if (r == 0) {
                    r = (int) MUTEX_INIT.invokeExact(mutex, attr);
                }
                return r;
            } finally {
                int ignored = (int) MUTEXATTR_DESTROY.invokeExact(attr);
            }
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code pthread_mutex_timedlock}.
     *
     * @param mutex the mutex
     * @param absoluteRealtime the deadline on {@code CLOCK_REALTIME}
     * @return 0, or the error number ({@code ETIMEDOUT}, {@code EOWNERDEAD}, ...)
     */
    public static int mutexTimedlock(MemorySegment mutex, MemorySegment absoluteRealtime) {
        try {
            return (int) MUTEX_TIMEDLOCK.invokeExact(mutex, absoluteRealtime);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code pthread_mutex_timedlock} with a deadline already passed (one second before the
     * epoch), linked critical: one attempt that never sleeps and, on glibc, makes no system call
     * unless the mutex is free of an owner that died.
     *
     * @param mutex the mutex
     * @return 0, or the error number ({@code ETIMEDOUT} if it is held, {@code EOWNERDEAD}, ...)
     */
    public static int mutexTimedlockNow(MemorySegment mutex) {
        try {
            return (int) MUTEX_TIMEDLOCK_NOW.invokeExact(mutex, BEFORE_EPOCH);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code pthread_mutex_unlock}.
     *
     * @param mutex the mutex
     * @return 0, or the error number ({@code EPERM} when not the owner)
     */
    public static int mutexUnlock(MemorySegment mutex) {
        return plain(MUTEX_UNLOCK, mutex);
    }

    /**
     * {@code pthread_mutex_consistent}.
     *
     * @param mutex the mutex
     * @return 0, or the error number
     */
    public static int mutexConsistent(MemorySegment mutex) {
        return plain(MUTEX_CONSISTENT, mutex);
    }

    /**
     * {@code pthread_mutex_destroy}.
     *
     * @param mutex the mutex
     * @return 0, or the error number
     */
    public static int mutexDestroy(MemorySegment mutex) {
        return plain(MUTEX_DESTROY, mutex);
    }

    /**
     * Initialises a process-shared condition variable on {@code CLOCK_MONOTONIC} in place.
     *
     * @param cond memory for a {@code pthread_cond_t}
     * @return 0, or the error number
     */
    public static int condInitShared(MemorySegment cond) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(org.panamaipc.bindings.pthread_condattr_t.layout());
            int r = (int) CONDATTR_INIT.invokeExact(attr);
            if (r != 0) {
                return r;
            }
            try {
                r = (int) CONDATTR_SETPSHARED.invokeExact(attr, LibC.PTHREAD_PROCESS_SHARED());
                if (r == 0) {
                    r = (int) CONDATTR_SETCLOCK.invokeExact(attr, LibC.CLOCK_MONOTONIC());
                }
                if (r == 0) {
                    r = (int) COND_INIT.invokeExact(cond, attr);
                }
                return r;
            } finally {
                int ignored = (int) CONDATTR_DESTROY.invokeExact(attr);
            }
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code pthread_cond_timedwait} on a condition made by {@link #condInitShared}.
     *
     * @param cond the condition
     * @param mutex the mutex the caller holds
     * @param absoluteMonotonic the deadline on {@code CLOCK_MONOTONIC}
     * @return 0, or the error number ({@code ETIMEDOUT}, {@code EOWNERDEAD}, ...)
     */
    public static int condTimedwait(MemorySegment cond, MemorySegment mutex, MemorySegment absoluteMonotonic) {
        try {
            return (int) COND_TIMEDWAIT.invokeExact(cond, mutex, absoluteMonotonic);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code pthread_cond_signal}.
     *
     * @param cond the condition
     * @return 0, or the error number
     */
    public static int condSignal(MemorySegment cond) {
        return plain(COND_SIGNAL, cond);
    }

    /**
     * {@code pthread_cond_broadcast}.
     *
     * @param cond the condition
     * @return 0, or the error number
     */
    public static int condBroadcast(MemorySegment cond) {
        return plain(COND_BROADCAST, cond);
    }

    /**
     * {@code pthread_cond_destroy}.
     *
     * @param cond the condition
     * @return 0, or the error number
     */
    public static int condDestroy(MemorySegment cond) {
        return plain(COND_DESTROY, cond);
    }

    // ---- the blocking calls, in the shape Blocker#call runs them (BlockingCall) ----

    private static final int EAGAIN = LibC.EAGAIN();
    private static final int ETIMEDOUT = LibC.ETIMEDOUT();
    private static final int FUTEX_WAIT = LibC.FUTEX_WAIT();

    /**
     * {@code sem_wait(sem)}, or {@code sem_timedwait(sem, timeout)} with a limit: a
     * {@link BlockingCall} for {@link Blocker.Timing#ABSOLUTE_REALTIME}.
     *
     * @param unused the handle
     * @param sem the semaphore
     * @param unusedB not used
     * @param x not used
     * @param y not used
     * @param z not used
     * @param timeout an absolute {@code CLOCK_REALTIME} time, or {@code NULL} for no limit
     * @return 0, or {@code -errno}
     */
    public static long semWaitCall(int unused, MemorySegment sem, MemorySegment unusedB, long x, long y, long z,
            MemorySegment timeout) {
        return timeout.address() == 0 ? semWait(sem) : semTimedwait(sem, timeout);
    }

    /**
     * {@code semop(id, ops, n)}, or {@code semtimedop(id, ops, n, timeout)} with a limit: a
     * {@link BlockingCall} for {@link Blocker.Timing#RELATIVE}. {@code semtimedop} reports its
     * timeout as EAGAIN, which is returned as {@code -ETIMEDOUT} (an operation with
     * {@code IPC_NOWAIT} that would block reports EAGAIN too: both mean "not applied").
     *
     * @param id the set
     * @param ops the {@code struct sembuf} list
     * @param unused not used
     * @param n how many operations
     * @param y not used
     * @param z not used
     * @param timeout a relative {@code struct timespec}, or {@code NULL} for no limit
     * @return 0, or {@code -errno}
     */
    public static long semopCall(int id, MemorySegment ops, MemorySegment unused, long n, long y, long z,
            MemorySegment timeout) {
        if (timeout.address() == 0) {
            return semop(id, ops, n);
        }
        int r = semtimedop(id, ops, n, timeout);
        return r == -EAGAIN ? -ETIMEDOUT : r;
    }

    /**
     * {@code futex(word, FUTEX_WAIT, expected, timeout)}: a {@link BlockingCall} for
     * {@link Blocker.Timing#RELATIVE}.
     *
     * @param unused the handle
     * @param word the 32-bit word
     * @param unusedB not used
     * @param expected the value the word must hold for the thread to sleep
     * @param y not used
     * @param z not used
     * @param timeout a relative {@code struct timespec}, or {@code NULL} for no limit
     * @return 0, or {@code -errno} ({@code -EAGAIN} if the word held another value)
     */
    public static long futexWaitCall(int unused, MemorySegment word, MemorySegment unusedB, long expected, long y,
            long z, MemorySegment timeout) {
        return futexWait(word, FUTEX_WAIT, (int) expected, timeout);
    }

    /**
     * {@code pthread_mutex_timedlock(mutex, timeout)}: a {@link BlockingCall} for
     * {@link Blocker.Timing#SLICED_ABSOLUTE_REALTIME}.
     *
     * @param unused the handle
     * @param mutex the mutex
     * @param unusedB not used
     * @param x not used
     * @param y not used
     * @param z not used
     * @param timeout an absolute {@code CLOCK_REALTIME} time
     * @return 0, or minus the error number ({@code -ETIMEDOUT}, {@code -EOWNERDEAD}, ...)
     */
    public static long mutexLockCall(int unused, MemorySegment mutex, MemorySegment unusedB, long x, long y, long z,
            MemorySegment timeout) {
        return -mutexTimedlock(mutex, timeout);
    }

    /**
     * {@code pthread_cond_timedwait(cond, mutex, timeout)} on a condition made by
     * {@link #condInitShared}: a {@link BlockingCall} for
     * {@link Blocker.Timing#SLICED_ABSOLUTE_MONOTONIC}. The condition keeps time on
     * {@code CLOCK_MONOTONIC}, so that a step of the wall clock does not stretch a wait.
     *
     * @param unused the handle
     * @param cond the condition
     * @param mutex the mutex the caller holds
     * @param x not used
     * @param y not used
     * @param z not used
     * @param timeout an absolute {@code CLOCK_MONOTONIC} time
     * @return 0, or minus the error number ({@code -ETIMEDOUT}, {@code -EOWNERDEAD}, ...)
     */
    public static long condWaitCall(int unused, MemorySegment cond, MemorySegment mutex, long x, long y, long z,
            MemorySegment timeout) {
        return -condTimedwait(cond, mutex, timeout);
    }

    private static MemorySegment beforeEpoch() {
        MemorySegment t = Arena.global().allocate(org.panamaipc.bindings.timespec.layout());
        org.panamaipc.bindings.timespec.tv_sec(t, -1);
        return t;
    }

    private static int plain(MethodHandle handle, MemorySegment arg) {
        try {
            return (int) handle.invokeExact(arg);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }
}
