package org.panamaipc.shm;

import org.panamaipc.internal.Modes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.panamaipc.ObjectMismatchException;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Names;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.ShmCalls;
import org.panamaipc.internal.NativeAccess;

/**
 * A POSIX shared memory object: memory with a name ({@code /orders}) that any process may
 * open and map; on Linux a file in {@code /dev/shm}.
 *
 * <p>Names are a slash followed by 1 to 255 bytes, with no further slash. The object lives
 * until it is {@linkplain #unlink(String) unlinked} (by anyone; by its creator's
 * {@link #close()} after {@link #unlinkOnClose()}) and the last descriptor and mapping are
 * gone. Objects are created with mode 0600 unless permissions are given (the process umask
 * applies at creation).
 *
 * <pre>{@code
 * String name = SharedMemory.uniqueName("orders");
 * try (SharedMemory shm = SharedMemory.create(name, 4096).unlinkOnClose();
 *      Mapping mapping = shm.map()) {
 *     mapping.segment().set(ValueLayout.JAVA_LONG, 0, 42);
 *     // ... hand `name` to the other process, which opens and maps it
 * }
 * }</pre>
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/shm_overview.7.html">shm_overview(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man3/shm_open.3.html">shm_open(3)</a>
 */
public final class SharedMemory extends MappableFile {
    private final String name;
    private final AtomicBoolean unlinkOnClose = new AtomicBoolean();

    private SharedMemory(OwnedFd fd, boolean writable, String name) {
        super(fd, writable);
        this.name = name;
    }

    @Override
    String describe() {
        return Errors.quote(name);
    }

    /** {@return the name, e.g. {@code "/orders"}} */
    public String name() {
        return name;
    }

    /**
     * A name no other object has, for the create-and-pass-the-name pattern: the prefix, a
     * dash and 16 random hexadecimal digits, e.g. {@code /orders-3f9c0a1b2c3d4e5f}.
     *
     * @param prefix what the name starts with (after the slash); letters, digits,
     *        {@code -_.} only, at most 200 characters
     * @return the name
     * @throws IllegalArgumentException if the prefix is empty or holds other characters
     */
    public static String uniqueName(String prefix) {
        return "/" + Names.unique(prefix);
    }

    /**
     * Creates the object ({@code O_CREAT | O_EXCL}) with mode 0600 and size {@code size};
     * never opens or alters an existing one.
     *
     * @param name the name, e.g. {@code "/orders"}
     * @param size the size in bytes, positive
     * @return the open object, read-write
     * @throws FileAlreadyExistsException if an object of that name exists (EEXIST); it is left as it was
     * @throws IOException if {@code shm_open} or {@code ftruncate} fails ({@code EFBIG} past the
     *         file size limit, {@code ENOSPC} past the size of {@code /dev/shm}); a failed
     *         {@code ftruncate} unlinks the object again
     * @throws IllegalArgumentException if the name is not a valid name or {@code size} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_open.3.html">shm_open(3)</a>
     */
    public static SharedMemory create(String name, long size) throws IOException {
        NativeAccess.require();
        return create(name, size, Modes.OWNER_READ_WRITE);
    }

    /**
     * Creates the object ({@code O_CREAT | O_EXCL}) with the given permissions and size
     * {@code size}; never opens or alters an existing one.
     *
     * @param name the name, e.g. {@code "/orders"}
     * @param size the size in bytes, positive
     * @param permissions the permissions (the umask applies)
     * @return the open object, read-write
     * @throws FileAlreadyExistsException if an object of that name exists (EEXIST); it is left as it was
     * @throws IOException if {@code shm_open} or {@code ftruncate} fails; a failed
     *         {@code ftruncate} unlinks the object again
     * @throws IllegalArgumentException if the name is not a valid name or {@code size} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_open.3.html">shm_open(3)</a>
     */
    public static SharedMemory create(String name, long size, Set<PosixFilePermission> permissions)
            throws IOException {
        NativeAccess.require();
        Check.posixName(name);
        Check.positive("size", size);
        int mode = Modes.toMode(permissions);
        OwnedFd fd = shmOpen(name, LibC.O_RDWR() | LibC.O_CREAT() | LibC.O_EXCL(), mode);
        return sized(new SharedMemory(fd, true, name), size);
    }

    /**
     * Opens the object if it exists, or creates it with size {@code size} and mode 0600.
     * Never alters an existing object: see {@link #openOrCreate(String, long, Set)}.
     *
     * @param name the name, e.g. {@code "/orders"}
     * @param size the size if created, and the least size an existing object must have; positive
     * @return the open object, read-write
     * @throws ObjectMismatchException if the existing object is smaller than {@code size}
     * @throws java.nio.file.AccessDeniedException if the object exists and this process may not open it
     * @throws IOException if {@code shm_open}, {@code fstat} or {@code ftruncate} fails
     * @throws IllegalArgumentException if the name is not a valid name or {@code size} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_open.3.html">shm_open(3)</a>
     */
    public static SharedMemory openOrCreate(String name, long size) throws IOException {
        NativeAccess.require();
        return openOrCreate(name, size, Modes.OWNER_READ_WRITE);
    }

    /**
     * Opens the object if it exists, or creates it with size {@code size} and the given
     * permissions. Safe when several processes race to create the same name: exactly one
     * creates and sizes it, the others open it.
     *
     * <p>An existing object is never altered: not resized, not re-permissioned. One of
     * {@code size} bytes or more is opened as it is (a larger one keeps its larger size:
     * map what you need); a smaller one is refused with {@link ObjectMismatchException}
     * and left as it was. An object of size 0 is one whose creator has not sized it yet:
     * it is given a moment to, then refused the same way.
     *
     * @param name the name, e.g. {@code "/orders"}
     * @param size the size if created, and the least size an existing object must have; positive
     * @param permissions the permissions if created (the umask applies)
     * @return the open object, read-write
     * @throws ObjectMismatchException if the existing object is smaller than {@code size}
     * @throws java.nio.file.AccessDeniedException if the object exists and this process may not open it
     * @throws IOException if {@code shm_open}, {@code fstat} or {@code ftruncate} fails
     * @throws IllegalArgumentException if the name is not a valid name or {@code size} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_open.3.html">shm_open(3)</a>
     */
    public static SharedMemory openOrCreate(String name, long size, Set<PosixFilePermission> permissions)
            throws IOException {
        NativeAccess.require();
        Check.posixName(name);
        Check.positive("size", size);
        int mode = Modes.toMode(permissions);
        // O_EXCL first so that we know whether we made it: only its creator sizes it, and
        // only its creator removes it again if sizing fails.
        while (true) {
            int fd = rawShmOpen(name, LibC.O_RDWR() | LibC.O_CREAT() | LibC.O_EXCL(), mode);
            if (fd >= 0) {
                return sized(new SharedMemory(OwnedFd.adopt(fd), true, name), size);
            }
            if (fd != -LibC.EEXIST()) {
                throw Errors.named("shm_open", name, Errors.quote(name) + ", O_RDWR|O_CREAT|O_EXCL, "
                        + Modes.octal(mode), -fd);
            }
            fd = rawShmOpen(name, LibC.O_RDWR(), 0);
            if (fd >= 0) {
                return atLeast(new SharedMemory(OwnedFd.adopt(fd), true, name), size);
            }
            if (fd != -LibC.ENOENT()) {
                throw Errors.named("shm_open", name, Errors.quote(name) + ", O_RDWR", -fd);
            }
            // Unlinked between the two calls: try again.
        }
    }

    /**
     * Opens an existing object read-write.
     *
     * @param name the name, e.g. {@code "/orders"}
     * @return the open object
     * @throws NoSuchFileException if there is no object of that name (ENOENT)
     * @throws java.nio.file.AccessDeniedException if this process may not open it read-write (EACCES)
     * @throws IOException if {@code shm_open} fails otherwise
     * @throws IllegalArgumentException if the name is not a valid name
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_open.3.html">shm_open(3)</a>
     */
    public static SharedMemory open(String name) throws IOException {
        NativeAccess.require();
        Check.posixName(name);
        return new SharedMemory(shmOpen(name, LibC.O_RDWR(), 0), true, name);
    }

    /**
     * Opens an existing object read-only: it can be mapped {@link MapMode#READ_ONLY} or
     * {@link MapMode#PRIVATE}.
     *
     * @param name the name, e.g. {@code "/orders"}
     * @return the open object
     * @throws NoSuchFileException if there is no object of that name (ENOENT)
     * @throws java.nio.file.AccessDeniedException if this process may not read it (EACCES)
     * @throws IOException if {@code shm_open} fails otherwise
     * @throws IllegalArgumentException if the name is not a valid name
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_open.3.html">shm_open(3)</a>
     */
    public static SharedMemory openReadOnly(String name) throws IOException {
        NativeAccess.require();
        Check.posixName(name);
        return new SharedMemory(shmOpen(name, LibC.O_RDONLY(), 0), false, name);
    }

    /**
     * Removes the name ({@code shm_unlink}); the memory lives on while descriptors or
     * mappings of it remain.
     *
     * @param name the name, e.g. {@code "/orders"}
     * @throws NoSuchFileException if there is no object of that name (ENOENT)
     * @throws java.nio.file.AccessDeniedException if this process may not remove it (EACCES)
     * @throws IOException if {@code shm_unlink} fails otherwise
     * @throws IllegalArgumentException if the name is not a valid name
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_unlink.3.html">shm_unlink(3)</a>
     */
    public static void unlink(String name) throws IOException {
        NativeAccess.require();
        int r = shmUnlink(name);
        if (r < 0) {
            throw Errors.named("shm_unlink", name, Errors.quote(name), -r);
        }
    }

    /**
     * Removes the name if it exists, like {@link java.nio.file.Files#deleteIfExists}.
     *
     * @param name the name, e.g. {@code "/orders"}
     * @return whether an object was removed
     * @throws java.nio.file.AccessDeniedException if this process may not remove it (EACCES)
     * @throws IOException if {@code shm_unlink} fails with anything but ENOENT
     * @throws IllegalArgumentException if the name is not a valid name
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_unlink.3.html">shm_unlink(3)</a>
     */
    public static boolean unlinkIfExists(String name) throws IOException {
        NativeAccess.require();
        int r = shmUnlink(name);
        if (r == -LibC.ENOENT()) {
            return false;
        }
        if (r < 0) {
            throw Errors.named("shm_unlink", name, Errors.quote(name), -r);
        }
        return true;
    }

    /**
     * Removes this object's name, as {@link #unlink(String)}, through a handle that is open:
     * once it is closed, the name may already stand for another object (the System V kinds'
     * {@code remove()} has the same rule), and {@link #unlink(String)} says plainly which
     * name goes.
     *
     * @throws NoSuchFileException if the name was already removed (ENOENT)
     * @throws IllegalStateException if this object is closed
     * @throws IOException if {@code shm_unlink} fails otherwise
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_unlink.3.html">shm_unlink(3)</a>
     */
    public void unlink() throws IOException {
        if (!isOpen()) {
            throw new IllegalStateException(describe() + " is closed");
        }
        unlink(name);
    }

    /**
     * Makes {@link #close()} also remove the name, once, as {@link #unlinkIfExists(String)}:
     * for the creator that owns the object's life.
     *
     * @return this object
     * @throws IllegalStateException if this object is closed
     */
    public SharedMemory unlinkOnClose() {
        if (!isOpen()) {
            throw new IllegalStateException(describe() + " is closed");
        }
        unlinkOnClose.set(true);
        return this;
    }

    /**
     * Closes the descriptor, once; mappings made from it stay valid until they are closed
     * themselves. After {@link #unlinkOnClose()} the name is removed too (if it is still
     * there); otherwise it remains until {@link #unlink(String)}.
     *
     * @throws java.io.UncheckedIOException if the name was to be removed and {@code shm_unlink}
     *         fails with anything but ENOENT; the descriptor is closed all the same
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_unlink.3.html">shm_unlink(3)</a>
     */
    @Override
    public void close() {
        super.close();
        if (unlinkOnClose.getAndSet(false)) {
            int r = shmUnlink(name);
            if (r < 0 && r != -LibC.ENOENT()) {
                throw new UncheckedIOException(Errors.named("shm_unlink", name, Errors.quote(name), -r));
            }
        }
    }

    private static SharedMemory sized(SharedMemory shm, long size) throws IOException {
        try {
            shm.truncate(size);
            return shm;
        } catch (IOException | RuntimeException e) {
            shm.close();
            shmUnlink(shm.name);
            throw e;
        }
    }

    private static OwnedFd shmOpen(String name, int flags, int mode) throws IOException {
        int fd = rawShmOpen(name, flags, mode);
        if (fd < 0) {
            throw Errors.named("shm_open", name, Errors.quote(name) + ", " + flagNames(flags)
                    + ((flags & LibC.O_CREAT()) != 0 ? ", " + Modes.octal(mode) : ""), -fd);
        }
        return OwnedFd.adopt(fd);
    }

    private static int rawShmOpen(String name, int flags, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            return ShmCalls.shmOpen(arena.allocateFrom(name), flags | LibC.O_CLOEXEC(), mode);
        }
    }

    private static int shmUnlink(String name) {
        Check.posixName(name);
        try (Arena arena = Arena.ofConfined()) {
            return ShmCalls.shmUnlink(arena.allocateFrom(name));
        }
    }

    private static String flagNames(int flags) {
        String s = (flags & LibC.O_ACCMODE()) == LibC.O_RDONLY() ? "O_RDONLY" : "O_RDWR";
        if ((flags & LibC.O_CREAT()) != 0) {
            s += "|O_CREAT";
        }
        if ((flags & LibC.O_EXCL()) != 0) {
            s += "|O_EXCL";
        }
        return s;
    }
}
