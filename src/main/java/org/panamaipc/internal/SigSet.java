package org.panamaipc.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.panamaipc.bindings.sigset_t;

/**
 * {@code sigset_t} built in Java: Linux stores signal {@code n} as bit {@code (n - 1) % 64}
 * of word {@code (n - 1) / 64}, which is what {@code sigaddset} and {@code sigismember}
 * compute.
 */
public final class SigSet {
    private SigSet() {
    }

    /**
     * Allocates an empty set.
     *
     * @param arena where
     * @return a zeroed {@code sigset_t}
     */
    public static MemorySegment allocate(Arena arena) {
        return arena.allocate(sigset_t.layout());
    }

    /**
     * {@code sigaddset(set, sig)}.
     *
     * @param set a {@code sigset_t}
     * @param sig a signal number, 1 to 64
     */
    public static void add(MemorySegment set, int sig) {
        long offset = (long) ((sig - 1) / 64) * Long.BYTES;
        long word = set.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
        set.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, word | (1L << ((sig - 1) % 64)));
    }

    /**
     * {@code sigismember(set, sig)}.
     *
     * @param set a {@code sigset_t}
     * @param sig a signal number, 1 to 64
     * @return whether the signal is in the set
     */
    public static boolean contains(MemorySegment set, int sig) {
        long offset = (long) ((sig - 1) / 64) * Long.BYTES;
        return (set.get(ValueLayout.JAVA_LONG_UNALIGNED, offset) & (1L << ((sig - 1) % 64))) != 0;
    }
}
