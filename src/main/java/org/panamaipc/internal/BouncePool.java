package org.panamaipc.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * Native memory lent for one attempt of a call whose caller holds its bytes on the heap (a
 * {@code byte[]}, a heap buffer): a system call cannot take a heap address when it may block,
 * so the bytes go through native memory. A buffer is lent for as short as possible: on a
 * virtual thread, for one attempt that does not block, and returned before the thread parks,
 * so that thousands of parked virtual threads hold none. Buffers come in sizes that are powers
 * of two up to {@value #MAX_POOLED} bytes and are kept for reuse, at most
 * {@value #KEPT_PER_SIZE} of each size; larger requests, and requests while all kept buffers
 * are out, get memory of their own that is freed on return.
 */
final class BouncePool {
    static final int MAX_POOLED = 64 * 1024;
    static final int KEPT_PER_SIZE = 32;
    private static final int MIN_SHIFT = 9; // 512 bytes
    private static final int CLASSES = Integer.numberOfTrailingZeros(MAX_POOLED) - MIN_SHIFT + 1;

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final ArrayDeque<MemorySegment>[] FREE = new ArrayDeque[CLASSES];
    private static final int[] MADE = new int[CLASSES];

    static {
        for (int i = 0; i < CLASSES; i++) {
            FREE[i] = new ArrayDeque<>(KEPT_PER_SIZE);
        }
    }

    private BouncePool() {
    }

    /**
     * Lends native memory of at least {@code bytes}; give it back with {@link #giveBack}.
     *
     * @param bytes the size needed
     * @return a segment of exactly {@code bytes}
     */
    static MemorySegment lend(long bytes) {
        int c = sizeClass(bytes);
        if (c >= 0) {
            ArrayDeque<MemorySegment> free = FREE[c];
            synchronized (free) {
                MemorySegment s = free.pollFirst();
                if (s != null) {
                    return s.asSlice(0, bytes);
                }
                if (MADE[c] < KEPT_PER_SIZE) {
                    MADE[c]++;
                    return Arena.global().allocate(1L << (c + MIN_SHIFT), 16).asSlice(0, bytes);
                }
            }
        }
        return Arena.ofAuto().allocate(bytes, 16); // not kept: the collector frees it
    }

    /**
     * Takes back what {@link #lend} gave.
     *
     * @param s the segment lent
     */
    static void giveBack(MemorySegment s) {
        if (!s.scope().equals(KEPT)) {
            return;
        }
        int c = sizeClass(s.byteSize());
        ArrayDeque<MemorySegment> free = FREE[c];
        synchronized (free) {
            free.addFirst(MemorySegment.ofAddress(s.address()).reinterpret(1L << (c + MIN_SHIFT)));
        }
    }

    private static final MemorySegment.Scope KEPT = Arena.global().allocate(1).scope();

    private static int sizeClass(long bytes) {
        if (bytes > MAX_POOLED) {
            return -1;
        }
        int shift = Math.max(MIN_SHIFT, 64 - Long.numberOfLeadingZeros(Math.max(1, bytes) - 1));
        return shift - MIN_SHIFT;
    }
}
