package org.panamaipc.shm;

import java.util.Set;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.NativeAccess;

/**
 * Optional {@code mmap} flags.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/mmap.2.html">mmap(2)</a>
 */
public enum MapOption {
    /** {@code MAP_POPULATE}: fault every page in now, so later first touches cost nothing. */
    POPULATE(NativeAccess.value(LibC::MAP_POPULATE)),
    /** {@code MAP_LOCKED}: lock the pages in memory like {@code mlock} (best effort, subject to {@code RLIMIT_MEMLOCK}). */
    LOCKED(NativeAccess.value(LibC::MAP_LOCKED)),
    /** {@code MAP_NORESERVE}: reserve no swap space for the mapping. */
    NORESERVE(NativeAccess.value(LibC::MAP_NORESERVE)),
    /**
     * {@code MAP_HUGETLB}: back an {@linkplain Mapping#anonymous anonymous} mapping with huge
     * pages. Fails with {@code ENOMEM} when the system has none reserved
     * ({@code /proc/sys/vm/nr_hugepages}); the length must be a multiple of the huge page size.
     */
    HUGE_PAGES(NativeAccess.value(LibC::MAP_HUGETLB));

    private final int flag;

    MapOption(int flag) {
        this.flag = flag;
    }

    static int flags(Set<MapOption> options) {
        int flags = 0;
        for (MapOption o : options) {
            flags |= o.flag;
        }
        return flags;
    }
}
