/* System V semaphores (a set of two, IPC_PRIVATE, removed at the end): rtt with semop. */
#include "bench.h"
#include <sys/ipc.h>
#include <sys/sem.h>

static int set = -1;

static void remove_set(void) {
    if (set >= 0) semctl(set, 0, IPC_RMID);
}

static void op(unsigned short num, short delta) {
    struct sembuf b = {.sem_num = num, .sem_op = delta, .sem_flg = 0};
    while (semop(set, &b, 1)) if (errno != EINTR) die("semop");
}

int main(int argc, char **argv) {
    opts_t o = parse_opts(argc, argv);
    if (!mode_is(&o, "rtt")) unknown_mode(&o);
    set = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
    if (set < 0) die("semget");
    atexit(remove_set);
    pid_t pid;
    SPAWN(&o, pid, {
        for (;;) { op(0, -1); op(1, 1); }
    });
    MEASURE(&o, { op(0, 1); op(1, -1); });
    end_child(pid);
    return 0;
}
