/*
 * POSIX message queues: rtt (8-byte ping-pong over two queues), tput (64-byte messages one
 * way through one queue of 10 messages), tput.SIZE (SIZE-byte messages, at most the
 * system's msgsize_max, through a queue of 10 such messages). The queues are unlinked as
 * soon as they are open: the descriptors, inherited by the child, keep them alive.
 */
#include "bench.h"
#include <fcntl.h>
#include <mqueue.h>

#define MAX_BYTES 65536

static size_t msg_size;

static mqd_t open_queue(const char *name) {
    struct mq_attr attr = {.mq_maxmsg = 10, .mq_msgsize = (long) msg_size};
    mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &attr);
    if (q == (mqd_t) -1) die("mq_open");
    if (mq_unlink(name)) die("mq_unlink");
    return q;
}

static void receive(mqd_t q, char *b) {
    while (mq_receive(q, b, msg_size, NULL) < 0) if (errno != EINTR) die("mq_receive");
}

static void send(mqd_t q, const char *b, size_t n) {
    while (mq_send(q, b, n, 0) < 0) if (errno != EINTR) die("mq_send");
}

int main(int argc, char **argv) {
    opts_t o = parse_opts(argc, argv);
    int rtt = mode_is(&o, "rtt");
    msg_size = rtt ? ONE_WAY_BYTES : tput_bytes(&o, MAX_BYTES);
    if (msg_size == 0) unknown_mode(&o);
    char name[64];
    snprintf(name, sizeof name, "/panama-bench-c-mq-%d-down", (int) getpid());
    mqd_t down = open_queue(name);
    snprintf(name, sizeof name, "/panama-bench-c-mq-%d-up", (int) getpid());
    mqd_t up = open_queue(name);
    pid_t pid;
    SPAWN(&o, pid, {
        static char b[MAX_BYTES];
        for (;;) {
            receive(down, b);
            if (rtt) send(up, b, RTT_BYTES);
        }
    });
    static char b[MAX_BYTES];
    if (rtt) {
        MEASURE(&o, { b[0]++; send(down, b, RTT_BYTES); receive(up, b); });
    } else {
        MEASURE(&o, { b[0]++; send(down, b, msg_size); });
    }
    end_child(pid);
    return 0;
}
