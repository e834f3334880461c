/* Named pipes (mkfifo in /tmp, removed once both ends are open): rtt and tput as pipe.c. */
#include "bench.h"
#include <fcntl.h>
#include <sys/stat.h>

int main(int argc, char **argv) {
    opts_t o = parse_opts(argc, argv);
    char down[128], up[128];
    snprintf(down, sizeof down, "/tmp/panama-bench-c-fifo-%d-down", (int) getpid());
    snprintf(up, sizeof up, "/tmp/panama-bench-c-fifo-%d-up", (int) getpid());
    if (mkfifo(down, 0600) || mkfifo(up, 0600)) die("mkfifo");
    int rtt = mode_is(&o, "rtt");
    if (!rtt && !mode_is(&o, "tput")) { unlink(down); unlink(up); unknown_mode(&o); }
    pid_t pid;
    SPAWN(&o, pid, {
        int in = open(down, O_RDONLY | O_CLOEXEC);
        int out = open(up, O_WRONLY | O_CLOEXEC);
        if (in < 0 || out < 0) die("open fifo");
        char b[ONE_WAY_BYTES];
        for (;;) {
            if (rtt) { read_full(in, b, RTT_BYTES); write_full(out, b, RTT_BYTES); }
            else read_full(in, b, ONE_WAY_BYTES);
        }
    });
    int out = open(down, O_WRONLY | O_CLOEXEC);
    int in = open(up, O_RDONLY | O_CLOEXEC);
    if (in < 0 || out < 0) die("open fifo");
    unlink(down);
    unlink(up);
    char b[ONE_WAY_BYTES] = {0};
    if (rtt) {
        MEASURE(&o, { b[0]++; write_full(out, b, RTT_BYTES); read_full(in, b, RTT_BYTES); });
    } else {
        MEASURE(&o, { b[0]++; write_full(out, b, ONE_WAY_BYTES); });
    }
    end_child(pid);
    return 0;
}
