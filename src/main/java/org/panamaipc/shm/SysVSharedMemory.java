package org.panamaipc.shm;

import org.panamaipc.SysVKey;
import org.panamaipc.internal.Modes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.panamaipc.ObjectMismatchException;
import org.panamaipc.ObjectRemovedException;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.ipc_perm;
import org.panamaipc.bindings.shmid_ds;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.MappedMemory;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.ShmCalls;

/**
 * A System V shared memory segment ({@code shmget}), found by a {@link SysVKey} and
 * identified by an id; what {@code ipcs -m} lists.
 *
 * <p>This object is a handle: the segment exists until it is {@linkplain #remove() removed}
 * (by anyone: {@code ipcrm -m ID} too) and the last attachment is gone, whatever happens to
 * Java objects. {@link #close()} ends the handle, and with {@link #removeOnClose()} removes
 * the segment too. The {@linkplain #attach() attachments} are resources of their own, which
 * {@link Mapping#close()} detaches; they outlive the handle. A call that finds the segment
 * removed throws {@link ObjectRemovedException}.
 *
 * <pre>{@code
 * try (SysVSharedMemory shm = SysVSharedMemory.create(SysVKey.of(path, 1), 4096).removeOnClose();
 *      Mapping attached = shm.attach()) {
 *     attached.segment().set(ValueLayout.JAVA_INT, 0, 7);
 * }
 * }</pre>
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/sysvipc.7.html">sysvipc(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/shmget.2.html">shmget(2)</a>
 */
public final class SysVSharedMemory implements AutoCloseable {
    private final int id;
    private final SysVKey key;
    private final Blocker handle;
    private final AtomicBoolean removeOnClose = new AtomicBoolean();

    private SysVSharedMemory(int id, SysVKey key) {
        this.id = id;
        this.key = key;
        this.handle = Blocker.forHandle("System V shared memory id=" + id, null);
    }

    /**
     * Creates a segment for the key ({@code IPC_CREAT | IPC_EXCL}) with mode 0600; never
     * opens or alters an existing one.
     *
     * @param key the key, or {@link SysVKey#PRIVATE} (as {@link #createPrivate(long)})
     * @param size the size in bytes, positive
     * @return the segment
     * @throws FileAlreadyExistsException if a segment has that key (EEXIST); it is left as it was
     * @throws IOException if {@code shmget} fails otherwise: {@code EINVAL} for a size outside
     *         {@code SHMMIN..SHMMAX}, {@code ENOSPC} or {@code ENOMEM} past the system limits
     * @throws IllegalArgumentException if {@code size} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man2/shmget.2.html">shmget(2)</a>
     */
    public static SysVSharedMemory create(SysVKey key, long size) throws IOException {
        NativeAccess.require();
        return create(key, size, Modes.OWNER_READ_WRITE, EnumSet.noneOf(SysVShmOption.class));
    }

    /**
     * Creates a segment for the key with the given permissions and options
     * ({@code IPC_CREAT | IPC_EXCL}); never opens or alters an existing one.
     *
     * @param key the key, or {@link SysVKey#PRIVATE}
     * @param size the size in bytes, positive
     * @param permissions the permissions (no umask applies)
     * @param options {@link SysVShmOption#HUGE_PAGES}, {@link SysVShmOption#NORESERVE}
     * @return the segment
     * @throws FileAlreadyExistsException if a segment has that key (EEXIST); it is left as it was
     * @throws java.nio.file.AccessDeniedException if huge pages were asked for without the privilege (EPERM)
     * @throws IOException if {@code shmget} fails otherwise ({@code EINVAL}, {@code ENOSPC},
     *         {@code ENOMEM} when huge pages or memory run out)
     * @throws IllegalArgumentException if {@code size} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man2/shmget.2.html">shmget(2)</a>
     */
    public static SysVSharedMemory create(SysVKey key, long size, Set<PosixFilePermission> permissions,
                                          Set<SysVShmOption> options) throws IOException {
        NativeAccess.require();
        return get(key, size, LibC.IPC_CREAT() | LibC.IPC_EXCL() | Modes.toMode(permissions) | flags(options));
    }

    /**
     * Creates a new segment that no key finds ({@code IPC_PRIVATE}), mode 0600: share it by
     * passing its {@link #id()} (the peer calls {@link #openId(int)}).
     *
     * @param size the size in bytes, positive
     * @return the segment
     * @throws IOException if {@code shmget} fails ({@code EINVAL}, {@code ENOSPC}, {@code ENOMEM})
     * @throws IllegalArgumentException if {@code size} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man2/shmget.2.html">shmget(2)</a>
     */
    public static SysVSharedMemory createPrivate(long size) throws IOException {
        NativeAccess.require();
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
        NativeAccess.require();
        Check.notNull("key", key);
        if (key.isPrivate()) {
            throw new IllegalArgumentException("key=IPC_PRIVATE finds nothing: use openId(id)");
        }
        int id = ShmCalls.shmget(key.value(), 0, 0);
        if (id < 0) {
            throw Errors.named("shmget", "key=" + key, "key=" + key + ", size=0, 0", -id);
        }
        return new SysVSharedMemory(id, key);
    }

    /**
     * Finds the segment of a key, or creates it with mode 0600. Never alters an existing
     * segment: see {@link #openOrCreate(SysVKey, long, Set, Set)}.
     *
     * @param key the key
     * @param size the size if created, and the least size an existing segment must have; positive
     * @return the segment
     * @throws ObjectMismatchException if the existing segment is smaller than {@code size}
     * @throws java.nio.file.AccessDeniedException if the segment exists and this process may not use it (EACCES)
     * @throws IOException if {@code shmget} or {@code shmctl(IPC_STAT)} fails
     * @throws IllegalArgumentException if {@code size} is not positive or {@code key} is {@link SysVKey#PRIVATE}
     * @see <a href="https://man7.org/linux/man-pages/man2/shmget.2.html">shmget(2)</a>
     */
    public static SysVSharedMemory openOrCreate(SysVKey key, long size) throws IOException {
        NativeAccess.require();
        return openOrCreate(key, size, Modes.OWNER_READ_WRITE, EnumSet.noneOf(SysVShmOption.class));
    }

    /**
     * Finds the segment of a key, or creates it with the given permissions and options. Safe
     * when several processes race: exactly one creates it.
     *
     * <p>An existing segment is never altered. One of {@code size} bytes or more is returned
     * as it is (a larger one keeps its larger size: {@link #attach()} maps all of it); a
     * smaller one is refused with {@link ObjectMismatchException}. Its permissions and
     * options are the creator's, whatever is passed here.
     *
     * @param key the key
     * @param size the size if created, and the least size an existing segment must have; positive
     * @param permissions the permissions if created (no umask applies)
     * @param options {@link SysVShmOption#HUGE_PAGES}, {@link SysVShmOption#NORESERVE}, if created
     * @return the segment
     * @throws ObjectMismatchException if the existing segment is smaller than {@code size}
     * @throws java.nio.file.AccessDeniedException if the segment exists and this process may not use it (EACCES)
     * @throws IOException if {@code shmget} or {@code shmctl(IPC_STAT)} fails
     * @throws IllegalArgumentException if {@code size} is not positive or {@code key} is {@link SysVKey#PRIVATE}
     * @see <a href="https://man7.org/linux/man-pages/man2/shmget.2.html">shmget(2)</a>
     */
    public static SysVSharedMemory openOrCreate(SysVKey key, long size, Set<PosixFilePermission> permissions,
                                                Set<SysVShmOption> options) throws IOException {
        NativeAccess.require();
        Check.notNull("key", key);
        Check.positive("size", size);
        if (key.isPrivate()) {
            throw new IllegalArgumentException("key=IPC_PRIVATE finds nothing: use createPrivate(size)");
        }
        int flags = LibC.IPC_CREAT() | LibC.IPC_EXCL() | Modes.toMode(permissions) | flags(options);
        while (true) {
            int id = ShmCalls.shmget(key.value(), size, flags);
            if (id >= 0) {
                return new SysVSharedMemory(id, key);
            }
            if (id != -LibC.EEXIST()) {
                throw getFailure(key, size, flags, -id);
            }
            // Size 0: an existing segment of any size is found; its size is checked below.
            id = ShmCalls.shmget(key.value(), 0, 0);
            if (id >= 0) {
                SysVSharedMemory shm = new SysVSharedMemory(id, key);
                long found;
                try {
                    found = shm.stat().size();
                } catch (ObjectRemovedException removedMeanwhile) {
                    continue;
                }
                if (found < size) {
                    throw new ObjectMismatchException("key=" + key, "size=" + found, "size=" + size);
                }
                return shm;
            }
            if (id != -LibC.ENOENT()) {
                throw Errors.named("shmget", "key=" + key, "key=" + key + ", size=0, 0", -id);
            }
            // Removed between the calls: try again.
        }
    }

    /**
     * A handle for a segment known by its id (from {@link #id()} in another process, or
     * {@code ipcs -m}), checked with {@code IPC_STAT}. The only way to reach a segment by id.
     *
     * @param id the segment id
     * @return the segment
     * @throws ObjectRemovedException if no segment has that id, or it was removed
     *         ({@code EINVAL}, {@code EIDRM})
     * @throws java.nio.file.AccessDeniedException if this process may not read it (EACCES)
     * @throws IOException if {@code shmctl(IPC_STAT)} fails otherwise
     * @see <a href="https://man7.org/linux/man-pages/man2/shmctl.2.html">shmctl(2)</a>
     */
    public static SysVSharedMemory openId(int id) throws IOException {
        NativeAccess.require();
        Check.notNegative("id", id);
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
     * @throws ObjectRemovedException once the segment is gone ({@code EINVAL}, {@code EIDRM})
     * @throws java.nio.file.AccessDeniedException if this process may not write it (EACCES)
     * @throws IOException if {@code shmctl(IPC_STAT)} or {@code shmat} fails otherwise
     * @throws IllegalStateException if this handle is closed
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
     * @throws ObjectRemovedException once the segment is gone ({@code EINVAL}, {@code EIDRM})
     * @throws java.nio.file.AccessDeniedException if this process may not read it (EACCES)
     * @throws IOException if {@code shmctl(IPC_STAT)} or {@code shmat} fails otherwise
     * @throws IllegalStateException if this handle is closed
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
     * @throws ObjectRemovedException once the segment is gone ({@code EINVAL}, {@code EIDRM})
     * @throws java.nio.file.AccessDeniedException if this process may not attach it so (EACCES)
     * @throws IOException if {@code shmctl(IPC_STAT)} or {@code shmat} fails otherwise
     * @throws IllegalStateException if this handle or {@code arena} is closed
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
        handle.enter();
        try {
            long size = stat().size();
            long address = ShmCalls.shmat(id, readOnly ? LibC.SHM_RDONLY() : 0);
            if (address < 0) {
                throw failure("shmat", "id=" + id + (readOnly ? ", SHM_RDONLY" : ", 0"), (int) -address);
            }
            return Mapping.place(address, size, arena, () -> ShmCalls.shmdt(address), MappedMemory.FIXED);
        } finally {
            handle.exit();
        }
    }

    /**
     * Reads the segment's status ({@code shmctl(IPC_STAT)}).
     *
     * @return the status
     * @throws ObjectRemovedException once the segment is gone ({@code EINVAL}, {@code EIDRM})
     * @throws java.nio.file.AccessDeniedException if this process may not read it (EACCES)
     * @throws IOException if {@code shmctl} fails otherwise
     * @throws IllegalStateException if this handle is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/shmctl.2.html">shmctl(2)</a>
     */
    public SysVShmStat stat() throws IOException {
        handle.enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ds = arena.allocate(shmid_ds.layout());
            int r = ShmCalls.shmctl(id, LibC.IPC_STAT(), ds);
            if (r < 0) {
                throw failure("shmctl", "id=" + id + ", IPC_STAT", -r);
            }
            MemorySegment perm = shmid_ds.shm_perm(ds);
            int mode = ipc_perm.mode(perm);
            return new SysVShmStat(new SysVKey(ipc_perm.__key(perm)), shmid_ds.shm_segsz(ds),
                    Modes.fromMode(mode), ipc_perm.uid(perm), ipc_perm.gid(perm), ipc_perm.cuid(perm),
                    ipc_perm.cgid(perm), shmid_ds.shm_nattch(ds), shmid_ds.shm_cpid(ds), shmid_ds.shm_lpid(ds),
                    instant(shmid_ds.shm_atime(ds)), instant(shmid_ds.shm_dtime(ds)),
                    Instant.ofEpochSecond(shmid_ds.shm_ctime(ds)), (mode & LibC.SHM_DEST()) != 0);
        } finally {
            handle.exit();
        }
    }

    /**
     * Changes the permission bits ({@code shmctl(IPC_SET)}), keeping owner and group.
     *
     * @param permissions the new permissions
     * @throws java.nio.file.AccessDeniedException if this process is neither owner nor creator (EPERM)
     * @throws ObjectRemovedException once the segment is gone ({@code EINVAL}, {@code EIDRM})
     * @throws IOException if {@code shmctl} fails otherwise
     * @throws IllegalStateException if this handle is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/shmctl.2.html">shmctl(2)</a>
     */
    public void setPermissions(Set<PosixFilePermission> permissions) throws IOException {
        int mode = Modes.toMode(permissions);
        handle.enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ds = arena.allocate(shmid_ds.layout());
            int r = ShmCalls.shmctl(id, LibC.IPC_STAT(), ds);
            if (r >= 0) {
                ipc_perm.mode(shmid_ds.shm_perm(ds), mode);
                r = ShmCalls.shmctl(id, LibC.IPC_SET(), ds);
            }
            if (r < 0) {
                throw failure("shmctl", "id=" + id + ", IPC_SET mode=" + Modes.octal(mode), -r);
            }
        } finally {
            handle.exit();
        }
    }

    /**
     * Removes the segment ({@code shmctl(IPC_RMID)}). With no attachment it is destroyed at
     * once. Otherwise it is only marked for removal ({@link SysVShmStat#markedForRemoval()}):
     * its key is freed at once (a new segment may take it), attachments keep working, and it
     * is destroyed when the last one detaches. This handle stays open (attaching a segment
     * marked for removal still works on Linux); {@link #close()} it.
     *
     * <p>On a closed handle it throws {@link IllegalStateException} and removes nothing, as
     * for the other System V kinds: a closed handle's id may name another object by then. To
     * remove after closing, open the object again (by key or id), or ask for
     * {@code removeOnClose()} while the handle is open.
     *
     * @throws java.nio.file.AccessDeniedException if this process is neither owner nor creator (EPERM)
     * @throws ObjectRemovedException if it is already gone ({@code EINVAL}, {@code EIDRM})
     * @throws IOException if {@code shmctl} fails otherwise
     * @throws IllegalStateException if this handle is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/shmctl.2.html">shmctl(2)</a>
     */
    public void remove() throws IOException {
        handle.enter();
        try {
            int r = ShmCalls.shmctl(id, LibC.IPC_RMID(), MemorySegment.NULL);
            if (r < 0) {
                throw failure("shmctl", "id=" + id + ", IPC_RMID", -r);
            }
        } finally {
            handle.exit();
        }
    }

    /**
     * Makes {@link #close()} also remove the segment, once, as {@link #remove()}: for the
     * creator that owns the segment's life.
     *
     * @return this handle
     * @throws IllegalStateException if this handle is closed
     */
    public SysVSharedMemory removeOnClose() {
        if (!handle.isOpen()) {
            throw new IllegalStateException("System V shared memory id=" + id + " is closed");
        }
        removeOnClose.set(true);
        return this;
    }

    /**
     * Whether a segment with this id still exists (and was not marked for removal).
     *
     * @return {@code false} once it is removed, by this process or any other (e.g. {@code ipcrm})
     * @throws IOException if {@code shmctl(IPC_STAT)} fails with anything but {@code EINVAL} or {@code EIDRM}
     * @throws IllegalStateException if this handle is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/shmctl.2.html">shmctl(2)</a>
     */
    public boolean exists() throws IOException {
        try {
            return !stat().markedForRemoval();
        } catch (ObjectRemovedException gone) {
            return false;
        }
    }

    /** {@return whether {@link #close()} has not been called} */
    public boolean isOpen() {
        return handle.isOpen();
    }

    /**
     * Ends this handle, once; later calls do nothing, and every other method then throws
     * {@link IllegalStateException}. The segment itself stays (it belongs to the system, not
     * to this object), and so do the {@link Mapping}s attached through this handle: each
     * stays valid until it is closed itself. After {@link #removeOnClose()} the segment is
     * removed too, unless someone removed it already.
     *
     * @throws java.io.UncheckedIOException if the segment was to be removed and
     *         {@code shmctl(IPC_RMID)} fails with anything but {@code EINVAL}/{@code EIDRM}
     *         (e.g. EPERM); the handle is closed all the same
     * @see <a href="https://man7.org/linux/man-pages/man2/shmctl.2.html">shmctl(2)</a>
     */
    @Override
    public void close() {
        if (handle.close() && removeOnClose.getAndSet(false)) {
            int r = ShmCalls.shmctl(id, LibC.IPC_RMID(), MemorySegment.NULL);
            if (r < 0 && r != -LibC.EINVAL() && r != -LibC.EIDRM()) {
                throw new UncheckedIOException(failure("shmctl", "id=" + id + ", IPC_RMID", -r));
            }
        }
    }

    /** EINVAL from a call on an id means no segment has it any more: removed, as EIDRM says. */
    private IOException failure(String call, String arguments, int errno) {
        if (errno == LibC.EINVAL() || errno == LibC.EIDRM()) {
            return new ObjectRemovedException(call, arguments, errno);
        }
        return Errors.named(call, "id=" + id, arguments, errno);
    }

    private static SysVSharedMemory get(SysVKey key, long size, int flags) throws IOException {
        Check.notNull("key", key);
        Check.positive("size", size);
        int id = ShmCalls.shmget(key.value(), size, flags);
        if (id < 0) {
            throw getFailure(key, size, flags, -id);
        }
        return new SysVSharedMemory(id, key);
    }

    private static IOException getFailure(SysVKey key, long size, int flags, int errno) {
        String hint = (flags & LibC.SHM_HUGETLB()) != 0
                ? " SHM_HUGETLB (needs reserved huge pages, vm.nr_hugepages, and CAP_IPC_LOCK or"
                        + " vm.hugetlb_shm_group; size a multiple of the huge page size)"
                : "";
        return Errors.named("shmget", "key=" + key, "key=" + key + ", size=" + size + ", flags=0"
                + Integer.toOctalString(flags) + hint, errno);
    }

    private static int flags(Set<SysVShmOption> options) {
        Check.notNull("options", options);
        int flags = 0;
        for (SysVShmOption o : options) {
            flags |= o.flag;
        }
        return flags;
    }

    private static Instant instant(long seconds) {
        return seconds == 0 ? null : Instant.ofEpochSecond(seconds);
    }

    @Override
    public String toString() {
        return "SysVSharedMemory[id=" + id + ", key=" + key + (isOpen() ? "]" : ", closed]");
    }
}
