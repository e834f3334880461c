package org.panamaipc.shm;

import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.NativeAccess;

/**
 * Options for {@link Memfd#create(String, long, java.util.Set)}: the {@code MFD_*} flags of
 * {@code memfd_create}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/memfd_create.2.html">memfd_create(2)</a>
 */
public enum MemfdOption {
    /** {@code MFD_ALLOW_SEALING}: seals may be added (without it the memfd carries {@link Seal#SEAL}). */
    ALLOW_SEALING(NativeAccess.value(LibC::MFD_ALLOW_SEALING)),
    /**
     * {@code MFD_HUGETLB}: back the memory with huge pages; sizes must be multiples of the
     * huge page size and creation or sizing fails when the system has none reserved.
     */
    HUGE_PAGES(NativeAccess.value(LibC::MFD_HUGETLB));

    final int flag;

    MemfdOption(int flag) {
        this.flag = flag;
    }
}
