package org.panamaipc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.panamaipc.DescriptorKind;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.mq_attr;
import org.panamaipc.bindings.stat;

/**
 * What a descriptor refers to, the one check every {@code adopt} and conversion of a
 * received descriptor makes, and the reopening through {@code /proc/self/fd} that gives a
 * JDK {@link FileChannel} for one.
 */
public final class FdKinds {
    private FdKinds() {
    }

    /**
     * Classifies an open descriptor: by its {@code anon_inode} link, then by {@code fstat}'s
     * file type, a socket by its domain, a regular file by its link ({@code /memfd:}) and by
     * whether {@code mq_getattr} takes it.
     *
     * @param n the descriptor, held open by the caller
     * @return its kind
     * @throws IOException if {@code fstat} fails
     */
    public static DescriptorKind classify(int n) throws IOException {
        String link = link(n);
        if (link.startsWith("anon_inode:") || link.startsWith("pidfd:")) {
            String what = link.substring(link.indexOf(':') + 1);
            switch (what) {
                case "[eventfd]": return DescriptorKind.EVENTFD;
                case "[pidfd]": return DescriptorKind.PIDFD;
                case "[signalfd]": return DescriptorKind.SIGNALFD;
                case "[eventpoll]": return DescriptorKind.EPOLL;
                case "[timerfd]": return DescriptorKind.TIMERFD;
                default:
                    if (link.startsWith("pidfd:")) {
                        return DescriptorKind.PIDFD; // pidfs (Linux 6.9+) may name it so
                    }
                    return DescriptorKind.OTHER;
            }
        }
        int type;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = stat.allocate(arena);
            int r = Sys.fstat(n, st);
            if (r < 0) {
                throw Errors.of("fstat", "fd=" + n, -r);
            }
            type = stat.st_mode(st) & LibC.S_IFMT();
            if (type == LibC.S_IFSOCK()) {
                MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
                MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, Integer.BYTES);
                int g = SocketCalls.getsockopt(n, LibC.SOL_SOCKET(), LibC.SO_DOMAIN(), v, len);
                return g == 0 && v.get(ValueLayout.JAVA_INT, 0) == LibC.AF_UNIX()
                        ? DescriptorKind.UNIX_SOCKET : DescriptorKind.OTHER_SOCKET;
            }
            if (type == LibC.S_IFREG()) {
                if (link.startsWith("/memfd:")) {
                    return DescriptorKind.MEMFD;
                }
                return MqCalls.mqGetattr(n, mq_attr.allocate(arena)) == 0
                        ? DescriptorKind.MESSAGE_QUEUE : DescriptorKind.REGULAR_FILE;
            }
        }
        if (type == LibC.S_IFIFO()) {
            return DescriptorKind.PIPE;
        }
        if (type == LibC.S_IFDIR()) {
            return DescriptorKind.DIRECTORY;
        }
        if (type == LibC.S_IFCHR()) {
            return DescriptorKind.CHARACTER_DEVICE;
        }
        if (type == LibC.S_IFBLK()) {
            return DescriptorKind.BLOCK_DEVICE;
        }
        return DescriptorKind.OTHER;
    }

    /**
     * Requires a descriptor to be of one of the kinds a call takes.
     *
     * @param fd the descriptor
     * @param call the call, for the message: {@code "UnixSocket.adopt"}
     * @param wanted what the call takes, in words: {@code "a Unix domain socket"}
     * @param accepted the kinds it takes
     * @return the descriptor's kind
     * @throws IllegalArgumentException naming the call, the descriptor, what it is, what was
     *         wanted and what it can become instead
     * @throws IllegalStateException if {@code fd} is closed
     * @throws IOException if {@code fstat} fails
     */
    public static DescriptorKind require(OwnedFd fd, String call, String wanted, DescriptorKind... accepted)
            throws IOException {
        Check.notNull("fd", fd);
        int n = fd.acquire();
        try {
            DescriptorKind kind = classify(n);
            if (!Arrays.asList(accepted).contains(kind)) {
                throw wrongKind(call, n, kind, "not " + wanted);
            }
            return kind;
        } finally {
            fd.release();
        }
    }

    /**
     * The message for a descriptor that a call does not take.
     *
     * @param call the call
     * @param n the descriptor
     * @param kind what it is
     * @param problem why the call refuses it: {@code "not a Unix domain socket"}
     * @return the exception to throw
     */
    public static IllegalArgumentException wrongKind(String call, int n, DescriptorKind kind, String problem) {
        return new IllegalArgumentException(call + ": fd=" + n + " is " + kind.description() + " (" + link(n) + "), "
                + problem + "; " + kind.description() + " becomes " + kind.becomes() + " (DescriptorKind." + kind + ")");
    }

    /**
     * Takes a descriptor over for a new owner once it is of a kind the owner takes: the
     * number is detached from {@code fd}, so that closing {@code fd} (or the received
     * message that held it) no longer closes it.
     *
     * @param fd the descriptor
     * @param call the adopting call
     * @param wanted what it takes, in words
     * @param accepted the kinds it takes
     * @return a new owner of the same number
     * @throws IllegalArgumentException if the kind does not fit; {@code fd} stays open and the caller's
     * @throws IllegalStateException if {@code fd} is closed or in use by a call
     * @throws IOException if {@code fstat} fails
     */
    public static OwnedFd take(OwnedFd fd, String call, String wanted, DescriptorKind... accepted) throws IOException {
        require(fd, call, wanted, accepted);
        return OwnedFd.adopt(fd.detach());
    }

    /**
     * The access mode a descriptor was opened with: {@code O_RDONLY}, {@code O_WRONLY} or
     * {@code O_RDWR}, with {@code O_APPEND} when set.
     *
     * @param n the descriptor
     * @return the status flags ({@code F_GETFL})
     * @throws IOException if {@code fcntl} fails
     */
    public static int statusFlags(int n) throws IOException {
        int fl = Sys.fcntl(n, LibC.F_GETFL(), 0);
        if (fl < 0) {
            throw Errors.of("fcntl", "fd=" + n + ", F_GETFL", -fl);
        }
        return fl;
    }

    /**
     * Sets or clears {@code O_NONBLOCK} on a descriptor's open file, shared with every process
     * holding it; no {@code F_SETFL} when the flag is as wanted already.
     *
     * @param n the descriptor
     * @param nonBlocking whether calls on it must not wait
     * @throws IOException if {@code fcntl} fails
     */
    public static void setNonBlocking(int n, boolean nonBlocking) throws IOException {
        int fl = statusFlags(n);
        int wanted = nonBlocking ? fl | LibC.O_NONBLOCK() : fl & ~LibC.O_NONBLOCK();
        if (wanted != fl) {
            int r = Sys.fcntl(n, LibC.F_SETFL(), wanted);
            if (r < 0) {
                throw Errors.of("fcntl", "fd=" + n + ", F_SETFL", -r);
            }
        }
    }

    /**
     * Opens the file a descriptor refers to again, through its {@code /proc/self/fd} link,
     * as a {@link FileChannel} with the descriptor's access mode, positioned at the
     * descriptor's offset. The channel has an open file description of its own: offsets are
     * not shared afterwards, and the file's permissions are checked again for this process.
     *
     * @param n the descriptor, held open by the caller
     * @param call the call, for messages
     * @param needed {@code READ} or {@code WRITE} when the caller needs that direction, else null
     * @return the channel
     * @throws IllegalArgumentException if the descriptor was not opened for {@code needed}
     * @throws IOException if the reopening fails (the reason names the caveat)
     */
    public static FileChannel reopen(int n, String call, StandardOpenOption needed) throws IOException {
        int fl = statusFlags(n);
        int access = fl & LibC.O_ACCMODE();
        Set<StandardOpenOption> options = EnumSet.noneOf(StandardOpenOption.class);
        boolean append = (fl & LibC.O_APPEND()) != 0;
        if (access == LibC.O_RDONLY() || access == LibC.O_RDWR()) {
            options.add(StandardOpenOption.READ);
        }
        if (access == LibC.O_WRONLY() || access == LibC.O_RDWR()) {
            options.add(StandardOpenOption.WRITE);
            if (append && access == LibC.O_WRONLY()) {
                options.add(StandardOpenOption.APPEND); // the JDK takes APPEND only without READ
            }
        }
        if (needed != null && !options.contains(needed)) {
            throw new IllegalArgumentException(call + ": fd=" + n + " (" + link(n) + ") was opened "
                    + (access == LibC.O_RDONLY() ? "read-only" : "write-only") + ", not for " + needed);
        }
        Path path = Path.of("/proc/self/fd/" + n);
        FileChannel channel;
        try {
            channel = FileChannel.open(path, options);
        } catch (FileSystemException e) {
            String reason = call + " opens the file again through /proc/self/fd with " + options
                    + ", which this process may not do (" + e.getClass().getSimpleName()
                    + (e.getReason() == null ? "" : ": " + e.getReason()) + "); the descriptor stays open";
            throw e instanceof AccessDeniedException ? new AccessDeniedException(path.toString(), link(n), reason)
                    : e instanceof NoSuchFileException ? new NoSuchFileException(path.toString(), link(n), reason)
                    : new FileSystemException(path.toString(), link(n), reason);
        }
        if (!options.contains(StandardOpenOption.APPEND)) {
            try {
                channel.position(offset(n));
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }
        return channel;
    }

    /**
     * The file offset of a descriptor, from {@code /proc/self/fdinfo}.
     *
     * @param n the descriptor
     * @return the offset, 0 if unknown
     * @throws IOException if the fdinfo file cannot be read
     */
    static long offset(int n) throws IOException {
        String value = fdinfo(n, "pos:");
        return value == null ? 0 : Long.parseLong(value);
    }

    /**
     * A field of {@code /proc/self/fdinfo/N}, such as {@code pos:} or {@code Pid:}.
     *
     * @param n the descriptor
     * @param field the field's name with its colon
     * @return its value, trimmed, or null when there is no such field
     * @throws IOException if the file cannot be read
     */
    public static String fdinfo(int n, String field) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("/proc/self/fdinfo/" + n))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.startsWith(field)) {
                    return line.substring(field.length()).trim();
                }
            }
        }
        return null;
    }

    /** The descriptor's {@code /proc/self/fd} link, or {@code "?"}. */
    private static String link(int n) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + n)).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "?";
        }
    }
}
