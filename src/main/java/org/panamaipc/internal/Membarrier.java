package org.panamaipc.internal;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import org.panamaipc.bindings.LibC;

/**
 * The asymmetric barrier of {@code membarrier(2)}, for the handshake between a side that is
 * hot (a channel writer publishing a record, a reader freeing room) and a side that is rare
 * (an end about to sleep). Each stores, then loads what the other stores; without a full
 * barrier between, x86 lets the load pass the store, and a wake-up is lost.
 *
 * <p>The hot side pays nothing: this process registers once with
 * {@code MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED}, and its {@link #light()} barrier is then
 * none at all (the accesses around it are ordered by the compiler already: raw memory of
 * unknown aliasing). The rare side pays a system call instead: {@link #heavy()},
 * {@code MEMBARRIER_CMD_GLOBAL_EXPEDITED}, makes every running thread of every registered
 * process pass a full barrier before it returns (about 2 µs here). Then either the hot side's
 * load sees the rare side's store, or the rare side's later load sees the hot side's store.
 *
 * <p>Where the kernel refuses (before Linux 4.16, or a seccomp filter), the hot side fences
 * as before, and an end whose heavy barrier fails must not count on any hot side: it sleeps
 * in short slices (see {@code EndWaits}).
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/membarrier.2.html">membarrier(2)</a>
 */
public final class Membarrier {
    /** {@code MEMBARRIER_CMD_GLOBAL_EXPEDITED} (linux/membarrier.h; checked against C in the tests). */
    static final int CMD_GLOBAL_EXPEDITED = 1 << 1;
    /** {@code MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED}. */
    static final int CMD_REGISTER_GLOBAL_EXPEDITED = 1 << 2;

    private static final MethodHandle SYSCALL2 = Downcalls.variadic(LibC.syscall.address(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), 1);
    private static final boolean REGISTERED = call(CMD_REGISTER_GLOBAL_EXPEDITED) == 0;

    private Membarrier() {
    }

    /** {@return whether this process is registered, so that the hot side's barrier is none} */
    public static boolean registered() {
        return REGISTERED;
    }

    /** The hot side's barrier between its store and its load: nothing once registered, else a full fence. */
    public static void light() {
        if (!REGISTERED) {
            VarHandle.fullFence();
        }
    }

    /**
     * The rare side's barrier between its store and its load.
     *
     * @return true if every registered process passed a barrier; false if the kernel refused
     *         (a full fence was made, which orders this side only)
     */
    public static boolean heavy() {
        if (call(CMD_GLOBAL_EXPEDITED) == 0) {
            return true;
        }
        VarHandle.fullFence();
        return false;
    }

    private static long call(int command) {
        MemorySegment st = CallState.get();
        try {
            long r = (long) SYSCALL2.invokeExact(st, (long) LibC.SYS_membarrier(), (long) command, 0L);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }
}
