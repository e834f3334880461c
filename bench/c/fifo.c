/* Named pipes (mkfifo in /tmp, removed once both ends are open): rtt, tput and tput.SIZE
 * as pipe.c. */
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
    size_t size = rtt ? RTT_BYTES : tput_bytes(&o, 1 << 20);
    if (size == 0) { unlink(down); unlink(up); unknown_mode(&o); }
    char *b = calloc(1, size);
    if (b == NULL) die("calloc");
    pid_t pid;
    SPAWN(&o, pid, {
        int in = open(down, O_RDONLY | O_CLOEXEC);
        int out = open(up, O_WRONLY | O_CLOEXEC);
        if (in < 0 || out < 0) die("open fifo");
        for (;;) {
            read_full(in, b, size);
            if (rtt) write_full(out, b, size);
        }
    });
    int out = open(down, O_WRONLY | O_CLOEXEC);
    int in = open(up, O_RDONLY | O_CLOEXEC);
    if (in < 0 || out < 0) die("open fifo");
    unlink(down);
    unlink(up);
    if (rtt) {
        MEASURE(&o, { b[0]++; write_full(out, b, size); read_full(in, b, size); });
    } else {
        MEASURE(&o, { b[0]++; write_full(out, b, size); });
    }
    end_child(pid);
    return 0;
}
