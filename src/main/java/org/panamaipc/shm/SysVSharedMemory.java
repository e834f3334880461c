package org.panamaipc.shm;

import org.panamaipc.SysVKey;
import org.panamaipc.internal.Modes;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.ipc_perm;
import org.panamaipc.bindings.shmid_ds;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.ShmCalls;

/**
 * A System V shared memory segment ({@code shmget}), found by a {@link SysVKey} and
 * identified by an id; what {@code ipcs -m} lists.
 *
 * <p>This object is a handle, not a resource: the segment exists until it is
 * {@linkplain #remove() removed} (by anyone: {@code ipcrm -m ID} too) and the last
 * attachment is gone, whatever happens to Java objects. The resources are the
 * {@linkplain #attach() attachments}, which {@link Mapping#close()} detaches.
 *
 * <pre>{@code
 * SysVSharedMemory shm = SysVSharedMemory.createExclusively(SysVKey.of(path, 1), 4096);
 * try (Mapping attached = shm.attach()) {
 *     attached.segment().set(ValueLayout.JAVA_INT, 0, 7);
 * } finally {
 *     shm.remove();
 * }
 * }</pre>
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/sysvipc.7.html">sysvipc(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/shmget.2.html">shmget(2)</a>
 */
public final class SysVSharedMemory {
    /** Options for creating a segment. */
    public enum Option {
        /**
         * {@code SHM_HUGETLB}: back the segment with huge pages. Needs huge pages reserved
         * ({@code /proc/sys/vm/nr_hugepages}) and {@code CAP_IPC_LOCK} or membership of
         * {@code vm.hugetlb_shm_group}; the size must be a multiple of the huge page size.
         */
        HUGE_PAGES(LibC.SHM_HUGETLB()),
        /** {@code SHM_NORESERVE}: reserve no swap space for the segment. */
        NORESERVE(LibC.SHM_NORESERVE());

        private final int flag;

        Option(int flag) {
            this.flag = flag;
        }
    }

    private final int id;
    private final SysVKey key;

    private SysVSharedMemory(int id, SysVKey key) {
        this.id = id;
        this.key = key;
    }

    /**
     * Creates a segment for the key with mode 0600, or finds the existing one.
     *
     * @param key the key, or {@link SysVKey#PRIVATE} for a new segment no key finds
     * @param size the size in bytes, positive; an existing segment must be at least this big
     * @return the segment
     * @throws java.nio.file.AccessDeniedException if the segment exists and this process may not use it (EACCES)
     * @throws IOException if {@code shmget} fails: {@code EINVAL} for a size outside
     *         {@code SHMMIN..SHMMAX} or larger than the existing segment, {@code ENOSPC} or
     *         {@code ENOMEM} past the system limits
     * @throws IllegalArgumentException if {@code size} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man2/shmget.2.html">shmget(2)</a>
     */
    public static SysVSharedMemory create(SysVKey key, long size) throws IOException {
        return create(key, size, Modes.OWNER_READ_WRITE, EnumSet.noneOf(Option.class));
    }

    /**
     * Creates a segment for the key with the given permissions and options, or finds the
     * existing one.
     *
     * @param key the key, or {@link SysVKey#PRIVATE}
     * @param size the size in bytes, positive
     * @param permissions the permissions if created (no umask applies)
     * @param options {@link Option#HUGE_PAGES}, {@link Option#NORESERVE}
     * @return the segment
     * @throws java.nio.file.AccessDeniedException if the segment exists and this process may
     *         not use it, or huge pages were asked for without the privilege (EACCES, EPERM)
     * @throws IOException if {@code shmget} fails: {@code EINVAL} for a size the kernel
     *         refuses, {@code ENOMEM} when huge pages or memory run out
     * @throws IllegalArgumentException if {@code size} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man2/shmget.2.html">shmget(2)</a>
     */
    public static SysVSharedMemory create(SysVKey key, long size, Set<PosixFilePermission> permissions,
                                          Set<Option> options) throws IOException {
        return get(key, size, LibC.IPC_CREAT() | Modes.toMode(permissions) | flags(options));
    }

    /**
     * Creates a segment for the key with mode 0600 ({@code IPC_CREAT | IPC_EXCL}), failing if
     * one exists.
     *
     * @param key the key, or {@link SysVKey#PRIVATE}
     * @param size the size in bytes, positive
     * @return the segment
     * @throws FileAlreadyExistsException if a segment has that key (EEXIST)
     * @throws IOException if {@code shmget} fails otherwise ({@code EINVAL}, {@code ENOSPC}, {@code ENOMEM})
     * @throws IllegalArgumentException if {@code size} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man2/shmget.2.html">shmget(2)</a>
     */
    public static SysVSharedMemory createExclusively(SysVKey key, long size) throws IOException {
        return createExclusively(key, size, Modes.OWNER_READ_WRITE, EnumSet.noneOf(Option.class));
    }

    /**
     * Creates a segment for the key with the given permissions and options
     * ({@code IPC_CREAT | IPC_EXCL}), failing if one exists.
     *
     * @param key the key, or {@link SysVKey#PRIVATE}
     * @param size the size in bytes, positive
     * @param permissions the permissions (no umask applies)
     * @param options {@link Option#HUGE_PAGES}, {@link Option#NORESERVE}
     * @return the segment
     * @throws FileAlreadyExistsException if a segment has that key (EEXIST)
     * @throws java.nio.file.AccessDeniedException if huge pages were asked for without the privilege (EPERM)
     * @throws IOException if {@code shmget} fails otherwise ({@code EINVAL}, {@code ENOSPC},
     *         {@code ENOMEM} when huge pages or memory run out)
     * @throws IllegalArgumentException if {@code size} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man2/shmget.2.html">shmget(2)</a>
     */
    public static SysVSharedMemory createExclusively(SysVKey key, long size, Set<PosixFilePermission> permissions,
                                                     Set<Option> options) throws IOException {
        return get(key, size, LibC.IPC_CREAT() | LibC.IPC_EXCL() | Modes.toMode(permissions) | flags(options));
    }

    /**
     * Creates a new segment that no key finds ({@code IPC_PRIVATE}), mode 0600: share it by
     * passing its {@link #id()}.
     *
     * @param size the size in bytes, positive
     * @return the segment
     * @throws IOException if {@code shmget} fails ({@code EINVAL}, {@code ENOSPC}, {@code ENOMEM})
     * @throws IllegalArgumentException if {@code size} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man2/shmget.2.html">shmget(2)</a>
     */
    public static SysVSharedMemory createPrivate(long size) throws IOException {
        return create(SysVKey.PRIVATE, size);
    }

    /**
     * Finds the existing segment of a key.
     *
     * @param key the key
     * @return the segment
     * @throws NoSuchFileException if no segment has that key (ENOENT)
     * @throws java.nio.file.AccessDeniedException if this process may not use it (EACCES)
     * @throws IOException if {@code shmget} fails otherwise
     * @throws IllegalArgumentException if {@code key} is {@link SysVKey#PRIVATE}
     * @see <a href="https://man7.org/linux/man-pages/man2/shmget.2.html">shmget(2)</a>
     */
    public static SysVSharedMemory open(SysVKey key) throws IOException {
        Check.notNull("key", key);
        if (key.isPrivate()) {
            throw new IllegalArgumentException("key=IPC_PRIVATE finds nothing: use ofId(id)");
        }
        int id = ShmCalls.shmget(key.value(), 0, 0);
        if (id < 0) {
            throw Errors.named("shmget", "key=" + key, "key=" + key + ", size=0, 0", -id);
        }
        return new SysVSharedMemory(id, key);
    }

    /**
     * A handle for a segment known by its id (from {@link #id()} in another process, or
     * {@code ipcs -m}), checked with {@code IPC_STAT}.
     *
     * @param id the segment id
     * @return the segment
     * @throws IOException if {@code shmctl(IPC_STAT)} fails: {@code EINVAL} or {@code EIDRM}
     *         when no segment has that id
     * @throws java.nio.file.AccessDeniedException if this process may not read it (EACCES)
     * @see <a href="https://man7.org/linux/man-pages/man2/shmctl.2.html">shmctl(2)</a>
     */
    public static SysVSharedMemory ofId(int id) throws IOException {
        SysVSharedMemory shm = new SysVSharedMemory(id, null);
        return new SysVSharedMemory(id, shm.stat().key());
    }

    /** {@return the segment's id, as {@code ipcs -m} shows it} */
    public int id() {
        return id;
    }

    /** {@return the key it was found or created by ({@link SysVKey#PRIVATE} for a private segment)} */
    public SysVKey key() {
        return key;
    }

    /**
     * Attaches the segment read-write ({@code shmat}).
     *
     * <p><b>Lifetime:</b> the attachment is owned by the caller and detached
     * ({@code shmdt}) by its {@link Mapping#close()}.
     *
     * @return the attachment
     * @throws IOException if {@code shmctl(IPC_STAT)} or {@code shmat} fails ({@code EINVAL} or
     *         {@code EIDRM} once the segment is gone)
     * @throws java.nio.file.AccessDeniedException if this process may not write it (EACCES)
     * @see <a href="https://man7.org/linux/man-pages/man2/shmat.2.html">shmat(2)</a>
     */
    public Mapping attach() throws IOException {
        return attachOwned(false);
    }

    /**
     * Attaches the segment read-only ({@code shmat} with {@code SHM_RDONLY}); the segment is
     * {@linkplain MemorySegment#isReadOnly() read-only}, so writes throw instead of faulting.
     *
     * <p><b>Lifetime:</b> the attachment is owned by the caller and detached by its
     * {@link Mapping#close()}.
     *
     * @return the attachment
     * @throws IOException if {@code shmctl(IPC_STAT)} or {@code shmat} fails
     * @throws java.nio.file.AccessDeniedException if this process may not read it (EACCES)
     * @see <a href="https://man7.org/linux/man-pages/man2/shmat.2.html">shmat(2)</a>
     */
    public Mapping attachReadOnly() throws IOException {
        return attachOwned(true);
    }

    /**
     * Attaches the segment into the caller's arena.
     *
     * <p><b>Lifetime:</b> the segment is detached when {@code arena} closes; then every
     * access throws {@link IllegalStateException}.
     *
     * @param readOnly whether to attach with {@code SHM_RDONLY} (the segment is then read-only)
     * @param arena the arena that owns the attachment
     * @return the attached memory
     * @throws IOException if {@code shmctl(IPC_STAT)} or {@code shmat} fails
     * @throws java.nio.file.AccessDeniedException if this process may not attach it so (EACCES)
     * @throws IllegalStateException if {@code arena} is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/shmat.2.html">shmat(2)</a>
     */
    public MemorySegment attach(boolean readOnly, Arena arena) throws IOException {
        Check.notNull("arena", arena);
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException("arena is closed");
        }
        MemorySegment segment = attachInto(readOnly, arena);
        return readOnly ? segment.asReadOnly() : segment;
    }

    private Mapping attachOwned(boolean readOnly) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment whole = attachInto(readOnly, arena);
            return new Mapping(arena, whole, 0, whole.byteSize(), readOnly ? MapMode.READ_ONLY : MapMode.READ_WRITE,
                    null, 0, EnumSet.noneOf(MapOption.class));
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private MemorySegment attachInto(boolean readOnly, Arena arena) throws IOException {
        long size = stat().size();
        long address = ShmCalls.shmat(id, readOnly ? LibC.SHM_RDONLY() : 0);
        if (address < 0) {
            throw Errors.named("shmat", "id=" + id, "id=" + id + (readOnly ? ", SHM_RDONLY" : ", 0"),
                    (int) -address);
        }
        return Mapping.place(address, size, arena, () -> ShmCalls.shmdt(address));
    }

    /**
     * Reads the segment's status ({@code shmctl(IPC_STAT)}).
     *
     * @return the status
     * @throws IOException if {@code shmctl} fails: {@code EINVAL} or {@code EIDRM} once the segment is gone
     * @throws java.nio.file.AccessDeniedException if this process may not read it (EACCES)
     * @see <a href="https://man7.org/linux/man-pages/man2/shmctl.2.html">shmctl(2)</a>
     */
    public SysVShmStat stat() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ds = arena.allocate(shmid_ds.layout());
            int r = ShmCalls.shmctl(id, LibC.IPC_STAT(), ds);
            if (r < 0) {
                throw Errors.named("shmctl", "id=" + id, "id=" + id + ", IPC_STAT", -r);
            }
            MemorySegment perm = shmid_ds.shm_perm(ds);
            int mode = ipc_perm.mode(perm);
            return new SysVShmStat(new SysVKey(ipc_perm.__key(perm)), shmid_ds.shm_segsz(ds),
                    Modes.fromMode(mode), ipc_perm.uid(perm), ipc_perm.gid(perm), ipc_perm.cuid(perm),
                    ipc_perm.cgid(perm), shmid_ds.shm_nattch(ds), shmid_ds.shm_cpid(ds), shmid_ds.shm_lpid(ds),
                    instant(shmid_ds.shm_atime(ds)), instant(shmid_ds.shm_dtime(ds)),
                    Instant.ofEpochSecond(shmid_ds.shm_ctime(ds)), (mode & LibC.SHM_DEST()) != 0);
        }
    }

    /**
     * Changes the permission bits ({@code shmctl(IPC_SET)}), keeping owner and group.
     *
     * @param permissions the new permissions
     * @throws java.nio.file.AccessDeniedException if this process is neither owner nor creator (EPERM)
     * @throws IOException if {@code shmctl} fails otherwise ({@code EINVAL}/{@code EIDRM} once gone)
     * @see <a href="https://man7.org/linux/man-pages/man2/shmctl.2.html">shmctl(2)</a>
     */
    public void setPermissions(Set<PosixFilePermission> permissions) throws IOException {
        int mode = Modes.toMode(permissions);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ds = arena.allocate(shmid_ds.layout());
            int r = ShmCalls.shmctl(id, LibC.IPC_STAT(), ds);
            if (r >= 0) {
                ipc_perm.mode(shmid_ds.shm_perm(ds), mode);
                r = ShmCalls.shmctl(id, LibC.IPC_SET(), ds);
            }
            if (r < 0) {
                throw Errors.named("shmctl", "id=" + id, "id=" + id + ", IPC_SET mode=" + Modes.octal(mode), -r);
            }
        }
    }

    /**
     * Removes the segment ({@code shmctl(IPC_RMID)}). With no attachment it is destroyed at
     * once. Otherwise it is only marked for removal ({@link SysVShmStat#markedForRemoval()}):
     * its key is freed at once (a new segment may take it), attachments keep working, and it
     * is destroyed when the last one detaches.
     *
     * @throws java.nio.file.AccessDeniedException if this process is neither owner nor creator (EPERM)
     * @throws IOException if {@code shmctl} fails otherwise ({@code EINVAL}/{@code EIDRM} if already gone)
     * @see <a href="https://man7.org/linux/man-pages/man2/shmctl.2.html">shmctl(2)</a>
     */
    public void remove() throws IOException {
        int r = ShmCalls.shmctl(id, LibC.IPC_RMID(), MemorySegment.NULL);
        if (r < 0) {
            throw Errors.named("shmctl", "id=" + id, "id=" + id + ", IPC_RMID", -r);
        }
    }

    /**
     * Whether a segment with this id still exists (and was not marked for removal).
     *
     * @return {@code false} once it is removed, by this process or any other (e.g. {@code ipcrm})
     * @throws IOException if {@code shmctl(IPC_STAT)} fails with anything but {@code EINVAL} or {@code EIDRM}
     * @see <a href="https://man7.org/linux/man-pages/man2/shmctl.2.html">shmctl(2)</a>
     */
    public boolean exists() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ds = arena.allocate(shmid_ds.layout());
            int r = ShmCalls.shmctl(id, LibC.IPC_STAT(), ds);
            if (r == -LibC.EINVAL() || r == -LibC.EIDRM()) {
                return false;
            }
            if (r < 0) {
                throw Errors.named("shmctl", "id=" + id, "id=" + id + ", IPC_STAT", -r);
            }
            return (ipc_perm.mode(shmid_ds.shm_perm(ds)) & LibC.SHM_DEST()) == 0;
        }
    }

    private static SysVSharedMemory get(SysVKey key, long size, int flags) throws IOException {
        Check.notNull("key", key);
        Check.positive("size", size);
        int id = ShmCalls.shmget(key.value(), size, flags);
        if (id < 0) {
            int errno = -id;
            String hint = (flags & LibC.SHM_HUGETLB()) != 0
                    ? " SHM_HUGETLB (needs reserved huge pages, vm.nr_hugepages, and CAP_IPC_LOCK or"
                            + " vm.hugetlb_shm_group; size a multiple of the huge page size)"
                    : "";
            throw Errors.named("shmget", "key=" + key, "key=" + key + ", size=" + size + ", flags=0"
                    + Integer.toOctalString(flags) + hint, errno);
        }
        return new SysVSharedMemory(id, key);
    }

    private static int flags(Set<Option> options) {
        Check.notNull("options", options);
        int flags = 0;
        for (Option o : options) {
            flags |= o.flag;
        }
        return flags;
    }

    private static Instant instant(long seconds) {
        return seconds == 0 ? null : Instant.ofEpochSecond(seconds);
    }

    @Override
    public String toString() {
        return "SysVSharedMemory[id=" + id + ", key=" + key + "]";
    }
}
