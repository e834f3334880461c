package org.panamaipc.shm;

import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.NativeAccess;

/**
 * Options for creating a System V shared memory segment: the {@code SHM_*} flags of
 * {@code shmget}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/shmget.2.html">shmget(2)</a>
 */
public enum SysVShmOption {
    /**
     * {@code SHM_HUGETLB}: back the segment with huge pages. Needs huge pages reserved
     * ({@code /proc/sys/vm/nr_hugepages}) and {@code CAP_IPC_LOCK} or membership of
     * {@code vm.hugetlb_shm_group}; the size must be a multiple of the huge page size.
     */
    HUGE_PAGES(NativeAccess.value(LibC::SHM_HUGETLB)),
    /** {@code SHM_NORESERVE}: reserve no swap space for the segment. */
    NORESERVE(NativeAccess.value(LibC::SHM_NORESERVE));

    final int flag;

    SysVShmOption(int flag) {
        this.flag = flag;
    }
}
