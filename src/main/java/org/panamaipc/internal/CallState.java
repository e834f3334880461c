package org.panamaipc.internal;

import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * The segment a downcall made with {@code captureCallState("errno")} writes errno into.
 *
 * <p>errno read afterwards through {@code __errno_location()} is unreliable on the JVM (the
 * runtime may make system calls of its own between the call and the read); the captured
 * value is exact. One segment per thread, part of the thread's {@link Waiter} (where all
 * per-thread native memory of the library lives), is reused for every call, so a call
 * allocates nothing; it is freed once its thread is gone.
 */
public final class CallState {
    /** The layout the linker writes into, holding at least {@code errno}. */
    public static final StructLayout LAYOUT = Linker.Option.captureStateLayout();

    private static final VarHandle ERRNO =
            LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private CallState() {
    }

    /** {@return this thread's capture segment, to pass as a downcall's first argument} */
    public static MemorySegment get() {
        return Waiter.current().callState;
    }

    /**
     * Reads the errno a call left in a capture segment.
     *
     * @param state the segment passed to the call
     * @return the captured errno
     */
    public static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}
