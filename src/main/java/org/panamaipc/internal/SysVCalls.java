package org.panamaipc.internal;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.panamaipc.bindings.LibC;

/** What the three System V mechanisms share, in the shape of {@link Sys}. */
public final class SysVCalls {
    static {
        NativeAccess.require(); // first: without native access, a clear error instead of a failed initialization
    }

    private static final MethodHandle FTOK = Downcalls.blocking(LibC.ftok$address(), LibC.ftok$descriptor());

    private SysVCalls() {
    }

    /**
     * {@code ftok(path, id)}.
     *
     * @param path a NUL-terminated path to an existing file
     * @param id the project id; only its low 8 bits are used
     * @return the key as an unsigned 32-bit value, or {@code -errno} (a key may be any int,
     *         so it is widened to keep failure distinguishable)
     */
    public static long ftok(MemorySegment path, int id) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) FTOK.invokeExact(st, path, id);
            return r != -1 ? (r & 0xFFFF_FFFFL) : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }
}
