package org.panamaipc.process;

import org.panamaipc.signal.Signal;

/**
 * A tracee is about to receive a signal (signal-delivery-stop): {@link Trace#resume(TraceEvent)}
 * delivers it, {@link Trace#resume(long)} suppresses it, {@link Trace#resume(long, Signal)}
 * delivers another instead.
 *
 * @param pid the tracee
 * @param signal the signal it is about to receive
 */
public record SignalStop(long pid, Signal signal) implements TraceEvent {
}
