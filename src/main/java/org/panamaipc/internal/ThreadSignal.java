package org.panamaipc.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.sigaction;

/**
 * Interrupts a thread blocked in a system call, so that closing an object from another
 * thread releases its waiters: the JDK's own mechanism for its channels, reused.
 *
 * <p>The signal is the one the JDK's NIO uses for the same purpose, the kernel's
 * {@code SIGRTMAX - 2} (62 on Linux), with a handler that does nothing and no
 * {@code SA_RESTART}: a blocked {@code read}, {@code recvmsg}, {@code mq_receive},
 * {@code msgrcv}, {@code semop}, {@code futex} or {@code sem_wait} returns EINTR, and the
 * caller sees that its object was closed. The handler is a C library function with no
 * effect (it reads a constant), so no Java code ever runs in a signal handler; installing
 * it over the JDK's equally empty one changes nothing for the JDK.
 */
public final class ThreadSignal {
    /** The signal sent, {@code __SIGRTMAX - 2} as in the JDK. */
    public static final int SIGNAL = 64 - 2;

    private static final MethodHandle PTHREAD_SELF =
            Downcalls.plain(LibC.pthread_self$address(), LibC.pthread_self$descriptor(), true);
    private static final MethodHandle PTHREAD_KILL =
            Downcalls.plain(LibC.pthread_kill$address(), LibC.pthread_kill$descriptor(), true);
    private static final MethodHandle SIGACTION =
            Downcalls.blocking(LibC.sigaction$address(), LibC.sigaction$descriptor());

    static {
        installHandler();
    }

    private ThreadSignal() {
    }

    private static void installHandler() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment action = sigaction.allocate(arena); // zeroed: empty mask, no flags
            sigaction.__sigaction_handler.sa_handler(sigaction.__sigaction_handler(action),
                    LibC.__libc_current_sigrtmin$address());
            MemorySegment st = CallState.get();
            int r = (int) SIGACTION.invokeExact(st, SIGNAL, action, MemorySegment.NULL);
            if (r != 0) {
                throw new ExceptionInInitializerError("sigaction(" + SIGNAL + "): "
                        + org.panamaipc.Errno.describe(CallState.errno(st)));
            }
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /** {@return the calling thread's {@code pthread_t}, to pass to {@link #interrupt}} */
    public static long current() {
        try {
            return (long) PTHREAD_SELF.invokeExact();
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * Sends the signal to a thread, making a system call it is blocked in return EINTR.
     *
     * @param thread a value {@link #current()} returned on a thread still alive
     */
    public static void interrupt(long thread) {
        try {
            int r = (int) PTHREAD_KILL.invokeExact(thread, SIGNAL);
            if (r != 0) {
                throw new IllegalStateException("pthread_kill: " + org.panamaipc.Errno.describe(r));
            }
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }
}
