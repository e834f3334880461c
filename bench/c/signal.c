/*
 * Signal delivery: rtt. Both processes block SIGUSR1 and take it with sigwaitinfo; each
 * answers the other's signal with kill(2).
 */
#include "bench.h"

int main(int argc, char **argv) {
    opts_t o = parse_opts(argc, argv);
    if (!mode_is(&o, "rtt")) unknown_mode(&o);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    if (sigprocmask(SIG_BLOCK, &set, NULL)) die("sigprocmask");
    pid_t parent = getpid();
    pid_t pid;
    SPAWN(&o, pid, {
        for (;;) {
            while (sigwaitinfo(&set, NULL) < 0) if (errno != EINTR) die("sigwaitinfo");
            kill(parent, SIGUSR1);
        }
    });
    MEASURE(&o, {
        kill(pid, SIGUSR1);
        while (sigwaitinfo(&set, NULL) < 0) if (errno != EINTR) die("sigwaitinfo");
    });
    end_child(pid);
    return 0;
}
