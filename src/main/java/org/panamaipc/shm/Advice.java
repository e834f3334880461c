package org.panamaipc.shm;

import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.NativeAccess;

/**
 * Hints to the kernel about how a mapping will be used.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/madvise.2.html">madvise(2)</a>
 */
public enum Advice {
    /** {@code MADV_NORMAL}: no special treatment. */
    NORMAL(NativeAccess.value(LibC::MADV_NORMAL)),
    /** {@code MADV_RANDOM}: expect random access; read ahead less. */
    RANDOM(NativeAccess.value(LibC::MADV_RANDOM)),
    /** {@code MADV_SEQUENTIAL}: expect sequential access; read ahead aggressively, free behind. */
    SEQUENTIAL(NativeAccess.value(LibC::MADV_SEQUENTIAL)),
    /** {@code MADV_WILLNEED}: the range will be needed soon; start reading it in. */
    WILL_NEED(NativeAccess.value(LibC::MADV_WILLNEED)),
    /**
     * {@code MADV_DONTNEED}: the range is not needed now. For a shared mapping the contents
     * stay in the object; for a private or anonymous one they are dropped and read back as zeros.
     */
    DONT_NEED(NativeAccess.value(LibC::MADV_DONTNEED)),
    /** {@code MADV_HUGEPAGE}: back the range with transparent huge pages where possible. */
    HUGE_PAGE(NativeAccess.value(LibC::MADV_HUGEPAGE)),
    /** {@code MADV_NOHUGEPAGE}: do not use transparent huge pages for the range. */
    NO_HUGE_PAGE(NativeAccess.value(LibC::MADV_NOHUGEPAGE)),
    /** {@code MADV_DONTFORK}: a child made by {@code fork} does not inherit the range. */
    DONT_FORK(NativeAccess.value(LibC::MADV_DONTFORK)),
    /** {@code MADV_DONTDUMP}: leave the range out of core dumps. */
    DONT_DUMP(NativeAccess.value(LibC::MADV_DONTDUMP)),
    /** {@code MADV_POPULATE_READ} (Linux 5.14): fault the range in readable, like {@link MapOption#POPULATE}. */
    POPULATE_READ(NativeAccess.value(LibC::MADV_POPULATE_READ)),
    /** {@code MADV_POPULATE_WRITE} (Linux 5.14): fault the range in writable. */
    POPULATE_WRITE(NativeAccess.value(LibC::MADV_POPULATE_WRITE));

    final int advice;

    Advice(int advice) {
        this.advice = advice;
    }
}
