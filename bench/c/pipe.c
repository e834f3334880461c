/*
 * Anonymous pipes: rtt (8-byte ping-pong over two pipes), tput (64-byte messages one way),
 * tput.SIZE (SIZE-byte messages one way).
 */
#include "bench.h"
#include <fcntl.h>

int main(int argc, char **argv) {
    opts_t o = parse_opts(argc, argv);
    int to_child[2], to_parent[2];
    if (pipe2(to_child, O_CLOEXEC) || pipe2(to_parent, O_CLOEXEC)) die("pipe2");
    pid_t pid;
    size_t size = tput_bytes(&o, 1 << 20);
    if (mode_is(&o, "rtt")) {
        SPAWN(&o, pid, {
            char b[RTT_BYTES];
            for (;;) { read_full(to_child[0], b, sizeof b); write_full(to_parent[1], b, sizeof b); }
        });
        char b[RTT_BYTES] = {0};
        MEASURE(&o, { b[0]++; write_full(to_child[1], b, sizeof b); read_full(to_parent[0], b, sizeof b); });
    } else if (size > 0) {
        char *b = calloc(1, size);
        if (b == NULL) die("calloc");
        SPAWN(&o, pid, {
            for (;;) read_full(to_child[0], b, size);
        });
        MEASURE(&o, { b[0]++; write_full(to_child[1], b, size); });
    } else {
        unknown_mode(&o);
    }
    end_child(pid);
    return 0;
}
