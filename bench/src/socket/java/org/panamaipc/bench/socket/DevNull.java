package org.panamaipc.bench.socket;

import java.io.IOException;
import java.lang.foreign.Arena;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Sys;

/** The descriptor the descriptor-passing benchmarks send. */
final class DevNull {
    private DevNull() {
    }

    static OwnedFd open() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            int fd = Sys.open(arena.allocateFrom("/dev/null"), LibC.O_RDONLY() | LibC.O_CLOEXEC(), 0);
            if (fd < 0) {
                throw new IOException("open(/dev/null): errno=" + -fd);
            }
            return OwnedFd.adopt(fd);
        }
    }
}
