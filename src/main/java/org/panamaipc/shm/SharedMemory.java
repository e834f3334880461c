package org.panamaipc.shm;

import org.panamaipc.internal.Modes;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Names;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.ShmCalls;

/**
 * A POSIX shared memory object: memory with a name ({@code /orders}) that any process may
 * open and map; on Linux a file in {@code /dev/shm}.
 *
 * <p>Names are a slash followed by 1 to 255 bytes, with no further slash. The object lives
 * until it is {@linkplain #unlink(String) unlinked} and the last descriptor and mapping are
 * gone. Objects are created with mode 0600 unless permissions are given (the process umask
 * applies at creation).
 *
 * <pre>{@code
 * String name = SharedMemory.uniqueName("orders");
 * try (SharedMemory shm = SharedMemory.createExclusively(name, 4096);
 *      Mapping mapping = shm.map()) {
 *     mapping.segment().set(ValueLayout.JAVA_LONG, 0, 42);
 *     // ... hand `name` to the other process, which opens and maps it
 * } finally {
 *     SharedMemory.unlinkIfExists(name);
 * }
 * }</pre>
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/shm_overview.7.html">shm_overview(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man3/shm_open.3.html">shm_open(3)</a>
 */
public final class SharedMemory extends MappableFile {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String name;

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
     * A name no other object has, {@code /panamaipc-} and 16 random hexadecimal digits.
     *
     * @return the name
     * @see #uniqueName(String)
     */
    public static String uniqueName() {
        return uniqueName("panamaipc");
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
     * Creates the object, or opens it if it exists; either way its size becomes {@code size}
     * (contents up to that size are kept). Mode 0600 when created. Shrinking an existing
     * object takes pages away from mappings other processes hold past the new end: use
     * {@link #createOrOpen(String, long)} to keep an existing object's size.
     *
     * @param name the name, e.g. {@code "/orders"}
     * @param size the size in bytes, positive
     * @return the open object, read-write
     * @throws java.nio.file.AccessDeniedException if the object exists and this process may not open it
     * @throws IOException if {@code shm_open} or {@code ftruncate} fails ({@code EFBIG} past the
     *         file size limit, {@code ENOSPC} past the size of {@code /dev/shm})
     * @throws IllegalArgumentException if the name is not a valid name or {@code size} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_open.3.html">shm_open(3)</a>
     */
    public static SharedMemory create(String name, long size) throws IOException {
        return create(name, size, Modes.OWNER_READ_WRITE);
    }

    /**
     * Creates the object with the given permissions, or opens it if it exists; either way its
     * size becomes {@code size}.
     *
     * @param name the name, e.g. {@code "/orders"}
     * @param size the size in bytes, positive
     * @param permissions the permissions if created (the umask applies)
     * @return the open object, read-write
     * @throws java.nio.file.AccessDeniedException if the object exists and this process may not open it
     * @throws IOException if {@code shm_open} or {@code ftruncate} fails
     * @throws IllegalArgumentException if the name is not a valid name or {@code size} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_open.3.html">shm_open(3)</a>
     */
    public static SharedMemory create(String name, long size, Set<PosixFilePermission> permissions)
            throws IOException {
        return openOrCreate(name, size, permissions, true, true);
    }

    /**
     * Creates the object ({@code O_CREAT | O_EXCL}), failing if it exists. Mode 0600.
     *
     * @param name the name, e.g. {@code "/orders"}
     * @param size the size in bytes, positive
     * @return the open object, read-write
     * @throws FileAlreadyExistsException if an object of that name exists (EEXIST)
     * @throws IOException if {@code shm_open} or {@code ftruncate} fails; a failed
     *         {@code ftruncate} unlinks the object again
     * @throws IllegalArgumentException if the name is not a valid name or {@code size} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_open.3.html">shm_open(3)</a>
     */
    public static SharedMemory createExclusively(String name, long size) throws IOException {
        return createExclusively(name, size, Modes.OWNER_READ_WRITE);
    }

    /**
     * Creates the object with the given permissions ({@code O_CREAT | O_EXCL}), failing if it
     * exists.
     *
     * @param name the name, e.g. {@code "/orders"}
     * @param size the size in bytes, positive
     * @param permissions the permissions (the umask applies)
     * @return the open object, read-write
     * @throws FileAlreadyExistsException if an object of that name exists (EEXIST)
     * @throws IOException if {@code shm_open} or {@code ftruncate} fails; a failed
     *         {@code ftruncate} unlinks the object again
     * @throws IllegalArgumentException if the name is not a valid name or {@code size} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_open.3.html">shm_open(3)</a>
     */
    public static SharedMemory createExclusively(String name, long size, Set<PosixFilePermission> permissions)
            throws IOException {
        Check.posixName(name);
        Check.positive("size", size);
        int mode = Modes.toMode(permissions);
        OwnedFd fd = shmOpen(name, LibC.O_RDWR() | LibC.O_CREAT() | LibC.O_EXCL(), mode);
        return sized(new SharedMemory(fd, true, name), size, true);
    }

    /**
     * Opens the object if it exists, keeping its size; otherwise creates it with size
     * {@code size} and mode 0600. Safe when several processes race to create the same name.
     *
     * @param name the name, e.g. {@code "/orders"}
     * @param size the size if created, positive
     * @return the open object, read-write
     * @throws java.nio.file.AccessDeniedException if the object exists and this process may not open it
     * @throws IOException if {@code shm_open} or {@code ftruncate} fails
     * @throws IllegalArgumentException if the name is not a valid name or {@code size} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_open.3.html">shm_open(3)</a>
     */
    public static SharedMemory createOrOpen(String name, long size) throws IOException {
        return createOrOpen(name, size, Modes.OWNER_READ_WRITE);
    }

    /**
     * Opens the object if it exists, keeping its size; otherwise creates it with size
     * {@code size} and the given permissions.
     *
     * @param name the name, e.g. {@code "/orders"}
     * @param size the size if created, positive
     * @param permissions the permissions if created (the umask applies)
     * @return the open object, read-write
     * @throws java.nio.file.AccessDeniedException if the object exists and this process may not open it
     * @throws IOException if {@code shm_open} or {@code ftruncate} fails
     * @throws IllegalArgumentException if the name is not a valid name or {@code size} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_open.3.html">shm_open(3)</a>
     */
    public static SharedMemory createOrOpen(String name, long size, Set<PosixFilePermission> permissions)
            throws IOException {
        return openOrCreate(name, size, permissions, true, false);
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
     * Removes this object's name, as {@link #unlink(String)}.
     *
     * @throws NoSuchFileException if the name was already removed (ENOENT)
     * @throws IOException if {@code shm_unlink} fails otherwise
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_unlink.3.html">shm_unlink(3)</a>
     */
    public void unlink() throws IOException {
        unlink(name);
    }

    private static SharedMemory openOrCreate(String name, long size, Set<PosixFilePermission> permissions,
                                             boolean create, boolean resizeExisting) throws IOException {
        Check.posixName(name);
        Check.positive("size", size);
        int mode = Modes.toMode(permissions);
        // O_EXCL first so that we know whether we made it: only its creator sizes an object
        // that should keep its size, and only its creator removes it again if sizing fails.
        while (true) {
            int fd = rawShmOpen(name, LibC.O_RDWR() | LibC.O_CREAT() | LibC.O_EXCL(), mode);
            if (fd >= 0) {
                return sized(new SharedMemory(OwnedFd.adopt(fd), true, name), size, true);
            }
            if (fd != -LibC.EEXIST() || !create) {
                throw Errors.named("shm_open", name, Errors.quote(name) + ", O_RDWR|O_CREAT|O_EXCL, "
                        + Modes.octal(mode), -fd);
            }
            fd = rawShmOpen(name, LibC.O_RDWR(), 0);
            if (fd >= 0) {
                SharedMemory shm = new SharedMemory(OwnedFd.adopt(fd), true, name);
                // A creator that has not sized it yet leaves size 0; sizing it here too is harmless.
                return resizeExisting || shm.size() == 0 ? sized(shm, size, false) : shm;
            }
            if (fd != -LibC.ENOENT()) {
                throw Errors.named("shm_open", name, Errors.quote(name) + ", O_RDWR", -fd);
            }
            // Unlinked between the two calls: try again.
        }
    }

    private static SharedMemory sized(SharedMemory shm, long size, boolean created) throws IOException {
        try {
            shm.truncate(size);
            return shm;
        } catch (IOException | RuntimeException e) {
            shm.close();
            if (created) {
                shmUnlink(shm.name);
            }
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
