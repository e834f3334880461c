package org.panamaipc.process;

/**
 * A tracee has ended; it is no longer traced. For a child of this process its status stays
 * with its {@link ChildProcess} ({@link ChildProcess#waitFor()} returns it); any other tracee
 * the trace has reaped.
 *
 * @param pid the tracee
 * @param status how it ended
 */
public record TraceeExit(long pid, ExitStatus status) implements TraceEvent {
}
