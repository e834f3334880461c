package org.panamaipc.process;

/**
 * A tracee is about to end ({@code PTRACE_EVENT_EXIT}, with {@link TraceOption#EXITS}): it
 * stops on its way out, its registers and memory still there to read, and ends when it is
 * resumed ({@link TraceeExit} follows). A thread that ends alone stops here too. A tracee killed
 * by {@code SIGKILL} may end without this stop.
 *
 * @param pid the tracee
 * @param status how it will end
 */
public record ExitStop(long pid, ExitStatus status) implements TraceEvent {
}
