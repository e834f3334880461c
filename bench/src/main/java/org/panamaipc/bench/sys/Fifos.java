package org.panamaipc.bench.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Sys;

/**
 * Opening the two FIFOs of the syscall-layer benchmarks without blocking on the other side:
 * the benchmark opens its read end {@code O_NONBLOCK} first (which never waits for a
 * writer) and switches it back to blocking later; the peer opens its read end read-write
 * (Linux: never waits, never sees end of file), so each write end finds its reader.
 */
final class Fifos {
    private Fifos() {
    }

    static void make(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            if (LibC.mkfifo(arena.allocateFrom(path.toString()), 0600) != 0) {
                throw new IOException("mkfifo failed: path=" + path);
            }
            path.toFile().deleteOnExit();
        }
    }

    /** The peer's read end: read-write, so that it never reads end of file before the writer opens. */
    static int openReadWrite(Path path) throws IOException {
        return open(path, LibC.O_RDWR());
    }

    static int openReadNonBlocking(Path path) throws IOException {
        return open(path, LibC.O_RDONLY() | LibC.O_NONBLOCK());
    }

    static int openWrite(Path path) throws IOException {
        return open(path, LibC.O_WRONLY());
    }

    static void makeBlocking(int fd) throws IOException {
        int flags = Sys.fcntl(fd, LibC.F_GETFL(), 0);
        if (flags < 0 || Sys.fcntl(fd, LibC.F_SETFL(), flags & ~LibC.O_NONBLOCK()) < 0) {
            throw new IOException("fcntl(F_SETFL) failed: fd=" + fd);
        }
    }

    private static int open(Path path, int flags) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            int fd = Sys.open(arena.allocateFrom(path.toString()), flags | LibC.O_CLOEXEC(), 0);
            if (fd < 0) {
                throw new IOException("open failed: path=" + path + " errno=" + -fd);
            }
            return fd;
        }
    }
}
