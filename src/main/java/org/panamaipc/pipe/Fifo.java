package org.panamaipc.pipe;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import org.panamaipc.BrokenPipeException;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.stat;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Blocker.Timing;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.Modes;
import org.panamaipc.internal.Macros;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.PipeCalls;
import org.panamaipc.internal.Sys;

/**
 * Named pipes: {@code mkfifo} and the opens of a FIFO, with their real semantics.
 *
 * <ul>
 * <li>A blocking open for reading waits until a writer opens the FIFO, and a blocking open
 *     for writing waits for a reader; the timed forms give up after a timeout and return
 *     {@code null}. Interrupting the waiting thread ends the wait with
 *     {@link InterruptedIOException} (there is no descriptor yet to close).
 * <li>A non-blocking open for reading succeeds at once; a non-blocking open for writing
 *     with no reader fails with ENXIO ({@link NoReaderException}).
 * <li>{@link #openReadWrite(Path)} never waits (Linux leaves {@code O_RDWR} on a FIFO
 *     defined): the process is its own reader and writer.
 * <li>Reads see end of file once every writer has closed; writes with no reader left throw
 *     {@link BrokenPipeException}, as for {@link Pipe}.
 * </ul>
 *
 * <p>Every descriptor is close-on-exec. A path that exists but is not a FIFO is refused
 * with a {@link FileSystemException} saying what it is.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/fifo.7.html">fifo(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man3/mkfifo.3.html">mkfifo(3)</a>
 */
public final class Fifo {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private Fifo() {
    }

    /**
     * Creates a FIFO readable and writable by its owner only (mode 0600).
     *
     * @param path where
     * @throws java.nio.file.FileAlreadyExistsException if something exists at {@code path} (EEXIST)
     * @throws NoSuchFileException if the directory does not exist (ENOENT)
     * @throws java.nio.file.AccessDeniedException if the directory is not writable (EACCES)
     * @throws IOException if the call fails otherwise
     */
    public static void create(Path path) throws IOException {
        NativeAccess.require();
        create(path, OWNER_ONLY);
    }

    /**
     * Creates a FIFO with the given permissions (the process's umask still applies).
     *
     * @param path where
     * @param permissions its permission bits
     * @throws java.nio.file.FileAlreadyExistsException if something exists at {@code path} (EEXIST)
     * @throws NoSuchFileException if the directory does not exist (ENOENT)
     * @throws java.nio.file.AccessDeniedException if the directory is not writable (EACCES)
     * @throws IOException if the call fails otherwise
     */
    public static void create(Path path, Set<PosixFilePermission> permissions) throws IOException {
        NativeAccess.require();
        Check.notNull("path", path);
        int mode = Modes.toMode(permissions);
        try (Arena arena = Arena.ofConfined()) {
            int r = PipeCalls.mkfifo(arena.allocateFrom(path.toString()), mode);
            if (r < 0) {
                throw Errors.named("mkfifo", path.toString(),
                        Errors.quote(path.toString()) + ", 0" + Integer.toOctalString(mode), -r);
            }
        }
    }

    /**
     * Removes a FIFO's name ({@code unlink}); processes that have it open keep using it.
     *
     * @param path the FIFO
     * @throws NoSuchFileException if nothing exists at {@code path}
     * @throws IOException if the call fails otherwise
     * @see <a href="https://man7.org/linux/man-pages/man2/unlink.2.html">unlink(2)</a>
     */
    public static void unlink(Path path) throws IOException {
        NativeAccess.require();
        Check.notNull("path", path);
        try (Arena arena = Arena.ofConfined()) {
            int r = Sys.unlink(arena.allocateFrom(path.toString()));
            if (r < 0) {
                throw Errors.named("unlink", path.toString(), Errors.quote(path.toString()), -r);
            }
        }
    }

    /**
     * Removes a FIFO's name if it exists ({@code unlink}).
     *
     * @param path the FIFO
     * @return whether a name was removed; {@code false} if nothing existed at {@code path}
     * @throws IOException if the call fails otherwise
     * @see <a href="https://man7.org/linux/man-pages/man2/unlink.2.html">unlink(2)</a>
     */
    public static boolean unlinkIfExists(Path path) throws IOException {
        NativeAccess.require();
        try {
            unlink(path);
            return true;
        } catch (NoSuchFileException gone) {
            return false;
        }
    }

    /**
     * Opens a FIFO for reading, waiting until a writer opens it.
     *
     * @param path the FIFO
     * @return the read end, in blocking mode
     * @throws NoSuchFileException if nothing exists at {@code path}
     * @throws FileSystemException if {@code path} is not a FIFO
     * @throws InterruptedIOException if the thread was interrupted while waiting (no
     *         descriptor was opened; the interrupt status stays set)
     * @throws IOException if the call fails otherwise
     */
    public static PipeSource openForReading(Path path) throws IOException {
        NativeAccess.require();
        return new PipeSource(open(path, LibC.O_RDONLY(), "O_RDONLY", Deadline.NONE));
    }

    /**
     * Opens a FIFO for reading, waiting at most {@code timeout} for a writer.
     *
     * @param path the FIFO
     * @param timeout the longest wait
     * @return the read end, in blocking mode, or {@code null} if no writer came in time
     * @throws NoSuchFileException if nothing exists at {@code path}
     * @throws FileSystemException if {@code path} is not a FIFO
     * @throws InterruptedIOException if the thread was interrupted while waiting (no
     *         descriptor was opened; the interrupt status stays set)
     * @throws IOException if the call fails otherwise
     */
    public static PipeSource openForReading(Path path, Duration timeout) throws IOException {
        NativeAccess.require();
        OwnedFd fd = open(path, LibC.O_RDONLY(), "O_RDONLY", Deadline.end(timeout));
        return fd == null ? null : new PipeSource(fd);
    }

    /**
     * Opens a FIFO for reading without waiting for a writer; the end is in non-blocking
     * mode ({@link PipeEnd#setBlocking(boolean)} changes it). While no writer has the FIFO
     * open, a read returns -1 (end of file, as Linux reports it), but a timed read
     * ({@link PipeSource#read(java.lang.foreign.MemorySegment, Duration)}) waits: the
     * kernel reports no hangup until a writer has come and gone.
     *
     * @param path the FIFO
     * @return the read end, in non-blocking mode
     * @throws NoSuchFileException if nothing exists at {@code path}
     * @throws FileSystemException if {@code path} is not a FIFO
     * @throws IOException if the call fails otherwise
     */
    public static PipeSource openForReadingNonBlocking(Path path) throws IOException {
        NativeAccess.require();
        return new PipeSource(open(path, LibC.O_RDONLY() | LibC.O_NONBLOCK(), "O_RDONLY|O_NONBLOCK", Deadline.NONE));
    }

    /**
     * Opens a FIFO for writing, waiting until a reader opens it.
     *
     * @param path the FIFO
     * @return the write end, in blocking mode
     * @throws NoSuchFileException if nothing exists at {@code path}
     * @throws FileSystemException if {@code path} is not a FIFO
     * @throws InterruptedIOException if the thread was interrupted while waiting (no
     *         descriptor was opened; the interrupt status stays set)
     * @throws IOException if the call fails otherwise
     */
    public static PipeSink openForWriting(Path path) throws IOException {
        NativeAccess.require();
        return new PipeSink(open(path, LibC.O_WRONLY(), "O_WRONLY", Deadline.NONE));
    }

    /**
     * Opens a FIFO for writing, waiting at most {@code timeout} for a reader.
     *
     * @param path the FIFO
     * @param timeout the longest wait
     * @return the write end, in blocking mode, or {@code null} if no reader came in time
     * @throws NoSuchFileException if nothing exists at {@code path}
     * @throws FileSystemException if {@code path} is not a FIFO
     * @throws InterruptedIOException if the thread was interrupted while waiting (no
     *         descriptor was opened; the interrupt status stays set)
     * @throws IOException if the call fails otherwise
     */
    public static PipeSink openForWriting(Path path, Duration timeout) throws IOException {
        NativeAccess.require();
        OwnedFd fd = open(path, LibC.O_WRONLY(), "O_WRONLY", Deadline.end(timeout));
        return fd == null ? null : new PipeSink(fd);
    }

    /**
     * Opens a FIFO for writing only if a reader has it open already, without waiting.
     *
     * @param path the FIFO
     * @return the write end, in non-blocking mode
     * @throws NoReaderException if no process has the FIFO open for reading (ENXIO)
     * @throws NoSuchFileException if nothing exists at {@code path}
     * @throws FileSystemException if {@code path} is not a FIFO
     * @throws IOException if the call fails otherwise
     */
    public static PipeSink openForWritingNonBlocking(Path path) throws IOException {
        NativeAccess.require();
        return new PipeSink(open(path, LibC.O_WRONLY() | LibC.O_NONBLOCK(), "O_WRONLY|O_NONBLOCK", Deadline.NONE));
    }

    /**
     * Opens a FIFO for reading and writing at once ({@code O_RDWR}), never waiting: the
     * returned pipe's two ends share one open file, so this process counts as a reader and
     * a writer, and its reads never see end of file while the pipe is open.
     *
     * @param path the FIFO
     * @return both ends, in blocking mode
     * @throws NoSuchFileException if nothing exists at {@code path}
     * @throws FileSystemException if {@code path} is not a FIFO
     * @throws IOException if the call fails otherwise
     */
    public static Pipe openReadWrite(Path path) throws IOException {
        NativeAccess.require();
        OwnedFd fd = open(path, LibC.O_RDWR(), "O_RDWR", Deadline.NONE);
        try {
            return new Pipe(new PipeSource(fd), new PipeSink(fd.dup()));
        } catch (IOException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /**
     * Opens the FIFO through the blocking engine, with an engine of its own: there is no
     * descriptor to close yet, so only an interrupt or the deadline can end the wait.
     */
    private static OwnedFd open(Path path, int flags, String flagNames, long deadline) throws IOException {
        Check.notNull("path", path);
        String p = path.toString();
        requireFifo(path);
        String args = Errors.quote(p) + ", " + flagNames + "|O_CLOEXEC";
        long fd;
        Blocker opening = Blocker.forHandle("the open of FIFO " + p, null);
        try (Arena arena = Arena.ofConfined()) {
            fd = opening.call(PipeCalls::openFifo, 0, arena.allocateFrom(p), MemorySegment.NULL,
                    flags | LibC.O_CLOEXEC(), 0, 0, deadline, Timing.TIMER);
        } finally {
            opening.close();
        }
        if (fd == -Blocker.ETIMEDOUT) {
            return null;
        }
        if (fd < 0) {
            if (-fd == LibC.ENXIO()) {
                throw new NoReaderException(args);
            }
            throw Errors.named("open", p, args, (int) -fd);
        }
        OwnedFd owned = OwnedFd.adopt((int) fd);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(stat.layout());
            int r = Sys.fstat((int) fd, st);
            if (r < 0) {
                throw Errors.of("fstat", "fd=" + fd, -r);
            }
            if (!Macros.isFifo(stat.st_mode(st))) {
                throw new FileSystemException(p, null, "not a FIFO (it was replaced while being opened)");
            }
        } catch (IOException | RuntimeException e) {
            owned.close();
            throw e;
        }
        return owned;
    }

    private static void requireFifo(Path path) throws IOException {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if (Macros.isSymbolicLink(mode)) {
                mode = (Integer) Files.getAttribute(path, "unix:mode");
            }
        } catch (NoSuchFileException e) {
            throw new org.panamaipc.IpcNoSuchFileException("open", path.toString(),
                    Errors.quote(path.toString()), LibC.ENOENT());
        } catch (UnsupportedOperationException e) {
            return; // no unix view: the fstat after the open checks
        }
        if (!Macros.isFifo(mode)) {
            throw new FileSystemException(path.toString(), null, "not a FIFO but " + kind(mode));
        }
    }

    private static String kind(int mode) {
        if (Macros.isRegular(mode)) {
            return "a regular file";
        } else if (Macros.isDirectory(mode)) {
            return "a directory";
        } else if (Macros.isCharacterDevice(mode)) {
            return "a character device";
        } else if (Macros.isBlockDevice(mode)) {
            return "a block device";
        } else if (Macros.isSocket(mode)) {
            return "a socket";
        }
        return "mode 0" + Integer.toOctalString(mode);
    }
}
