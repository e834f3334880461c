package org.panamaipc.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.panamaipc.bindings.LibC;

/**
 * The calls a tracer makes: {@code ptrace} and the {@code waitid} that collects its tracees'
 * stops. Every {@code ptrace} request must come from the thread that attached
 * ({@link OwnerThread} runs them there).
 */
public final class TraceCalls {
    private static final MethodHandle PTRACE = Downcalls.variadicNonBlocking(LibC.ptrace.address(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG), 1);

    private TraceCalls() {
    }

    /**
     * {@code ptrace(request, pid, addr, data)} for the requests that return 0 or a count
     * (not the {@code PEEK} ones, whose result is the word read).
     *
     * @param request {@code PTRACE_*}
     * @param pid the tracee's thread id
     * @param addr the address argument (a number or a segment's address)
     * @param data the data argument (a number or a segment's address)
     * @return the result ({@code >= 0}), or {@code -errno}
     */
    public static long ptrace(int request, int pid, long addr, long data) {
        MemorySegment st = CallState.get();
        try {
            long r = (long) PTRACE.invokeExact(st, request, pid, addr, data);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code waitid(x, y, a, z)} as a {@link BlockingCall} for {@link Blocker.Timing#TIMER}:
     * the id type, the id and the options come as {@code x}, {@code y}, {@code z}, the
     * {@code siginfo_t} as {@code a}.
     *
     * @param handle unused
     * @param a the {@code siginfo_t}
     * @param b unused
     * @param x {@code P_ALL}, {@code P_PID}, ...
     * @param y the pid
     * @param z the options
     * @param timeout unused: the engine's timer ends the wait
     * @return 0, or {@code -errno}
     */
    public static long waitid(int handle, MemorySegment a, MemorySegment b, long x, long y, long z,
            MemorySegment timeout) {
        return ProcessCalls.waitid((int) x, (int) y, a, (int) z);
    }
}
