package org.panamaipc.shm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.panamaipc.OwnedFd;
import org.panamaipc.DescriptorKind;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.FdUse;
import org.panamaipc.internal.FdKinds;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.ShmCalls;
import org.panamaipc.internal.Sys;

/**
 * Anonymous shared memory ({@code memfd_create}): memory reached through a descriptor
 * rather than a name, so it cannot leak into {@code /dev/shm} and reaches only the processes
 * it is given to — by descriptor passing over a Unix socket ({@link #fd()} out,
 * {@link #adopt(OwnedFd)} in), by inheritance to a child, or through
 * {@link #pathForPeers()}. The descriptor is close-on-exec: a child inherits it only when
 * its launcher places it explicitly ({@code dup2} in the child, e.g. a {@code posix_spawn}
 * file action); the JDK's {@link ProcessBuilder} passes no descriptors beyond the standard
 * three.
 *
 * <p><b>Seals</b> make the memory safe to share with a process that is not trusted: a
 * receiver checks {@link #seals()} and, with {@link Seal#SHRINK} present, knows its mappings
 * can never lose their pages under it.
 *
 * <p><b>Why {@code create} and no {@code open}.</b> Every call of {@link #create(String)}
 * makes a new object: its name is only a label for {@code /proc/PID/fd} and error messages,
 * not a key any process can find it by, so it can never exist already. {@code create} is
 * exclusive here as everywhere in the library; there is nothing to {@code open} by name and
 * nothing to {@code unlink}: the memory goes with the last descriptor and mapping.
 *
 * <pre>{@code
 * try (Memfd memfd = Memfd.create("frame", 1 << 20)) {
 *     try (Mapping m = memfd.map()) { m.segment().fill((byte) 1); }
 *     memfd.addSeals(Seal.SHRINK, Seal.GROW, Seal.WRITE, Seal.SEAL);
 *     // ... send memfd.fd() to the reader
 * }
 * }</pre>
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/memfd_create.2.html">memfd_create(2)</a>
 */
public final class Memfd extends MappableFile {
    /** The longest name {@code memfd_create} accepts, in bytes (249: 255 less the "memfd:" prefix). */
    public static final int NAME_MAX = 249;

    private final String name;
    private final boolean hugePages;

    private Memfd(OwnedFd fd, boolean writable, String name, boolean hugePages) {
        super(fd, writable);
        this.name = name;
        this.hugePages = hugePages;
    }

    @Override
    String mapFailureHint(int errno) {
        return hugePages && errno == LibC.ENOMEM()
                ? ", MFD_HUGETLB (no free huge pages: see /proc/sys/vm/nr_hugepages)" : "";
    }

    @Override
    String describe() {
        return "memfd:" + name;
    }

    /** {@return the name given at creation (for debugging; it need not be unique), or {@code "?"} when adopted} */
    public String name() {
        return name;
    }

    /**
     * Creates an empty memfd that allows sealing, close-on-exec. Give it a size with
     * {@link #truncate(long)} before mapping.
     *
     * @param name a name for debugging, seen in {@code /proc/PID/fd} as {@code memfd:NAME}
     * @return the memfd, size 0
     * @throws IOException if {@code memfd_create} fails ({@code EMFILE} out of descriptors)
     * @throws IllegalArgumentException if the name is longer than {@link #NAME_MAX} bytes or holds a NUL
     * @see <a href="https://man7.org/linux/man-pages/man2/memfd_create.2.html">memfd_create(2)</a>
     */
    public static Memfd create(String name) throws IOException {
        NativeAccess.require();
        return create(name, EnumSet.of(MemfdOption.ALLOW_SEALING));
    }

    /**
     * Creates a memfd of {@code size} bytes that allows sealing, close-on-exec.
     *
     * @param name a name for debugging
     * @param size the size in bytes, positive
     * @return the memfd
     * @throws IOException if {@code memfd_create} or {@code ftruncate} fails
     * @throws IllegalArgumentException if the name is invalid or {@code size} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man2/memfd_create.2.html">memfd_create(2)</a>
     */
    public static Memfd create(String name, long size) throws IOException {
        NativeAccess.require();
        return create(name, size, EnumSet.of(MemfdOption.ALLOW_SEALING));
    }

    /**
     * Creates a memfd of {@code size} bytes with the given options, close-on-exec.
     *
     * @param name a name for debugging
     * @param size the size in bytes, positive
     * @param options {@link MemfdOption#ALLOW_SEALING}, {@link MemfdOption#HUGE_PAGES}
     * @return the memfd
     * @throws IOException if {@code memfd_create} or {@code ftruncate} fails ({@code EINVAL} or
     *         {@code ENOMEM} for huge pages the system does not have)
     * @throws IllegalArgumentException if the name is invalid or {@code size} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man2/memfd_create.2.html">memfd_create(2)</a>
     */
    public static Memfd create(String name, long size, Set<MemfdOption> options) throws IOException {
        NativeAccess.require();
        Check.positive("size", size);
        Memfd memfd = create(name, options);
        try {
            memfd.truncate(size);
            return memfd;
        } catch (IOException | RuntimeException e) {
            memfd.close();
            throw e;
        }
    }

    private static Memfd create(String name, Set<MemfdOption> options) throws IOException {
        checkName(name);
        Check.notNull("options", options);
        int flags = LibC.MFD_CLOEXEC();
        for (MemfdOption o : options) {
            flags |= o.flag;
        }
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = ShmCalls.memfdCreate(arena.allocateFrom(name), flags);
        }
        if (fd < 0) {
            throw Errors.of("memfd_create", Errors.quote(name) + ", MFD_CLOEXEC " + options, -fd);
        }
        return new Memfd(OwnedFd.adopt(fd), true, name, options.contains(MemfdOption.HUGE_PAGES));
    }

    /**
     * Takes ownership of a descriptor of shared memory received from elsewhere — a memfd or a
     * POSIX shared memory object passed over a Unix socket, or inherited — so that it can be
     * mapped, sized and sealed here.
     *
     * <p><b>Lifetime.</b> The number is detached from {@code fd} (so that closing {@code fd},
     * or the received message that held it, no longer closes it): close the returned object.
     *
     * @param fd the descriptor
     * @return the memfd
     * @throws IOException if {@code fstat} or {@code fcntl} on it fails
     * @throws IllegalArgumentException if the descriptor is not a memfd or another regular file
     *         (a socket, a pipe, ...: the message says what it is and what it can become, see
     *         {@link org.panamaipc.DescriptorKind}); {@code fd} then stays open
     * @throws IllegalStateException if {@code fd} is closed or in use
     */
    public static Memfd adopt(OwnedFd fd) throws IOException {
        NativeAccess.require();
        OwnedFd owned = FdKinds.take(fd, "Memfd.adopt", "shared memory (a memfd or another regular file)",
                DescriptorKind.MEMFD, DescriptorKind.REGULAR_FILE);
        try {
            int access = accessMode(owned);
            return new Memfd(owned, access == LibC.O_RDWR() || access == LibC.O_WRONLY(), "?", false);
        } catch (IOException | RuntimeException e) {
            owned.close();
            throw e;
        }
    }

    /**
     * The seals on this memfd ({@code fcntl(F_GET_SEALS)}). A memfd made without
     * {@link MemfdOption#ALLOW_SEALING}, and a POSIX shared memory object, report {@link Seal#SEAL}.
     *
     * @return the seals
     * @throws IOException if {@code fcntl} fails ({@code EINVAL} if the file does not support sealing)
     * @throws IllegalStateException if this object is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/fcntl.2.html">fcntl(2)</a>
     */
    public EnumSet<Seal> seals() throws IOException {
        OwnedFd fd = fd();
        int n = FdUse.enter(fd);
        try {
            int r = Sys.fcntl(n, LibC.F_GET_SEALS(), 0);
            if (r < 0) {
                throw Errors.of("fcntl", describe() + ", F_GET_SEALS", -r);
            }
            return Seal.of(r);
        } finally {
            FdUse.exit(fd);
        }
    }

    /**
     * Adds seals ({@code fcntl(F_ADD_SEALS)}); seals are never removed.
     *
     * @param first a seal
     * @param more more seals
     * @throws IOException if {@code fcntl} fails: {@code EPERM} once {@link Seal#SEAL} is set
     *         (or the memfd was made without {@link MemfdOption#ALLOW_SEALING}), {@code EBUSY} for
     *         {@link Seal#WRITE} while a writable shared mapping exists
     * @throws IllegalStateException if this object is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/fcntl.2.html">fcntl(2)</a>
     */
    public void addSeals(Seal first, Seal... more) throws IOException {
        addSeals(EnumSet.of(Check.notNull("first", first), Check.notNull("more", more)));
    }

    /**
     * Adds seals ({@code fcntl(F_ADD_SEALS)}); seals are never removed.
     *
     * @param seals the seals to add
     * @throws IOException if {@code fcntl} fails: {@code EPERM} once {@link Seal#SEAL} is set
     *         (or the memfd was made without {@link MemfdOption#ALLOW_SEALING}), {@code EBUSY} for
     *         {@link Seal#WRITE} while a writable shared mapping exists
     * @throws IllegalStateException if this object is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/fcntl.2.html">fcntl(2)</a>
     */
    public void addSeals(Set<Seal> seals) throws IOException {
        Check.notNull("seals", seals);
        OwnedFd fd = fd();
        int n = FdUse.enter(fd);
        try {
            int r = Sys.fcntl(n, LibC.F_ADD_SEALS(), Seal.bits(seals));
            if (r < 0) {
                throw Errors.of("fcntl", describe() + ", F_ADD_SEALS " + seals, -r);
            }
        } finally {
            FdUse.exit(fd);
        }
    }

    /**
     * A path through which another process of the same user can open this memfd while this
     * process keeps it open: {@code /proc/PID/fd/N}. Opening it gives the opener its own
     * descriptor of the same memory (subject to the seals).
     *
     * @return the path
     * @throws IllegalStateException if this object is closed
     * @see <a href="https://man7.org/linux/man-pages/man5/proc_pid_fd.5.html">proc_pid_fd(5)</a>
     */
    public Path pathForPeers() {
        return Path.of("/proc", Long.toString(ProcessHandle.current().pid()), "fd", Integer.toString(fd().get()));
    }

    private static void checkName(String name) {
        Check.encodable("name", name);
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("name=\"" + name + "\" may contain no NUL");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > NAME_MAX) {
            throw new IllegalArgumentException("name length=" + bytes + " exceeds " + NAME_MAX);
        }
    }
}
