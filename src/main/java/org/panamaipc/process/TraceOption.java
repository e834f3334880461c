package org.panamaipc.process;

/**
 * What a {@link Trace} stops its tracees for, beyond what every trace sees (signals before
 * delivery, {@code exec}, stops and exits).
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/ptrace.2.html">ptrace(2)</a>
 */
public enum TraceOption {
    /**
     * Stop at every system call's entry and exit ({@code PTRACE_SYSCALL} with
     * {@code PTRACE_O_TRACESYSGOOD}): {@link SyscallStop} events.
     */
    SYSCALLS,
    /**
     * Trace the processes and threads the tracees create, from their first instruction
     * ({@code PTRACE_O_TRACEFORK}, {@code TRACEVFORK}, {@code TRACECLONE}): the parent stops
     * with a {@link ForkStop}, and the new one runs under the trace by itself.
     */
    FOLLOW_FORKS,
    /**
     * Stop each tracee on its way out, before it ends ({@code PTRACE_O_TRACEEXIT}): an
     * {@link ExitStop} with the status it will end with, while its registers and memory can
     * still be read.
     */
    EXITS
}
