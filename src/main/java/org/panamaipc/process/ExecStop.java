package org.panamaipc.process;

/**
 * A tracee has replaced its program ({@code execve} succeeded, {@code PTRACE_EVENT_EXEC}); it
 * stops before the new program's first instruction.
 *
 * @param pid the tracee
 * @param formerPid the thread that called {@code execve}: another thread of the process when
 *        that was not its main thread (whose id the process keeps), else {@code pid}
 */
public record ExecStop(long pid, long formerPid) implements TraceEvent {
}
