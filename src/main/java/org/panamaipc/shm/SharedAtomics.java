package org.panamaipc.shm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import org.panamaipc.internal.Check;

/**
 * Atomic and ordered access to {@code long} and {@code int} values in shared memory, for
 * processes that coordinate through a mapping. The names carry the memory order, as in
 * Agrona: {@code getLongAcquire}, {@code putLongRelease}, {@code compareAndSetLong}.
 *
 * <p>These are thin, allocation-free wrappers over the {@link VarHandle} of
 * {@link ValueLayout#JAVA_LONG} and {@link ValueLayout#JAVA_INT}, which code may also use
 * directly; the one difference is how compare-and-set meets a lost page (below). On x86-64 and AArch64 the atomic instructions act on
 * memory, not on a process, so they are atomic between processes that map the same pages.
 *
 * <p><b>Alignment.</b> The address must be naturally aligned (8 bytes for {@code long},
 * 4 for {@code int}); mappings start on a page boundary, so an aligned offset into one is
 * aligned. A misaligned access throws {@link IllegalArgumentException}. Access outside the
 * segment throws {@link IndexOutOfBoundsException}; a write to a read-only segment,
 * {@link IllegalArgumentException}; after the mapping is closed, {@link IllegalStateException};
 * a null segment, {@link NullPointerException} naming it.
 *
 * <p><b>Lost pages.</b> If another process shrinks a shared object under a mapping, the
 * pages past its new end are gone and touching them raises {@code SIGBUS}; the JVM turns that
 * into an {@link InternalError} for loads, stores and {@code getAndAdd}/{@code getAndSet}
 * (in compiled code possibly thrown a little after the faulting access), but the JDK's
 * compare-and-set crashes the JVM on such a page. The compare-and-set methods here therefore
 * read the value first (test, then test-and-set: the same result, and cheaper under
 * contention), so that a lost page throws {@code InternalError} before the CAS is tried. The
 * window left — a peer truncating between the two instructions — is closed by sealing a
 * {@link Memfd} against {@link Seal#SHRINK}, which is how memory shared with a process that
 * is not trusted should be set up.
 *
 * <pre>{@code
 * MemorySegment s = mapping.segment();
 * // writer: fill the payload, then publish it
 * s.set(ValueLayout.JAVA_LONG, 8, payload);
 * SharedAtomics.putLongRelease(s, 0, 1);
 * // reader in another process: wait for the flag, then read the payload
 * while (SharedAtomics.getLongAcquire(s, 0) != 1) { Thread.onSpinWait(); }
 * long value = s.get(ValueLayout.JAVA_LONG, 8);
 * }</pre>
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/shm_overview.7.html">shm_overview(7)</a>
 * @see VarHandle
 */
public final class SharedAtomics {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle().withInvokeExactBehavior();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle().withInvokeExactBehavior();

    private SharedAtomics() {
    }

    /**
     * Reads a long with plain semantics: no ordering; for data published by a release store
     * and read after an acquire load.
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 8
     * @return the value
     */
    public static long getLong(MemorySegment segment, long offset) {
        return (long) LONG.get(Check.notNull("segment", segment), offset);
    }

    /**
     * Reads a long with opaque semantics: never torn or cached, but no ordering with other
     * accesses (progress counters, statistics).
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 8
     * @return the value
     */
    public static long getLongOpaque(MemorySegment segment, long offset) {
        return (long) LONG.getOpaque(Check.notNull("segment", segment), offset);
    }

    /**
     * Reads a long with acquire semantics: reads and writes after it are not reordered before it,
     * so whatever a peer wrote before its matching release store is visible.
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 8
     * @return the value
     */
    public static long getLongAcquire(MemorySegment segment, long offset) {
        return (long) LONG.getAcquire(Check.notNull("segment", segment), offset);
    }

    /**
     * Reads a long with volatile (sequentially consistent) semantics.
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 8
     * @return the value
     */
    public static long getLongVolatile(MemorySegment segment, long offset) {
        return (long) LONG.getVolatile(Check.notNull("segment", segment), offset);
    }

    /**
     * Writes a long with plain semantics: no ordering.
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 8
     * @param value the value
     */
    public static void putLong(MemorySegment segment, long offset, long value) {
        LONG.set(Check.notNull("segment", segment), offset, value);
    }

    /**
     * Writes a long with opaque semantics: never torn, eventually visible, no ordering.
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 8
     * @param value the value
     */
    public static void putLongOpaque(MemorySegment segment, long offset, long value) {
        LONG.setOpaque(Check.notNull("segment", segment), offset, value);
    }

    /**
     * Writes a long with release semantics: reads and writes before it are not reordered after
     * it, so a peer whose acquire load sees this value also sees them (publishing).
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 8
     * @param value the value
     */
    public static void putLongRelease(MemorySegment segment, long offset, long value) {
        LONG.setRelease(Check.notNull("segment", segment), offset, value);
    }

    /**
     * Writes a long with volatile (sequentially consistent) semantics.
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 8
     * @param value the value
     */
    public static void putLongVolatile(MemorySegment segment, long offset, long value) {
        LONG.setVolatile(Check.notNull("segment", segment), offset, value);
    }

    /**
     * Atomically sets the long to {@code update} if it is {@code expected} (volatile semantics;
     * a {@code lock cmpxchg} on x86, atomic across processes).
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 8
     * @param expected the value it must have
     * @param update the value to store
     * @return whether the value was {@code expected} and is now {@code update}
     */
    public static boolean compareAndSetLong(MemorySegment segment, long offset, long expected, long update) {
        // Test, then test-and-set: see the class comment on lost pages.
        return (long) LONG.getVolatile(Check.notNull("segment", segment), offset) == expected
                && LONG.compareAndSet(segment, offset, expected, update);
    }

    /**
     * Atomically sets the long to {@code update} if it is {@code expected}, returning what it was
     * (volatile semantics).
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 8
     * @param expected the value it must have
     * @param update the value to store
     * @return the value before: {@code expected} when the exchange happened
     */
    public static long compareAndExchangeLong(MemorySegment segment, long offset, long expected, long update) {
        long current = (long) LONG.getVolatile(Check.notNull("segment", segment), offset);
        return current != expected ? current : (long) LONG.compareAndExchange(segment, offset, expected, update);
    }

    /**
     * Atomically adds to the long (volatile semantics; {@code lock xadd} on x86).
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 8
     * @param delta what to add
     * @return the value before the addition
     */
    public static long getAndAddLong(MemorySegment segment, long offset, long delta) {
        return (long) LONG.getAndAdd(Check.notNull("segment", segment), offset, delta);
    }

    /**
     * Atomically replaces the long (volatile semantics).
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 8
     * @param value the new value
     * @return the value before
     */
    public static long getAndSetLong(MemorySegment segment, long offset, long value) {
        return (long) LONG.getAndSet(Check.notNull("segment", segment), offset, value);
    }

    /**
     * Reads a int with plain semantics: no ordering; for data published by a release store
     * and read after an acquire load.
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 4
     * @return the value
     */
    public static int getInt(MemorySegment segment, long offset) {
        return (int) INT.get(Check.notNull("segment", segment), offset);
    }

    /**
     * Reads a int with opaque semantics: never torn or cached, but no ordering with other
     * accesses (progress counters, statistics).
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 4
     * @return the value
     */
    public static int getIntOpaque(MemorySegment segment, long offset) {
        return (int) INT.getOpaque(Check.notNull("segment", segment), offset);
    }

    /**
     * Reads a int with acquire semantics: reads and writes after it are not reordered before it,
     * so whatever a peer wrote before its matching release store is visible.
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 4
     * @return the value
     */
    public static int getIntAcquire(MemorySegment segment, long offset) {
        return (int) INT.getAcquire(Check.notNull("segment", segment), offset);
    }

    /**
     * Reads a int with volatile (sequentially consistent) semantics.
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 4
     * @return the value
     */
    public static int getIntVolatile(MemorySegment segment, long offset) {
        return (int) INT.getVolatile(Check.notNull("segment", segment), offset);
    }

    /**
     * Writes a int with plain semantics: no ordering.
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 4
     * @param value the value
     */
    public static void putInt(MemorySegment segment, long offset, int value) {
        INT.set(Check.notNull("segment", segment), offset, value);
    }

    /**
     * Writes a int with opaque semantics: never torn, eventually visible, no ordering.
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 4
     * @param value the value
     */
    public static void putIntOpaque(MemorySegment segment, long offset, int value) {
        INT.setOpaque(Check.notNull("segment", segment), offset, value);
    }

    /**
     * Writes a int with release semantics: reads and writes before it are not reordered after
     * it, so a peer whose acquire load sees this value also sees them (publishing).
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 4
     * @param value the value
     */
    public static void putIntRelease(MemorySegment segment, long offset, int value) {
        INT.setRelease(Check.notNull("segment", segment), offset, value);
    }

    /**
     * Writes a int with volatile (sequentially consistent) semantics.
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 4
     * @param value the value
     */
    public static void putIntVolatile(MemorySegment segment, long offset, int value) {
        INT.setVolatile(Check.notNull("segment", segment), offset, value);
    }

    /**
     * Atomically sets the int to {@code update} if it is {@code expected} (volatile semantics;
     * a {@code lock cmpxchg} on x86, atomic across processes).
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 4
     * @param expected the value it must have
     * @param update the value to store
     * @return whether the value was {@code expected} and is now {@code update}
     */
    public static boolean compareAndSetInt(MemorySegment segment, long offset, int expected, int update) {
        // Test, then test-and-set: see the class comment on lost pages.
        return (int) INT.getVolatile(Check.notNull("segment", segment), offset) == expected
                && INT.compareAndSet(segment, offset, expected, update);
    }

    /**
     * Atomically sets the int to {@code update} if it is {@code expected}, returning what it was
     * (volatile semantics).
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 4
     * @param expected the value it must have
     * @param update the value to store
     * @return the value before: {@code expected} when the exchange happened
     */
    public static int compareAndExchangeInt(MemorySegment segment, long offset, int expected, int update) {
        int current = (int) INT.getVolatile(Check.notNull("segment", segment), offset);
        return current != expected ? current : (int) INT.compareAndExchange(segment, offset, expected, update);
    }

    /**
     * Atomically adds to the int (volatile semantics; {@code lock xadd} on x86).
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 4
     * @param delta what to add
     * @return the value before the addition
     */
    public static int getAndAddInt(MemorySegment segment, long offset, int delta) {
        return (int) INT.getAndAdd(Check.notNull("segment", segment), offset, delta);
    }

    /**
     * Atomically replaces the int (volatile semantics).
     *
     * @param segment shared memory
     * @param offset the byte offset, a multiple of 4
     * @param value the new value
     * @return the value before
     */
    public static int getAndSetInt(MemorySegment segment, long offset, int value) {
        return (int) INT.getAndSet(Check.notNull("segment", segment), offset, value);
    }
}
