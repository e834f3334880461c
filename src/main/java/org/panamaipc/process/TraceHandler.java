package org.panamaipc.process;

import java.io.IOException;

/**
 * Handles the events of a {@link Trace#drive} loop on the trace's tracer thread, where the
 * trace's own requests ({@link Trace#resume}, {@link Trace#detach}, {@link Trace#registers},
 * {@link Trace#readMemory}, {@link Trace#interrupt}) run at once, without the hand-over to the
 * tracer thread and back that each of them costs from any other thread.
 *
 * <pre>{@code
 * TraceEvent last = trace.drive(e -> {
 *     if (e instanceof SyscallStop call && call.isEntry() && call.name().equals("unlink")) {
 *         return false;                       // end the loop: the tracee stays stopped here
 *     }
 *     if (!(e instanceof TraceeExit)) {
 *         trace.resume(e);                    // as if untraced
 *     }
 *     return true;                            // the next event
 * });
 * }</pre>
 *
 * <p>A handler runs on a platform thread the trace owns: it should not block on anything but
 * the trace (a thread blocked in it holds up every request to the trace), and it must not
 * wait for another thread that makes a request to the same trace.
 */
@FunctionalInterface
public interface TraceHandler {
    /**
     * Handles one event. Its tracee stays stopped until the handler resumes or detaches it,
     * now or later (a {@link TraceeExit} has nothing to resume).
     *
     * @param event the event
     * @return {@code true} to take the next event, {@code false} to end the loop, which
     *         returns this event
     * @throws IOException to end the loop with it (so does an unchecked exception)
     */
    boolean handle(TraceEvent event) throws IOException;
}
