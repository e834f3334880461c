package org.panamaipc.internal;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Every range of memory the library has mapped and not yet unmapped, by address, with what
 * backs it: so that code which hands memory to the C library (a process-shared mutex,
 * condition or semaphore) can refuse memory that a peer could cut from under it.
 *
 * <p>Why: when the object behind a shared mapping is truncated, a page past its new end is
 * gone; a Java access to it throws {@link InternalError}, but the C library touching it
 * inside {@code pthread_mutex_lock} or {@code sem_wait} takes {@code SIGBUS} in native code,
 * and the JVM dies. The kernel, touching such a page in a system call, only fails with
 * {@code EFAULT}. So memory given to the C library must be memory that cannot shrink.
 *
 * <p>The answer is race-free because each backing that passes can never shrink afterwards:
 * anonymous memory has no file anyone could truncate; a System V segment keeps the size it
 * was created with until the last detach; a file passes only once it carries
 * {@code F_SEAL_SHRINK} (seals are never removed) and, read after the seal, a size that
 * covers the mapping (the size can then only grow). A mapping stays registered until its
 * memory is unmapped, which cannot happen while a native call holds its segment.
 */
public final class MappedMemory {
    /** What backs a mapping, asked whether it could still shrink. */
    @FunctionalInterface
    public interface Backing {
        /**
         * Says whether the object behind the mapping could shrink under it.
         *
         * @return {@code null} if it never can, else a description of who can shrink it
         */
        String shrinkRisk();
    }

    /** A backing that never shrinks: anonymous memory, a System V segment. */
    public static final Backing FIXED = () -> null;

    private record Range(long start, long end, Backing backing) {
    }

    private static final ConcurrentSkipListMap<Long, Range> LIVE = new ConcurrentSkipListMap<>();

    private MappedMemory() {
    }

    /**
     * Records a mapping just made.
     *
     * @param address its start
     * @param length its length
     * @param backing what backs it
     * @return what forgets it again: to run just before the memory is unmapped
     */
    public static Runnable register(long address, long length, Backing backing) {
        Range range = new Range(address, address + length, backing);
        LIVE.put(address, range);
        return () -> LIVE.remove(address, range);
    }

    /**
     * Refuses to place an object the C library touches in memory that could shrink: memory
     * of a library mapping whose object a process can truncate. Memory the library did not
     * map (the caller's own) passes: its safety is the caller's (see {@code org.panamaipc.sync}).
     *
     * @param region the memory the object takes
     * @param what the object, for the message
     * @throws IllegalArgumentException if a process could shrink the memory under the object
     */
    public static void requireUnshrinkable(MemorySegment region, String what) {
        long start = region.address();
        long end = start + region.byteSize();
        Map.Entry<Long, Range> first = LIVE.floorEntry(start);
        long from = first != null ? first.getKey() : start;
        for (Range r : LIVE.subMap(from, true, end, false).values()) {
            if (r.end() <= start) {
                continue;
            }
            String risk = r.backing().shrinkRisk();
            if (risk != null) {
                throw new IllegalArgumentException(what + " at address=0x" + Long.toHexString(start)
                        + " would lie in a mapping of " + risk
                        + ": the C library touching a truncated page takes SIGBUS and the JVM dies."
                        + " Place it in a Memfd sealed with Seal.SHRINK, a SysVSharedMemory"
                        + " or anonymous memory (see org.panamaipc.sync)");
            }
        }
    }
}
