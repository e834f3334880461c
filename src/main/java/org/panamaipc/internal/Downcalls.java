package org.panamaipc.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The one place that turns the addresses and descriptors jextract generated into the
 * method handles the library calls.
 *
 * <p>Every handle made here captures errno: its first parameter is the segment of
 * {@link CallState#get()}. Calls that may block are never linked {@code critical}: a
 * critical call holds up the garbage collector for as long as it runs.
 */
public final class Downcalls {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private Downcalls() {
    }

    /**
     * Links a call that may block or take long.
     *
     * @param address the function, e.g. {@code LibC.read$address()}
     * @param descriptor its C signature, e.g. {@code LibC.read$descriptor()}
     * @return a handle taking the capture segment first, then the C arguments
     */
    public static MethodHandle blocking(MemorySegment address, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(address, descriptor, CAPTURE_ERRNO);
    }

    /**
     * Links a call that never blocks and returns quickly, skipping the thread-state
     * transition a normal downcall makes. Heap segments may not be passed to it.
     *
     * @param address the function
     * @param descriptor its C signature
     * @return a handle taking the capture segment first, then the C arguments
     */
    public static MethodHandle nonBlocking(MemorySegment address, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(address, descriptor, CAPTURE_ERRNO, Linker.Option.critical(false));
    }

    /**
     * Links a variadic call ({@code open}, {@code fcntl}, {@code mq_open}, {@code sem_open},
     * {@code syscall}, ...) for one fixed shape of its variable arguments.
     *
     * @param address the function, e.g. {@code LibC.open.address()}
     * @param descriptor the C signature including the variadic arguments passed
     * @param firstVariadicArg the index of the first variadic argument in {@code descriptor}
     * @return a handle taking the capture segment first, then the C arguments
     */
    public static MethodHandle variadic(MemorySegment address, FunctionDescriptor descriptor,
                                        int firstVariadicArg) {
        return LINKER.downcallHandle(address, descriptor, CAPTURE_ERRNO,
                Linker.Option.firstVariadicArg(firstVariadicArg));
    }

    /**
     * Links a variadic call that never blocks, critical like {@link #nonBlocking}.
     *
     * @param address the function
     * @param descriptor the C signature including the variadic arguments passed
     * @param firstVariadicArg the index of the first variadic argument in {@code descriptor}
     * @return a handle taking the capture segment first, then the C arguments
     */
    public static MethodHandle variadicNonBlocking(MemorySegment address, FunctionDescriptor descriptor,
                                                   int firstVariadicArg) {
        return LINKER.downcallHandle(address, descriptor, CAPTURE_ERRNO,
                Linker.Option.firstVariadicArg(firstVariadicArg), Linker.Option.critical(false));
    }

    /**
     * Links a call without errno capture, for functions that report errors through their
     * return value ({@code pthread_*}, {@code posix_spawn*}) or cannot fail.
     *
     * @param address the function
     * @param descriptor its C signature
     * @param critical whether the call never blocks and may skip the thread-state transition
     * @return a handle taking the C arguments
     */
    public static MethodHandle plain(MemorySegment address, FunctionDescriptor descriptor, boolean critical) {
        return critical
                ? LINKER.downcallHandle(address, descriptor, Linker.Option.critical(false))
                : LINKER.downcallHandle(address, descriptor);
    }
}
