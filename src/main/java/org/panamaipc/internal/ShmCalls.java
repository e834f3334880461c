package org.panamaipc.internal;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.panamaipc.bindings.LibC;

/**
 * The calls of shared and mapped memory: POSIX shared memory, memfd, mmap and its
 * companions, System V shared memory.
 *
 * <p>Like {@link Sys}, each method makes one call and returns its result or {@code -errno}.
 * Addresses travel as {@code long} so that a failed call allocates nothing; a successful
 * {@code mmap} or {@code shmat} never returns an address in {@code [-4095, -1]}.
 */
public final class ShmCalls {
    static {
        NativeAccess.require(); // first: without native access, a clear error instead of a failed initialization
    }

    private ShmCalls() {
    }

    private static final MethodHandle SHM_OPEN =
            Downcalls.blocking(LibC.shm_open$address(), LibC.shm_open$descriptor());
    private static final MethodHandle SHM_UNLINK =
            Downcalls.blocking(LibC.shm_unlink$address(), LibC.shm_unlink$descriptor());
    private static final MethodHandle MEMFD_CREATE =
            Downcalls.blocking(LibC.memfd_create$address(), LibC.memfd_create$descriptor());
    private static final MethodHandle MMAP = Downcalls.blocking(LibC.mmap$address(), LibC.mmap$descriptor());
    private static final MethodHandle MUNMAP =
            Downcalls.blocking(LibC.munmap$address(), LibC.munmap$descriptor());
    private static final MethodHandle MSYNC = Downcalls.blocking(LibC.msync$address(), LibC.msync$descriptor());
    private static final MethodHandle MADVISE =
            Downcalls.blocking(LibC.madvise$address(), LibC.madvise$descriptor());
    private static final MethodHandle MLOCK = Downcalls.blocking(LibC.mlock$address(), LibC.mlock$descriptor());
    private static final MethodHandle MUNLOCK =
            Downcalls.blocking(LibC.munlock$address(), LibC.munlock$descriptor());
    private static final MethodHandle FCHMOD =
            Downcalls.blocking(LibC.fchmod$address(), LibC.fchmod$descriptor());
    private static final MethodHandle SHMGET =
            Downcalls.blocking(LibC.shmget$address(), LibC.shmget$descriptor());
    private static final MethodHandle SHMAT = Downcalls.blocking(LibC.shmat$address(), LibC.shmat$descriptor());
    private static final MethodHandle SHMDT = Downcalls.blocking(LibC.shmdt$address(), LibC.shmdt$descriptor());
    private static final MethodHandle SHMCTL =
            Downcalls.blocking(LibC.shmctl$address(), LibC.shmctl$descriptor());

    /** The size of a page, which mapping offsets and {@code msync} addresses are multiples of. */
    public static final long PAGE_SIZE = pageSize();

    private static long pageSize() {
        try {
            MethodHandle sysconf = Downcalls.plain(LibC.sysconf$address(), LibC.sysconf$descriptor(), true);
            long size = (long) sysconf.invokeExact(LibC._SC_PAGESIZE());
            return size > 0 ? size : 4096;
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * Rounds down to a page boundary.
     *
     * @param value an address or offset
     * @return the largest multiple of the page size not above {@code value}
     */
    public static long pageFloor(long value) {
        return value & -PAGE_SIZE;
    }

    /**
     * {@code shm_open(name, flags, mode)}.
     *
     * @param name a NUL-terminated name
     * @param flags {@code O_*} flags
     * @param mode permission bits when creating
     * @return the descriptor, or {@code -errno}
     */
    public static int shmOpen(MemorySegment name, int flags, int mode) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) SHM_OPEN.invokeExact(st, name, flags, mode);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code shm_unlink(name)}.
     *
     * @param name a NUL-terminated name
     * @return 0, or {@code -errno}
     */
    public static int shmUnlink(MemorySegment name) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) SHM_UNLINK.invokeExact(st, name);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code memfd_create(name, flags)}.
     *
     * @param name a NUL-terminated name, shown in {@code /proc/PID/fd}
     * @param flags {@code MFD_*} flags
     * @return the descriptor, or {@code -errno}
     */
    public static int memfdCreate(MemorySegment name, int flags) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) MEMFD_CREATE.invokeExact(st, name, flags);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code mmap(NULL, length, prot, flags, fd, offset)}.
     *
     * @param length bytes to map
     * @param prot {@code PROT_*}
     * @param flags {@code MAP_*}
     * @param fd the descriptor, or -1 for an anonymous mapping
     * @param offset a multiple of the page size
     * @return the address of the mapping, or {@code -errno}
     */
    public static long mmap(long length, int prot, int flags, int fd, long offset) {
        MemorySegment st = CallState.get();
        try {
            MemorySegment r = (MemorySegment) MMAP.invokeExact(st, MemorySegment.NULL, length, prot, flags, fd,
                    offset);
            long address = r.address();
            return address != -1L ? address : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code munmap(address, length)}.
     *
     * @param address the start of a mapping
     * @param length its length
     * @return 0, or {@code -errno}
     */
    public static int munmap(long address, long length) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) MUNMAP.invokeExact(st, MemorySegment.ofAddress(address), length);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code msync(address, length, flags)}.
     *
     * @param address a segment starting at a page-aligned address inside a mapping (kept alive
     *        during the call)
     * @param length bytes
     * @param flags {@code MS_SYNC}, {@code MS_ASYNC}, {@code MS_INVALIDATE}
     * @return 0, or {@code -errno}
     */
    public static int msync(MemorySegment address, long length, int flags) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) MSYNC.invokeExact(st, address, length, flags);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code madvise(address, length, advice)}.
     *
     * @param address a segment starting at a page-aligned address (kept alive during the call)
     * @param length bytes
     * @param advice {@code MADV_*}
     * @return 0, or {@code -errno}
     */
    public static int madvise(MemorySegment address, long length, int advice) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) MADVISE.invokeExact(st, address, length, advice);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code mlock(address, length)} or {@code munlock(address, length)}.
     *
     * @param lock {@code true} for mlock, {@code false} for munlock
     * @param address a segment at the start of the range (kept alive during the call)
     * @param length bytes
     * @return 0, or {@code -errno}
     */
    public static int mlock(boolean lock, MemorySegment address, long length) {
        MemorySegment st = CallState.get();
        try {
            int r = lock
                    ? (int) MLOCK.invokeExact(st, address, length)
                    : (int) MUNLOCK.invokeExact(st, address, length);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code fchmod(fd, mode)}.
     *
     * @param fd the descriptor
     * @param mode permission bits
     * @return 0, or {@code -errno}
     */
    public static int fchmod(int fd, int mode) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) FCHMOD.invokeExact(st, fd, mode);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code shmget(key, size, flags)}.
     *
     * @param key the key, or {@code IPC_PRIVATE}
     * @param size bytes
     * @param flags {@code IPC_CREAT}, {@code IPC_EXCL}, {@code SHM_HUGETLB}, ... and the mode
     * @return the segment's id, or {@code -errno}
     */
    public static int shmget(int key, long size, int flags) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) SHMGET.invokeExact(st, key, size, flags);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code shmat(id, NULL, flags)}.
     *
     * @param id the segment's id
     * @param flags {@code SHM_RDONLY} or 0
     * @return the address of the attachment, or {@code -errno}
     */
    public static long shmat(int id, int flags) {
        MemorySegment st = CallState.get();
        try {
            MemorySegment r = (MemorySegment) SHMAT.invokeExact(st, id, MemorySegment.NULL, flags);
            long address = r.address();
            return address != -1L ? address : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code shmdt(address)}.
     *
     * @param address the address {@code shmat} returned
     * @return 0, or {@code -errno}
     */
    public static int shmdt(long address) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) SHMDT.invokeExact(st, MemorySegment.ofAddress(address));
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code shmctl(id, cmd, buf)}.
     *
     * @param id the segment's id
     * @param cmd {@code IPC_STAT}, {@code IPC_SET}, {@code IPC_RMID}
     * @param buf a {@code struct shmid_ds}, or {@code NULL} for IPC_RMID
     * @return the command's result, or {@code -errno}
     */
    public static int shmctl(int id, int cmd, MemorySegment buf) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) SHMCTL.invokeExact(st, id, cmd, buf);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

}
