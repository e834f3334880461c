package org.panamaipc.shm;

import java.util.EnumSet;
import java.util.Set;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.NativeAccess;

/**
 * A seal on a {@link Memfd}: a restriction that, once added, no process can lift.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/memfd_create.2.html">memfd_create(2)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/fcntl.2.html">fcntl(2), File Sealing</a>
 */
public enum Seal {
    /** {@code F_SEAL_SEAL}: no further seals may be added. */
    SEAL(NativeAccess.value(LibC::F_SEAL_SEAL)),
    /** {@code F_SEAL_SHRINK}: the size may not decrease; mappings can never lose their pages. */
    SHRINK(NativeAccess.value(LibC::F_SEAL_SHRINK)),
    /** {@code F_SEAL_GROW}: the size may not increase. */
    GROW(NativeAccess.value(LibC::F_SEAL_GROW)),
    /**
     * {@code F_SEAL_WRITE}: the contents may not change. Fails with {@code EBUSY} while a
     * writable shared mapping exists.
     */
    WRITE(NativeAccess.value(LibC::F_SEAL_WRITE)),
    /**
     * {@code F_SEAL_FUTURE_WRITE} (Linux 5.1): no new writable mapping or write, while writable
     * mappings that already exist keep writing (one writer, many read-only readers).
     */
    FUTURE_WRITE(NativeAccess.value(LibC::F_SEAL_FUTURE_WRITE));

    final int bit;

    Seal(int bit) {
        this.bit = bit;
    }

    static int bits(Set<Seal> seals) {
        int bits = 0;
        for (Seal s : seals) {
            bits |= s.bit;
        }
        return bits;
    }

    static EnumSet<Seal> of(int bits) {
        EnumSet<Seal> seals = EnumSet.noneOf(Seal.class);
        for (Seal s : values()) {
            if ((bits & s.bit) != 0) {
                seals.add(s);
            }
        }
        return seals;
    }
}
