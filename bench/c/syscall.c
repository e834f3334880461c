/*
 * The per-call floor: syscall(SYS_getpid) and a 1-byte write to /dev/null (modes getpid,
 * write_devnull); and a 64-byte send + receive on one thread that never waits, through a pipe
 * (pipe_pair) or a Unix stream or datagram socket pair (stream_pair, dgram_pair).
 */
#include "bench.h"
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#define PAIR_BYTES 64

int main(int argc, char **argv) {
    opts_t o = parse_opts(argc, argv);
    if (mode_is(&o, "getpid")) {
        volatile long sink;
        MEASURE(&o, sink = syscall(SYS_getpid));
        (void) sink;
    } else if (mode_is(&o, "write_devnull")) {
        int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (fd < 0) die("open /dev/null");
        char byte = 1;
        MEASURE(&o, if (write(fd, &byte, 1) != 1) die("write"));
        close(fd);
    } else if (mode_is(&o, "pipe_pair")) {
        int p[2];
        if (pipe2(p, O_CLOEXEC)) die("pipe2");
        char b[PAIR_BYTES] = {0};
        MEASURE(&o, {
            if (write(p[1], b, sizeof b) != sizeof b) die("write");
            if (read(p[0], b, sizeof b) != sizeof b) die("read");
        });
    } else if (mode_is(&o, "stream_pair") || mode_is(&o, "dgram_pair")) {
        int sv[2];
        if (socketpair(AF_UNIX, (mode_is(&o, "stream_pair") ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0, sv)) {
            die("socketpair");
        }
        char b[PAIR_BYTES] = {0};
        MEASURE(&o, {
            if (send(sv[0], b, sizeof b, MSG_NOSIGNAL) != sizeof b) die("send");
            if (recv(sv[1], b, sizeof b, 0) != sizeof b) die("recv");
        });
    } else {
        unknown_mode(&o);
    }
    return 0;
}
