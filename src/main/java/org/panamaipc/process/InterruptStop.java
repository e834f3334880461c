package org.panamaipc.process;

/**
 * A tracee has stopped because the tracer asked ({@link Trace#interrupt(long)},
 * {@code PTRACE_INTERRUPT}), or has woken from a group-stop: it waits for
 * {@link Trace#resume}.
 *
 * @param pid the tracee
 */
public record InterruptStop(long pid) implements TraceEvent {
}
