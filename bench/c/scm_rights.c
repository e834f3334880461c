/*
 * Descriptor passing over a Unix stream socketpair (SCM_RIGHTS), each message one byte
 * carrying N descriptors of /dev/null; the receiver closes every descriptor it gets.
 *   rtt1, rtt16:   the child answers each message with one byte (no descriptors).
 *   tput1, tput16: one way; the sender may be FD_WINDOW messages ahead, the receiver
 *                  acknowledges every FD_ACK_EVERY messages with one byte (the kernel caps
 *                  descriptors in flight). Result: ns per message (the report divides by N).
 */
#include "bench.h"
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>

#define MAX_FDS 16

static void send_fds(int sock, int fd, int n) {
    char byte = 1;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        char buf[CMSG_SPACE(MAX_FDS * sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = CMSG_SPACE(n * sizeof(int))};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(n * sizeof(int));
    int *fds = (int *) CMSG_DATA(c);
    for (int i = 0; i < n; i++) fds[i] = fd;
    while (sendmsg(sock, &msg, 0) != 1) if (errno != EINTR) die("sendmsg");
}

static void receive_fds(int sock) {
    char byte;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        char buf[CMSG_SPACE(MAX_FDS * sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    ssize_t r;
    while ((r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0) if (errno != EINTR) die("recvmsg");
    if (r == 0) _exit(0);
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int n = (int) ((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            int *fds = (int *) CMSG_DATA(c);
            for (int i = 0; i < n; i++) close(fds[i]);
        }
    }
}

int main(int argc, char **argv) {
    opts_t o = parse_opts(argc, argv);
    int rtt, n;
    if (mode_is(&o, "rtt1")) { rtt = 1; n = 1; }
    else if (mode_is(&o, "rtt16")) { rtt = 1; n = 16; }
    else if (mode_is(&o, "tput1")) { rtt = 0; n = 1; }
    else if (mode_is(&o, "tput16")) { rtt = 0; n = 16; }
    else unknown_mode(&o);
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0) { lim.rlim_cur = lim.rlim_max; setrlimit(RLIMIT_NOFILE, &lim); }
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int sv[2];
    if (devnull < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) die("socketpair");
    pid_t pid;
    SPAWN(&o, pid, {
        close(sv[0]);
        char byte = 1;
        for (long received = 1;; received++) {
            receive_fds(sv[1]);
            if (rtt || received % FD_ACK_EVERY == 0) write_full(sv[1], &byte, 1);
        }
    });
    close(sv[1]);
    char byte;
    if (rtt) {
        MEASURE(&o, { send_fds(sv[0], devnull, n); read_full(sv[0], &byte, 1); });
    } else {
        long sent = 0, acked = 0;
        MEASURE(&o, {
            if (sent - acked >= FD_WINDOW) { read_full(sv[0], &byte, 1); acked += FD_ACK_EVERY; }
            send_fds(sv[0], devnull, n);
            sent++;
        });
    }
    end_child(pid);
    return 0;
}
