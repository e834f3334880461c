package org.panamaipc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Lists the open file descriptors of this JVM from {@code /proc/self/fd} and tells which are
 * new.
 *
 * <p>The JVM opens descriptors of its own, lazily, and keeps them: the jar files and JDK
 * modules it loads classes from, {@code /dev/random} and {@code /dev/urandom} for
 * {@code SecureRandom}. Those are {@linkplain #isJvmOwned ignored}.
 */
final class Descriptors {

    /**
     * An open descriptor.
     *
     * @param fd its number
     * @param target what it refers to, as {@code readlink /proc/self/fd/N} says: a path,
     *     {@code pipe:[inode]}, {@code socket:[inode]}, {@code anon_inode:[eventfd]}...
     */
    record Descriptor(int fd, String target) {
        @Override
        public String toString() {
            return "fd " + fd + " -> " + target;
        }
    }

    private static final Path FD_DIRECTORY = Path.of("/proc/self/fd");

    private static final String JAVA_HOME = Path.of(System.getProperty("java.home")).toString() + "/";

    private Descriptors() {}

    /**
     * Lists the open descriptors of this JVM that it does not own itself.
     *
     * @return the descriptors, by number
     */
    static List<Descriptor> open() {
        List<Descriptor> open = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(FD_DIRECTORY)) {
            for (Path entry : entries) {
                String target;
                try {
                    target = Files.readSymbolicLink(entry).toString();
                } catch (IOException closedMeanwhile) {
                    continue;
                }
                if (!isListing(target) && !isJvmOwned(target)) {
                    open.add(new Descriptor(Integer.parseInt(entry.getFileName().toString()), target));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        open.sort(Comparator.comparingInt(Descriptor::fd));
        return open;
    }

    /**
     * Returns the descriptors of {@code after} that were not open in {@code before}.
     *
     * <p>A descriptor is the same if both its number and its target are: a number that
     * changed hands (closed, then reused for a pipe with another inode) is a new descriptor.
     *
     * @param before the earlier listing
     * @param after the later listing
     * @return the new descriptors, by number
     */
    static List<Descriptor> added(List<Descriptor> before, List<Descriptor> after) {
        Set<Descriptor> old = new HashSet<>(before);
        return after.stream().filter(d -> !old.contains(d)).toList();
    }

    /**
     * Tells whether a descriptor is one the JVM opens lazily for itself and keeps.
     *
     * @param target what the descriptor refers to
     * @return true for the JDK's own files, jar files and the random devices
     */
    static boolean isJvmOwned(String target) {
        return target.startsWith(JAVA_HOME)
                || target.endsWith(".jar")
                || target.equals("/dev/random")
                || target.equals("/dev/urandom");
    }

    /** Tells whether a descriptor is the one listing /proc/self/fd, which is closed again. */
    private static boolean isListing(String target) {
        return target.equals("/proc/" + ProcessHandle.current().pid() + "/fd");
    }
}
