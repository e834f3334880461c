/*
 * Unix domain sockets (socketpair): modes stream.rtt, stream.tput, dgram.rtt, dgram.tput,
 * seqpacket.rtt, seqpacket.tput. Datagram and seqpacket use send/recv of whole messages;
 * stream reads and writes exactly the message size.
 */
#include "bench.h"
#include <sys/socket.h>

static void recv_msg(int fd, void *b, size_t n, int stream) {
    if (stream) { read_full(fd, b, n); return; }
    for (;;) {
        ssize_t r = recv(fd, b, n, 0);
        if (r == (ssize_t) n) return;
        if (r == 0) _exit(0);
        if (r < 0 && errno != EINTR) die("recv");
    }
}

static void send_msg(int fd, const void *b, size_t n, int stream) {
    if (stream) { write_full(fd, b, n); return; }
    for (;;) {
        ssize_t r = send(fd, b, n, 0);
        if (r == (ssize_t) n) return;
        if (r < 0 && errno != EINTR) die("send");
    }
}

int main(int argc, char **argv) {
    opts_t o = parse_opts(argc, argv);
    char type[32];
    const char *dot = strchr(o.mode, '.');
    if (!dot || dot - o.mode >= (long) sizeof type) unknown_mode(&o);
    memcpy(type, o.mode, (size_t) (dot - o.mode));
    type[dot - o.mode] = 0;
    int rtt = strcmp(dot + 1, "rtt") == 0;
    if (!rtt && strcmp(dot + 1, "tput") != 0) unknown_mode(&o);
    int sotype = strcmp(type, "stream") == 0 ? SOCK_STREAM
            : strcmp(type, "dgram") == 0 ? SOCK_DGRAM
            : strcmp(type, "seqpacket") == 0 ? SOCK_SEQPACKET : -1;
    if (sotype < 0) unknown_mode(&o);
    int stream = sotype == SOCK_STREAM;
    int sv[2];
    if (socketpair(AF_UNIX, sotype | SOCK_CLOEXEC, 0, sv)) die("socketpair");
    pid_t pid;
    SPAWN(&o, pid, {
        close(sv[0]);
        char b[ONE_WAY_BYTES];
        for (;;) {
            if (rtt) { recv_msg(sv[1], b, RTT_BYTES, stream); send_msg(sv[1], b, RTT_BYTES, stream); }
            else recv_msg(sv[1], b, ONE_WAY_BYTES, stream);
        }
    });
    close(sv[1]);
    char b[ONE_WAY_BYTES] = {0};
    if (rtt) {
        MEASURE(&o, { b[0]++; send_msg(sv[0], b, RTT_BYTES, stream); recv_msg(sv[0], b, RTT_BYTES, stream); });
    } else {
        MEASURE(&o, { b[0]++; send_msg(sv[0], b, ONE_WAY_BYTES, stream); });
    }
    end_child(pid);
    return 0;
}
