/*
 * System V message queues (msgget IPC_PRIVATE, removed with IPC_RMID at the end): rtt
 * (8-byte ping-pong over two queues), tput (64-byte messages one way through one queue),
 * tput.SIZE (SIZE-byte messages, at most the system's msgmax, one way).
 */
#include "bench.h"
#include <sys/ipc.h>
#include <sys/msg.h>

#define MAX_BYTES 65536

struct message {
    long mtype;
    char text[MAX_BYTES];
};

static int queues[2] = {-1, -1};

static void remove_queues(void) {
    for (int i = 0; i < 2; i++) if (queues[i] >= 0) msgctl(queues[i], IPC_RMID, NULL);
}

static void receive(int q, struct message *m) {
    while (msgrcv(q, m, MAX_BYTES, 0, 0) < 0) if (errno != EINTR) die("msgrcv");
}

static void send(int q, const struct message *m, size_t n) {
    while (msgsnd(q, m, n, 0) < 0) if (errno != EINTR) die("msgsnd");
}

int main(int argc, char **argv) {
    opts_t o = parse_opts(argc, argv);
    int rtt = mode_is(&o, "rtt");
    size_t size = rtt ? RTT_BYTES : tput_bytes(&o, MAX_BYTES);
    if (size == 0) unknown_mode(&o);
    queues[0] = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    queues[1] = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    atexit(remove_queues);
    if (queues[0] < 0 || queues[1] < 0) die("msgget");
    pid_t pid;
    SPAWN(&o, pid, {
        static struct message m;
        for (;;) {
            receive(queues[0], &m);
            if (rtt) send(queues[1], &m, RTT_BYTES);
        }
    });
    static struct message m = {.mtype = 1};
    if (rtt) {
        MEASURE(&o, { m.text[0]++; send(queues[0], &m, RTT_BYTES); receive(queues[1], &m); });
    } else {
        MEASURE(&o, { m.text[0]++; send(queues[0], &m, size); });
    }
    end_child(pid);
    return 0;
}
