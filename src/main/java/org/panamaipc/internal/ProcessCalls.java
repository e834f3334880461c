package org.panamaipc.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.iovec;
import org.panamaipc.bindings.siginfo_t;

/**
 * The calls that start, watch and reap processes: the {@code posix_spawn} family,
 * {@code pidfd_open} and {@code waitid}.
 *
 * <p>The {@code posix_spawn*} functions return an error number instead of setting errno;
 * their wrappers here return it negated, like every other call of this layer: 0, or
 * {@code -errno}.
 */
public final class ProcessCalls {
    static {
        NativeAccess.require(); // first: without native access, a clear error instead of a failed initialization
    }

    private static final MethodHandle SPAWN = Downcalls.plain(LibC.posix_spawn$address(), LibC.posix_spawn$descriptor(), false);
    private static final MethodHandle SPAWNP = Downcalls.plain(LibC.posix_spawnp$address(), LibC.posix_spawnp$descriptor(), false);
    private static final MethodHandle FA_INIT = Downcalls.plain(LibC.posix_spawn_file_actions_init$address(),
            LibC.posix_spawn_file_actions_init$descriptor(), true);
    private static final MethodHandle FA_DESTROY = Downcalls.plain(LibC.posix_spawn_file_actions_destroy$address(),
            LibC.posix_spawn_file_actions_destroy$descriptor(), true);
    private static final MethodHandle FA_DUP2 = Downcalls.plain(LibC.posix_spawn_file_actions_adddup2$address(),
            LibC.posix_spawn_file_actions_adddup2$descriptor(), true);
    private static final MethodHandle FA_CLOSE = Downcalls.plain(LibC.posix_spawn_file_actions_addclose$address(),
            LibC.posix_spawn_file_actions_addclose$descriptor(), true);
    private static final MethodHandle FA_OPEN = Downcalls.plain(LibC.posix_spawn_file_actions_addopen$address(),
            LibC.posix_spawn_file_actions_addopen$descriptor(), true);
    private static final MethodHandle FA_CHDIR = Downcalls.plain(LibC.posix_spawn_file_actions_addchdir_np$address(),
            LibC.posix_spawn_file_actions_addchdir_np$descriptor(), true);
    private static final MethodHandle FA_CLOSEFROM = Downcalls.plain(
            LibC.posix_spawn_file_actions_addclosefrom_np$address(),
            LibC.posix_spawn_file_actions_addclosefrom_np$descriptor(), true);
    private static final MethodHandle ATTR_INIT = Downcalls.plain(LibC.posix_spawnattr_init$address(),
            LibC.posix_spawnattr_init$descriptor(), true);
    private static final MethodHandle ATTR_DESTROY = Downcalls.plain(LibC.posix_spawnattr_destroy$address(),
            LibC.posix_spawnattr_destroy$descriptor(), true);
    private static final MethodHandle ATTR_FLAGS = Downcalls.plain(LibC.posix_spawnattr_setflags$address(),
            LibC.posix_spawnattr_setflags$descriptor(), true);
    private static final MethodHandle ATTR_SIGMASK = Downcalls.plain(LibC.posix_spawnattr_setsigmask$address(),
            LibC.posix_spawnattr_setsigmask$descriptor(), true);
    private static final MethodHandle ATTR_SIGDEFAULT = Downcalls.plain(LibC.posix_spawnattr_setsigdefault$address(),
            LibC.posix_spawnattr_setsigdefault$descriptor(), true);
    private static final MethodHandle ATTR_PGROUP = Downcalls.plain(LibC.posix_spawnattr_setpgroup$address(),
            LibC.posix_spawnattr_setpgroup$descriptor(), true);
    private static final MethodHandle PIDFD_OPEN =
            Downcalls.nonBlocking(LibC.pidfd_open$address(), LibC.pidfd_open$descriptor());
    /**
     * {@code process_vm_readv}/{@code writev} with the remote iovec array passed as its
     * address, a {@code long} (the same register on LP64 x86-64 and aarch64): the arrays of
     * both sides share one scratch block, and a slice of it for the second would be a new
     * object on every call wherever the compiler does not remove it.
     */
    private static final FunctionDescriptor VM =
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    private static final long IOVEC = iovec.layout().byteSize();
    private static final MethodHandle VM_READV = Downcalls.blocking(LibC.process_vm_readv$address(), VM);
    private static final MethodHandle VM_WRITEV = Downcalls.blocking(LibC.process_vm_writev$address(), VM);
    private static final MethodHandle KILL = Downcalls.nonBlocking(LibC.kill$address(), LibC.kill$descriptor());
    private static final MethodHandle WAITID = Downcalls.blocking(LibC.waitid$address(), LibC.waitid$descriptor());

    private ProcessCalls() {
    }

    private static int negate(int error) {
        return error == 0 ? 0 : -error;
    }

    /**
     * {@code posix_spawn} or, for a program name without a slash, {@code posix_spawnp}.
     *
     * @param pid an int receiving the child's pid
     * @param path the program, NUL-terminated
     * @param searchPath whether to search {@code PATH} ({@code posix_spawnp})
     * @param actions the file actions
     * @param attr the attributes
     * @param argv a NULL-terminated array of strings
     * @param envp a NULL-terminated array of strings
     * @return 0, or {@code -errno}
     */
    public static int spawn(MemorySegment pid, MemorySegment path, boolean searchPath, MemorySegment actions,
                            MemorySegment attr, MemorySegment argv, MemorySegment envp) {
        try {
            int r = searchPath
                    ? (int) SPAWNP.invokeExact(pid, path, actions, attr, argv, envp)
                    : (int) SPAWN.invokeExact(pid, path, actions, attr, argv, envp);
            return negate(r);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code posix_spawn_file_actions_init(actions)}.
     *
     * @param actions a {@code posix_spawn_file_actions_t}
     * @return 0, or {@code -errno}
     */
    public static int fileActionsInit(MemorySegment actions) {
        try {
            return negate((int) FA_INIT.invokeExact(actions));
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code posix_spawn_file_actions_destroy(actions)}.
     *
     * @param actions a {@code posix_spawn_file_actions_t}
     * @return 0, or {@code -errno}
     */
    public static int fileActionsDestroy(MemorySegment actions) {
        try {
            return negate((int) FA_DESTROY.invokeExact(actions));
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code posix_spawn_file_actions_adddup2(actions, fd, target)}.
     *
     * @param actions the actions
     * @param fd source
     * @param target number in the child
     * @return 0, or {@code -errno}
     */
    public static int addDup2(MemorySegment actions, int fd, int target) {
        try {
            return negate((int) FA_DUP2.invokeExact(actions, fd, target));
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code posix_spawn_file_actions_addclose(actions, fd)}.
     *
     * @param actions the actions
     * @param fd the number to close in the child
     * @return 0, or {@code -errno}
     */
    public static int addClose(MemorySegment actions, int fd) {
        try {
            return negate((int) FA_CLOSE.invokeExact(actions, fd));
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code posix_spawn_file_actions_addopen(actions, fd, path, flags, mode)}.
     *
     * @param actions the actions
     * @param fd the number in the child
     * @param path NUL-terminated path
     * @param flags {@code O_*}
     * @param mode permission bits for {@code O_CREAT}
     * @return 0, or {@code -errno}
     */
    public static int addOpen(MemorySegment actions, int fd, MemorySegment path, int flags, int mode) {
        try {
            return negate((int) FA_OPEN.invokeExact(actions, fd, path, flags, mode));
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code posix_spawn_file_actions_addchdir_np(actions, path)}.
     *
     * @param actions the actions
     * @param path NUL-terminated directory
     * @return 0, or {@code -errno}
     */
    public static int addChdir(MemorySegment actions, MemorySegment path) {
        try {
            return negate((int) FA_CHDIR.invokeExact(actions, path));
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code posix_spawn_file_actions_addclosefrom_np(actions, from)}.
     *
     * @param actions the actions
     * @param from the lowest number closed in the child
     * @return 0, or {@code -errno}
     */
    public static int addCloseFrom(MemorySegment actions, int from) {
        try {
            return negate((int) FA_CLOSEFROM.invokeExact(actions, from));
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code posix_spawnattr_init(attr)}.
     *
     * @param attr a {@code posix_spawnattr_t}
     * @return 0, or {@code -errno}
     */
    public static int attrInit(MemorySegment attr) {
        try {
            return negate((int) ATTR_INIT.invokeExact(attr));
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code posix_spawnattr_destroy(attr)}.
     *
     * @param attr a {@code posix_spawnattr_t}
     * @return 0, or {@code -errno}
     */
    public static int attrDestroy(MemorySegment attr) {
        try {
            return negate((int) ATTR_DESTROY.invokeExact(attr));
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code posix_spawnattr_setflags(attr, flags)}.
     *
     * @param attr the attributes
     * @param flags {@code POSIX_SPAWN_*}
     * @return 0, or {@code -errno}
     */
    public static int attrSetFlags(MemorySegment attr, short flags) {
        try {
            return negate((int) ATTR_FLAGS.invokeExact(attr, flags));
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code posix_spawnattr_setsigmask(attr, mask)}.
     *
     * @param attr the attributes
     * @param mask a {@code sigset_t}
     * @return 0, or {@code -errno}
     */
    public static int attrSetSigmask(MemorySegment attr, MemorySegment mask) {
        try {
            return negate((int) ATTR_SIGMASK.invokeExact(attr, mask));
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code posix_spawnattr_setsigdefault(attr, set)}.
     *
     * @param attr the attributes
     * @param set a {@code sigset_t}
     * @return 0, or {@code -errno}
     */
    public static int attrSetSigdefault(MemorySegment attr, MemorySegment set) {
        try {
            return negate((int) ATTR_SIGDEFAULT.invokeExact(attr, set));
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code posix_spawnattr_setpgroup(attr, pgroup)}.
     *
     * @param attr the attributes
     * @param pgroup the process group, 0 for a new one led by the child
     * @return 0, or {@code -errno}
     */
    public static int attrSetPgroup(MemorySegment attr, int pgroup) {
        try {
            return negate((int) ATTR_PGROUP.invokeExact(attr, pgroup));
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code pidfd_open(pid, 0)}: the descriptor is close-on-exec.
     *
     * @param pid the process
     * @return the pidfd, or {@code -errno}
     */
    public static int pidfdOpen(int pid) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) PIDFD_OPEN.invokeExact(st, pid, 0);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code waitid(idtype, id, info, options)}, once.
     *
     * @param idtype {@code P_PID}, {@code P_PIDFD}, ...
     * @param id the pid or pidfd
     * @param info a {@code siginfo_t}
     * @param options {@code WEXITED}, {@code WNOHANG}, ...
     * @return 0, or {@code -errno}
     */
    public static int waitid(int idtype, int id, MemorySegment info, int options) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) WAITID.invokeExact(st, idtype, id, info, options);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * Kills a child of this process that has no pidfd ({@code SIGKILL}) and reaps it
     * ({@code waitid(P_PID, WEXITED)}, retried on EINTR): for a child whose handle could not
     * be made. The child is not reaped before, so its pid still names it. Errors are ignored:
     * there is nothing more to do for such a child.
     *
     * @param pid the child
     */
    public static void killAndReap(int pid) {
        // Runs when descriptors may be exhausted, when loading a class can fail: so it uses only
        // handles of this class and memory the thread already has.
        try {
            int unused = (int) KILL.invokeExact(CallState.get(), pid, LibC.SIGKILL());
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
        MemorySegment info = Waiter.current().scratch(siginfo_t.layout().byteSize());
        int r;
        do {
            r = waitid(LibC.P_PID(), pid, info, LibC.WEXITED());
        } while (r == -LibC.EINTR());
    }

    /**
     * {@code process_vm_readv} or {@code process_vm_writev}{@code (pid, local, localCount,
     * remote, remoteCount, 0)}: copies from or into another process's memory. Not critical: a
     * copy of megabytes must not hold up the collector. Each direction invokes its own handle,
     * a constant where it is invoked.
     *
     * @param read true for {@code process_vm_readv}, false for {@code process_vm_writev}
     * @param pid the other process
     * @param iovs {@code localCount} {@code struct iovec}s in this process, then right after
     *        them {@code remoteCount} of the other process's
     * @param localCount how many local ones
     * @param remoteCount how many remote ones
     * @return the bytes copied, or {@code -errno}
     */
    public static long vm(boolean read, int pid, MemorySegment iovs, long localCount, long remoteCount) {
        MemorySegment st = CallState.get();
        long remote = iovs.address() + localCount * IOVEC;
        try {
            long r = read ? (long) VM_READV.invokeExact(st, pid, iovs, localCount, remote, remoteCount, 0L)
                    : (long) VM_WRITEV.invokeExact(st, pid, iovs, localCount, remote, remoteCount, 0L);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }
}
