package org.panamaipc.process;

/**
 * A tracee has created a process or thread, traced from its first instruction
 * ({@link TraceOption#FOLLOW_FORKS}); the parent stops here, the new one runs under the trace.
 *
 * @param pid the parent
 * @param newPid the new process (or thread)
 * @param kind how it was made
 */
public record ForkStop(long pid, long newPid, Kind kind) implements TraceEvent {
    /** How a new tracee was made. */
    public enum Kind {
        /** {@code fork}, or {@code clone} with a termination signal of {@code SIGCHLD}. */
        FORK,
        /** {@code vfork}, or {@code clone} with {@code CLONE_VFORK}. */
        VFORK,
        /** Any other {@code clone}: a thread, usually. */
        CLONE
    }
}
