package org.panamaipc.internal;

import java.lang.foreign.MemorySegment;

/**
 * One system call that may block, as {@link Blocker#call} runs it: the arguments are passed
 * through unchanged, so that a method reference to a static method ({@code MqCalls::receive})
 * captures nothing and a call allocates nothing.
 *
 * <p>The call returns its result ({@code >= 0}) or {@code -errno}; it never loops on EINTR
 * itself, and it never waits longer than {@code timeout} says: {@code MemorySegment.NULL}
 * means wait without limit, anything else is a {@code struct timespec} in the form the
 * {@link Blocker.Timing} names (for {@link Blocker.Timing#POLL_IN}/{@code POLL_OUT} it only
 * means "do not block": pass {@code MSG_DONTWAIT} or rely on {@code O_NONBLOCK}).
 */
@FunctionalInterface
public interface BlockingCall {
    /**
     * Makes the call once.
     *
     * @param handle the descriptor the blocker acquired, or the handle passed to {@code call}
     * @param a first memory argument
     * @param b second memory argument
     * @param x first integer argument
     * @param y second integer argument
     * @param z third integer argument
     * @param timeout {@code MemorySegment.NULL} to wait without limit, else the time limit
     * @return the result, or {@code -errno}
     */
    long call(int handle, MemorySegment a, MemorySegment b, long x, long y, long z, MemorySegment timeout);
}
