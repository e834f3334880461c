package org.panamaipc.process;

/**
 * What {@link Trace#next()} reports about one tracee (a process or thread, by its id). Every
 * event but {@link TraceeExit} leaves the tracee stopped until {@link Trace#resume} (or
 * {@link Trace#detach}) lets it go on.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/ptrace.2.html">ptrace(2)</a>
 */
public sealed interface TraceEvent permits SyscallStop, SignalStop, GroupStop, InterruptStop, ExecStop, ForkStop,
        ExitStop, TraceeExit {
    /** {@return the tracee's id (its thread id, which is the process id for the main thread)} */
    long pid();
}
