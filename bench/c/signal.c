/*
 * Signal delivery, round trip: each process answers the other's SIGUSR1 with kill(2).
 * Both block SIGUSR1 and take it
 *   rtt:      with sigwaitinfo(2);
 *   signalfd: by reading a signalfd(2) descriptor.
 */
#include "bench.h"
#include <sys/signalfd.h>

static void take(const sigset_t *set, int sfd) {
    if (sfd >= 0) {
        struct signalfd_siginfo info;
        read_full(sfd, &info, sizeof info);
    } else {
        while (sigwaitinfo(set, NULL) < 0) if (errno != EINTR) die("sigwaitinfo");
    }
}

int main(int argc, char **argv) {
    opts_t o = parse_opts(argc, argv);
    int use_fd = mode_is(&o, "signalfd");
    if (!use_fd && !mode_is(&o, "rtt")) unknown_mode(&o);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    if (sigprocmask(SIG_BLOCK, &set, NULL)) die("sigprocmask");
    pid_t parent = getpid();
    pid_t pid;
    SPAWN(&o, pid, {
        int sfd = use_fd ? signalfd(-1, &set, SFD_CLOEXEC) : -1;
        if (use_fd && sfd < 0) die("signalfd");
        for (;;) {
            take(&set, sfd);
            kill(parent, SIGUSR1);
        }
    });
    int sfd = use_fd ? signalfd(-1, &set, SFD_CLOEXEC) : -1;
    if (use_fd && sfd < 0) die("signalfd");
    MEASURE(&o, {
        kill(pid, SIGUSR1);
        take(&set, sfd);
    });
    end_child(pid);
    return 0;
}
