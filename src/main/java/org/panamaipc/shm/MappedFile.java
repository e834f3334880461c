package org.panamaipc.shm;

import org.panamaipc.internal.Modes;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.stat;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.Sys;

/**
 * A regular file opened for mapping: shared mappings write through to the file (flushed by
 * {@link Mapping#sync(SyncMode)}), {@link MapMode#PRIVATE} ones are copy-on-write.
 *
 * <p>Unlike {@link java.nio.channels.FileChannel#map}, the mappings made here offer
 * {@code msync} modes, {@code madvise}, {@code mlock} and {@link MapOption#POPULATE}.
 * To grow a mapped file, {@link #truncate(long) truncate} it larger and
 * {@link Mapping#remap(long) remap}: the library never lets a mapping reach past the end.
 *
 * <pre>{@code
 * try (MappedFile file = MappedFile.create(path, 1 << 16);
 *      Mapping m = file.map()) {
 *     m.segment().setString(0, "hello");
 *     m.sync(SyncMode.SYNC);
 * }
 * }</pre>
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/mmap.2.html">mmap(2)</a>
 */
public final class MappedFile extends MappableFile {
    private final Path path;

    private MappedFile(OwnedFd fd, boolean writable, Path path) {
        super(fd, writable);
        this.path = path;
    }

    @Override
    String describe() {
        return Errors.quote(path.toString());
    }

    /** {@return the path the file was opened by} */
    public Path path() {
        return path;
    }

    /**
     * Opens an existing file read-write.
     *
     * @param path the file
     * @return the open file
     * @throws NoSuchFileException if the file does not exist (ENOENT)
     * @throws java.nio.file.AccessDeniedException if it may not be opened read-write (EACCES)
     * @throws IOException if {@code open} fails otherwise ({@code EISDIR} for a directory)
     * @throws IllegalArgumentException if the path is not a regular file (a FIFO, a device)
     * @see <a href="https://man7.org/linux/man-pages/man2/open.2.html">open(2)</a>
     */
    public static MappedFile open(Path path) throws IOException {
        return new MappedFile(open(path, LibC.O_RDWR(), 0), true, path);
    }

    /**
     * Opens an existing file read-only: map it {@link MapMode#READ_ONLY} or {@link MapMode#PRIVATE}.
     *
     * @param path the file
     * @return the open file
     * @throws NoSuchFileException if the file does not exist (ENOENT)
     * @throws java.nio.file.AccessDeniedException if it may not be read (EACCES)
     * @throws IOException if {@code open} fails otherwise
     * @throws IllegalArgumentException if the path is not a regular file (a FIFO, a device)
     * @see <a href="https://man7.org/linux/man-pages/man2/open.2.html">open(2)</a>
     */
    public static MappedFile openReadOnly(Path path) throws IOException {
        return new MappedFile(open(path, LibC.O_RDONLY(), 0), false, path);
    }

    /**
     * Opens the file read-write, creating it (mode 0600) if absent; its size becomes {@code size}.
     *
     * @param path the file
     * @param size the size in bytes, positive
     * @return the open file
     * @throws java.nio.file.AccessDeniedException if it may not be opened or created (EACCES)
     * @throws IOException if {@code open} or {@code ftruncate} fails
     * @throws IllegalArgumentException if {@code size} is not positive or the path is not a regular file
     * @see <a href="https://man7.org/linux/man-pages/man2/open.2.html">open(2)</a>
     */
    public static MappedFile create(Path path, long size) throws IOException {
        return create(path, size, Modes.OWNER_READ_WRITE, false);
    }

    /**
     * Creates the file ({@code O_CREAT | O_EXCL}) with the given permissions and size,
     * failing if it exists.
     *
     * @param path the file
     * @param size the size in bytes, positive
     * @param permissions the permissions (the umask applies)
     * @return the open file
     * @throws FileAlreadyExistsException if the file exists (EEXIST)
     * @throws IOException if {@code open} or {@code ftruncate} fails
     * @throws IllegalArgumentException if {@code size} is not positive or the path is not a regular file
     * @see <a href="https://man7.org/linux/man-pages/man2/open.2.html">open(2)</a>
     */
    public static MappedFile createExclusively(Path path, long size, Set<PosixFilePermission> permissions)
            throws IOException {
        return create(path, size, permissions, true);
    }

    private static MappedFile create(Path path, long size, Set<PosixFilePermission> permissions,
                                     boolean exclusive) throws IOException {
        Check.positive("size", size);
        int flags = LibC.O_RDWR() | LibC.O_CREAT() | (exclusive ? LibC.O_EXCL() : 0);
        MappedFile file = new MappedFile(open(path, flags, Modes.toMode(permissions)), true, path);
        try {
            file.truncate(size);
            return file;
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static OwnedFd open(Path path, int flags, int mode) throws IOException {
        Check.notNull("path", path);
        String p = path.toString();
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cPath = arena.allocateFrom(p);
            // O_NONBLOCK: opening a FIFO by mistake must not wait for its other end.
            do {
                fd = Sys.open(cPath, flags | LibC.O_CLOEXEC() | LibC.O_NONBLOCK(), mode);
            } while (fd == -Sys.EINTR);
            if (fd < 0) {
                throw Errors.named("open", p, Errors.quote(p) + ", flags=0x" + Integer.toHexString(flags), -fd);
            }
            OwnedFd owned = OwnedFd.adopt(fd);
            MemorySegment st = arena.allocate(stat.layout());
            int r = Sys.fstat(fd, st);
            if (r < 0 || (stat.st_mode(st) & LibC.S_IFMT()) != LibC.S_IFREG()) {
                owned.close();
                if (r < 0) {
                    throw Errors.of("fstat", Errors.quote(p), -r);
                }
                throw new IllegalArgumentException("path=" + Errors.quote(p) + " is not a regular file");
            }
            return owned;
        }
    }
}
