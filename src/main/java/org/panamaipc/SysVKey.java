package org.panamaipc;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.SysVCalls;

/**
 * A System V IPC key: the name by which unrelated processes find the same message queue,
 * shared memory segment or semaphore set ({@code key_t}); one type for all three.
 *
 * @param value the key as C sees it; {@code 0} is {@code IPC_PRIVATE}
 * @see <a href="https://man7.org/linux/man-pages/man3/ftok.3.html">ftok(3)</a>
 * @see <a href="https://man7.org/linux/man-pages/man7/sysvipc.7.html">sysvipc(7)</a>
 */
public record SysVKey(int value) {
    /** {@code IPC_PRIVATE}: asks for a new object that no key finds. */
    public static final SysVKey PRIVATE = new SysVKey(0);

    /**
     * A key derived from an existing file and a project id ({@code ftok}): every process that
     * names the same file and id gets the same key. Only the low 8 bits of the id count, and
     * keys of different files may collide (the kernel cannot tell): {@code create}, which
     * is exclusive, finds out.
     *
     * @param path an existing file
     * @param projectId a project id, 1 to 255
     * @return the key
     * @throws NoSuchFileException if the file does not exist (ENOENT)
     * @throws IOException if {@code ftok} fails otherwise
     * @throws IllegalArgumentException if {@code projectId} is not in 1..255
     */
    public static SysVKey of(Path path, int projectId) throws IOException {
        NativeAccess.require();
        Check.notNull("path", path);
        if (projectId < 1 || projectId > 255) {
            throw new IllegalArgumentException("projectId=" + projectId + " must be in 1..255");
        }
        String p = path.toString();
        long key;
        try (Arena arena = Arena.ofConfined()) {
            key = SysVCalls.ftok(arena.allocateFrom(p), projectId);
        }
        if (key < 0) {
            throw Errors.named("ftok", p, Errors.quote(p) + ", " + projectId, (int) -key);
        }
        return new SysVKey((int) key);
    }

    /**
     * An explicit key, as another program may use.
     *
     * @param value the key, not 0 (use {@link #PRIVATE} for {@code IPC_PRIVATE})
     * @return the key
     * @throws IllegalArgumentException if {@code value} is 0
     */
    public static SysVKey of(int value) {
        NativeAccess.require();
        if (value == 0) {
            throw new IllegalArgumentException("key=0 is IPC_PRIVATE: use SysVKey.PRIVATE");
        }
        return new SysVKey(value);
    }

    /** {@return whether this is {@code IPC_PRIVATE}} */
    public boolean isPrivate() {
        return value == 0;
    }

    /** {@return the key as {@code ipcs} prints it, e.g. {@code 0x0001e240}} */
    @Override
    public String toString() {
        return String.format("0x%08x", value);
    }
}
