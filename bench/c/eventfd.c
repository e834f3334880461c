/* eventfd: rtt, write 1 to one counter and read the other (two eventfds). */
#include "bench.h"
#include <sys/eventfd.h>

int main(int argc, char **argv) {
    opts_t o = parse_opts(argc, argv);
    if (!mode_is(&o, "rtt")) unknown_mode(&o);
    int down = eventfd(0, EFD_CLOEXEC), up = eventfd(0, EFD_CLOEXEC);
    if (down < 0 || up < 0) die("eventfd");
    pid_t pid;
    SPAWN(&o, pid, {
        uint64_t v;
        for (;;) { read_full(down, &v, sizeof v); v = 1; write_full(up, &v, sizeof v); }
    });
    uint64_t v;
    MEASURE(&o, { v = 1; write_full(down, &v, sizeof v); read_full(up, &v, sizeof v); });
    end_child(pid);
    return 0;
}
