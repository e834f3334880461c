/*
 * A process-shared pthread mutex and condition variable in shared memory: rtt. A turn word
 * says whose move it is; each side sets the other's turn, signals, and waits for its own.
 */
#include "bench.h"
#include <pthread.h>

struct shared {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    int turn; /* 1: the child's, 0: the parent's */
};

int main(int argc, char **argv) {
    opts_t o = parse_opts(argc, argv);
    if (!mode_is(&o, "rtt")) unknown_mode(&o);
    struct shared *s = shared_memory(sizeof *s);
    pthread_mutexattr_t ma;
    pthread_condattr_t ca;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
    pthread_condattr_init(&ca);
    pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
    if (pthread_mutex_init(&s->mutex, &ma) || pthread_cond_init(&s->cond, &ca)) die("pthread init");
    s->turn = 0;
    pid_t pid;
    SPAWN(&o, pid, {
        pthread_mutex_lock(&s->mutex);
        for (;;) {
            while (s->turn != 1) pthread_cond_wait(&s->cond, &s->mutex);
            s->turn = 0;
            pthread_cond_signal(&s->cond);
        }
    });
    MEASURE(&o, {
        pthread_mutex_lock(&s->mutex);
        s->turn = 1;
        pthread_cond_signal(&s->cond);
        while (s->turn != 0) pthread_cond_wait(&s->cond, &s->mutex);
        pthread_mutex_unlock(&s->mutex);
    });
    end_child(pid);
    return 0;
}
