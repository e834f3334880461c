package org.panamaipc.socket;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.stat;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.Macros;
import org.panamaipc.internal.Modes;
import org.panamaipc.internal.Sys;

/**
 * The mode of a socket file, made race-free. Linux creates the file at {@code bind} with the
 * socket inode's mode less the umask, so the socket is {@code fchmod}ed to the asked mode
 * before {@code bind}: the file never exists with a wider mode. Only where the umask took
 * bits away is the file widened afterwards, to exactly what was asked — through a descriptor
 * opened with {@code O_PATH | O_NOFOLLOW} and checked to be a socket, so that no link put in
 * its place can turn the change onto another file.
 */
final class SocketFileMode {
    private static final int PERMISSION_BITS = 0777;

    private SocketFileMode() {
    }

    /**
     * Widens a just-bound socket file to the asked mode if the umask narrowed it.
     *
     * @param path the socket file
     * @param mode the asked mode
     * @param permissions the same, as a set
     * @throws IOException if the file cannot be opened or changed, or is no socket any more
     */
    static void widenToAsked(Path path, int mode, Set<PosixFilePermission> permissions) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            int fd = Sys.open(arena.allocateFrom(path.toString()),
                    LibC.O_PATH() | LibC.O_NOFOLLOW() | LibC.O_CLOEXEC(), 0);
            if (fd < 0) {
                throw Errors.named("open", path.toString(), Errors.quote(path.toString()) + ", O_PATH|O_NOFOLLOW", -fd);
            }
            try {
                MemorySegment st = arena.allocate(stat.layout());
                int r = Sys.fstat(fd, st);
                if (r < 0) {
                    throw Errors.of("fstat", Errors.quote(path.toString()), -r);
                }
                int found = stat.st_mode(st);
                if (!Macros.isSocket(found)) {
                    throw new IOException("socket file " + path + " was replaced by another file (mode="
                            + Modes.octal(found) + ") before its permissions were set");
                }
                if ((found & PERMISSION_BITS) != mode) {
                    // chmod through /proc/self/fd changes the inode opened above, whatever the name means now
                    Files.setPosixFilePermissions(Path.of("/proc/self/fd", Integer.toString(fd)), permissions);
                }
            } finally {
                Sys.close(fd);
            }
        }
    }
}
