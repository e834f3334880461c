/* POSIX semaphores (sem_init pshared=1 in shared memory): rtt, post one and wait on the other. */
#include "bench.h"
#include <semaphore.h>

static void wait_sem(sem_t *s) {
    while (sem_wait(s)) if (errno != EINTR) die("sem_wait");
}

int main(int argc, char **argv) {
    opts_t o = parse_opts(argc, argv);
    if (!mode_is(&o, "rtt")) unknown_mode(&o);
    sem_t *sems = shared_memory(2 * sizeof(sem_t));
    if (sem_init(&sems[0], 1, 0) || sem_init(&sems[1], 1, 0)) die("sem_init");
    pid_t pid;
    SPAWN(&o, pid, {
        for (;;) { wait_sem(&sems[0]); sem_post(&sems[1]); }
    });
    MEASURE(&o, { sem_post(&sems[0]); wait_sem(&sems[1]); });
    end_child(pid);
    return 0;
}
