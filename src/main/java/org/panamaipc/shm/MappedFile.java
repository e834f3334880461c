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
import org.panamaipc.ObjectMismatchException;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.stat;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.NativeAccess;
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
 * <p>The verbs are those of every named object: {@link #create(Path, long) create} makes a new
 * file and fails if the path exists, {@link #open(Path) open} opens an existing one, and
 * {@link #openOrCreate(Path, long) openOrCreate} does either without ever altering a file
 * that exists. Delete the file with {@link java.nio.file.Files#delete(Path)}.
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
        NativeAccess.require();
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
        NativeAccess.require();
        return new MappedFile(open(path, LibC.O_RDONLY(), 0), false, path);
    }

    /**
     * Creates the file ({@code O_CREAT | O_EXCL}, like {@link java.nio.file.StandardOpenOption#CREATE_NEW})
     * with mode 0600 and size {@code size}, read-write; never opens or alters an existing one.
     *
     * @param path the file
     * @param size the size in bytes, positive
     * @return the open file
     * @throws FileAlreadyExistsException if the path exists (EEXIST), even as a dangling
     *         symbolic link; it is left as it was
     * @throws java.nio.file.AccessDeniedException if it may not be created (EACCES)
     * @throws IOException if {@code open} or {@code ftruncate} fails; a failed
     *         {@code ftruncate} deletes the file again
     * @throws IllegalArgumentException if {@code size} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man2/open.2.html">open(2)</a>
     */
    public static MappedFile create(Path path, long size) throws IOException {
        NativeAccess.require();
        return create(path, size, Modes.OWNER_READ_WRITE);
    }

    /**
     * Creates the file ({@code O_CREAT | O_EXCL}) with the given permissions and size
     * {@code size}, read-write; never opens or alters an existing one.
     *
     * @param path the file
     * @param size the size in bytes, positive
     * @param permissions the permissions (the umask applies)
     * @return the open file
     * @throws FileAlreadyExistsException if the path exists (EEXIST); it is left as it was
     * @throws java.nio.file.AccessDeniedException if it may not be created (EACCES)
     * @throws IOException if {@code open} or {@code ftruncate} fails; a failed
     *         {@code ftruncate} deletes the file again
     * @throws IllegalArgumentException if {@code size} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man2/open.2.html">open(2)</a>
     */
    public static MappedFile create(Path path, long size, Set<PosixFilePermission> permissions)
            throws IOException {
        NativeAccess.require();
        Check.positive("size", size);
        int mode = Modes.toMode(permissions);
        return sized(new MappedFile(open(path, LibC.O_RDWR() | LibC.O_CREAT() | LibC.O_EXCL(), mode), true, path),
                size);
    }

    /**
     * Opens the file read-write if it exists, or creates it with mode 0600 and size
     * {@code size}. Never alters an existing file: see {@link #openOrCreate(Path, long, Set)}.
     *
     * @param path the file
     * @param size the size if created, and the least size an existing file must have; positive
     * @return the open file
     * @throws ObjectMismatchException if the existing file is smaller than {@code size}
     * @throws java.nio.file.AccessDeniedException if it may not be opened or created (EACCES)
     * @throws IOException if {@code open}, {@code fstat} or {@code ftruncate} fails
     * @throws IllegalArgumentException if {@code size} is not positive or the path is not a regular file
     * @see <a href="https://man7.org/linux/man-pages/man2/open.2.html">open(2)</a>
     */
    public static MappedFile openOrCreate(Path path, long size) throws IOException {
        NativeAccess.require();
        return openOrCreate(path, size, Modes.OWNER_READ_WRITE);
    }

    /**
     * Opens the file read-write if it exists, or creates it with the given permissions and
     * size {@code size}. Safe when several processes race: exactly one creates and sizes it.
     *
     * <p>An existing file is never altered: not resized, not re-permissioned. One of
     * {@code size} bytes or more is opened as it is (a larger one keeps its larger size);
     * a smaller one is refused with {@link ObjectMismatchException} and left as it was. A
     * file of size 0 is one whose creator has not sized it yet: it is given a moment to,
     * then refused the same way.
     *
     * @param path the file
     * @param size the size if created, and the least size an existing file must have; positive
     * @param permissions the permissions if created (the umask applies)
     * @return the open file
     * @throws ObjectMismatchException if the existing file is smaller than {@code size}
     * @throws java.nio.file.AccessDeniedException if it may not be opened or created (EACCES)
     * @throws IOException if {@code open}, {@code fstat} or {@code ftruncate} fails
     * @throws IllegalArgumentException if {@code size} is not positive or the path is not a regular file
     * @see <a href="https://man7.org/linux/man-pages/man2/open.2.html">open(2)</a>
     */
    public static MappedFile openOrCreate(Path path, long size, Set<PosixFilePermission> permissions)
            throws IOException {
        NativeAccess.require();
        Check.positive("size", size);
        int mode = Modes.toMode(permissions);
        while (true) {
            OwnedFd created = tryOpen(path, LibC.O_RDWR() | LibC.O_CREAT() | LibC.O_EXCL(), mode, LibC.EEXIST());
            if (created != null) {
                return sized(new MappedFile(created, true, path), size);
            }
            OwnedFd existing = tryOpen(path, LibC.O_RDWR(), 0, LibC.ENOENT());
            if (existing != null) {
                return atLeast(new MappedFile(existing, true, path), size);
            }
            // Deleted between the two calls: try again.
        }
    }

    private static MappedFile sized(MappedFile file, long size) throws IOException {
        try {
            file.truncate(size);
            return file;
        } catch (IOException | RuntimeException e) {
            file.close();
            try (Arena arena = Arena.ofConfined()) {
                Sys.unlink(arena.allocateFrom(file.path.toString()));
            }
            throw e;
        }
    }

    private static OwnedFd open(Path path, int flags, int mode) throws IOException {
        return tryOpen(path, flags, mode, 0);
    }

    /**
     * Opens a regular file; {@code null} if {@code open} fails with {@code expected} (an
     * errno the caller handles, or 0 for none).
     */
    private static OwnedFd tryOpen(Path path, int flags, int mode, int expected) throws IOException {
        Check.notNull("path", path);
        String p = path.toString();
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cPath = arena.allocateFrom(p);
            // O_NONBLOCK: opening a FIFO by mistake must not wait for its other end. So this
            // open never blocks, and needs neither the blocking engine nor an EINTR loop.
            fd = Sys.open(cPath, flags | LibC.O_CLOEXEC() | LibC.O_NONBLOCK(), mode);
            if (expected != 0 && fd == -expected) {
                return null;
            }
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
