package org.panamaipc.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.stat;

/**
 * What kind of object a descriptor refers to: the one check every {@code adopt} makes before
 * it takes a descriptor for its own kind, so that a pipe never becomes an eventfd.
 */
public final class FdKind {
    private FdKind() {
    }

    /**
     * Requires a descriptor of a regular file (a memfd, a POSIX shared memory object, a file).
     *
     * @param fd the open descriptor
     * @param expected what the caller takes it for, for the message, e.g. {@code "shared memory"}
     * @throws IllegalArgumentException if it refers to something else
     * @throws IOException if {@code fstat} fails
     */
    public static void requireRegularFile(int fd, String expected) throws IOException {
        if (fileType(fd) != LibC.S_IFREG()) {
            throw wrongKind(fd, expected + " (a regular file)");
        }
    }

    /**
     * Requires a descriptor of an anonymous inode of one kind, as {@code /proc/self/fd} names
     * it: {@code anon_inode:[eventfd]}, {@code anon_inode:[pidfd]}, ...
     *
     * @param fd the open descriptor
     * @param kind the kind between the brackets, e.g. {@code "eventfd"}
     * @throws IllegalArgumentException if it refers to something else
     * @throws IOException if {@code fstat} fails
     */
    public static void requireAnonInode(int fd, String kind) throws IOException {
        fileType(fd); // EBADF first, as every other check reports it
        if (!("anon_inode:[" + kind + "]").equals(target(fd))) {
            throw wrongKind(fd, "an " + kind);
        }
    }

    /**
     * The file type bits of a descriptor ({@code st_mode & S_IFMT}).
     *
     * @param fd the open descriptor
     * @return e.g. {@code S_IFREG}, {@code S_IFSOCK}, {@code S_IFIFO}
     * @throws IOException if {@code fstat} fails
     */
    public static int fileType(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(stat.layout());
            int r = Sys.fstat(fd, st);
            if (r < 0) {
                throw Errors.of("fstat", "fd=" + fd, -r);
            }
            return stat.st_mode(st) & LibC.S_IFMT();
        }
    }

    private static IllegalArgumentException wrongKind(int fd, String expected) {
        return new IllegalArgumentException("fd=" + fd + " is " + target(fd) + ", not " + expected);
    }

    /** {@return what {@code /proc/self/fd} says the descriptor refers to, e.g. {@code pipe:[4711]}} */
    private static String target(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException | UnsupportedOperationException unreadable) {
            return "(unknown kind)";
        }
    }
}
