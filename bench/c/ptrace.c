/*
 * A traced child's system call, round trip: the child calls getppid(2) in a loop; the tracer
 * (PTRACE_SEIZE with PTRACE_O_TRACESYSGOOD) resumes it with PTRACE_SYSCALL from the call's
 * entry stop, waits for its exit stop, resumes it again and waits for the next entry stop.
 *   syscall:      waitpid(2) only, the minimal loop;
 *   syscall_info: also PTRACE_GET_SYSCALL_INFO at each stop, as the library does.
 * Run as "ptrace tracee" it is the child alone (the Java benchmark's tracee).
 */
#include "bench.h"
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static void loop_forever(void) {
    for (;;) {
        syscall(SYS_getppid);
    }
}

static void stop_at(pid_t pid, int info) {
    int status;
    while (waitpid(pid, &status, __WALL) < 0) if (errno != EINTR) die("waitpid");
    if (!WIFSTOPPED(status)) {
        fprintf(stderr, "tracee ended\n");
        exit(2);
    }
    if (info) {
        struct __ptrace_syscall_info si;
        if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof si, &si) < 0) die("PTRACE_GET_SYSCALL_INFO");
    }
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "tracee") == 0) {
        loop_forever();
    }
    opts_t o = parse_opts(argc, argv);
    int info = mode_is(&o, "syscall_info");
    if (!info && !mode_is(&o, "syscall")) unknown_mode(&o);
    pid_t pid;
    SPAWN(&o, pid, loop_forever());
    if (ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACESYSGOOD) < 0) die("PTRACE_SEIZE");
    if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0) die("PTRACE_INTERRUPT");
    stop_at(pid, 0);
    MEASURE(&o, {
        if (ptrace(PTRACE_SYSCALL, pid, 0, 0) < 0) die("PTRACE_SYSCALL");
        stop_at(pid, info);
        if (ptrace(PTRACE_SYSCALL, pid, 0, 0) < 0) die("PTRACE_SYSCALL");
        stop_at(pid, info);
    });
    end_child(pid);
    return 0;
}
