package org.panamaipc.shm;

import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.NativeAccess;

/**
 * How memory is mapped: who may write, and whether writes are seen by other processes.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/mmap.2.html">mmap(2)</a>
 */
public enum MapMode {
    /**
     * {@code PROT_READ}, {@code MAP_SHARED}: reads see what others write; the segment is
     * {@linkplain java.lang.foreign.MemorySegment#isReadOnly() read-only}, so a write through
     * it throws instead of faulting.
     */
    READ_ONLY(NativeAccess.value(LibC::PROT_READ), LibC.MAP_SHARED()),
    /** {@code PROT_READ | PROT_WRITE}, {@code MAP_SHARED}: writes are seen by every process mapping the object. */
    READ_WRITE(LibC.PROT_READ() | LibC.PROT_WRITE(), LibC.MAP_SHARED()),
    /**
     * {@code PROT_READ | PROT_WRITE}, {@code MAP_PRIVATE}: copy-on-write; writes stay in this
     * process and never reach the object (needs only read access to it).
     */
    PRIVATE(LibC.PROT_READ() | LibC.PROT_WRITE(), LibC.MAP_PRIVATE());

    final int prot;
    final int flags;

    MapMode(int prot, int flags) {
        this.prot = prot;
        this.flags = flags;
    }

    /** {@return whether the mapping writes through to the object, so needs a writable descriptor} */
    boolean writesThrough() {
        return this == READ_WRITE;
    }
}
