package org.panamaipc.socket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The descriptors this process has open, to show that a test leaked none. */
final class Fds {
    private Fds() {
    }

    static Set<Integer> open() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.map(p -> Integer.parseInt(p.getFileName().toString())).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The target of a descriptor's /proc link, e.g. {@code socket:[123]} or a path. */
    static String target(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException e) {
            return "(closed)";
        }
    }
}
