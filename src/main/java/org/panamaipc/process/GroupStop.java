package org.panamaipc.process;

import org.panamaipc.signal.Signal;

/**
 * A tracee has stopped, as it would untraced, by a stop signal ({@code SIGSTOP},
 * {@code SIGTSTP}, {@code SIGTTIN}, {@code SIGTTOU}): group-stop. {@link Trace#resume(TraceEvent)}
 * keeps it stopped until a {@code SIGCONT} continues it ({@code PTRACE_LISTEN}), whose
 * {@link SignalStop} is the continue event; {@link Trace#resume(long)} makes it run at once.
 *
 * @param pid the tracee
 * @param signal the signal that stopped it
 */
public record GroupStop(long pid, Signal signal) implements TraceEvent {
}
