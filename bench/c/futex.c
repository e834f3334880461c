/*
 * Shared futexes (non-private FUTEX_WAIT/FUTEX_WAKE on shared memory): rtt. Each side
 * raises the other's word and wakes it, then waits while its own word is 0 and clears it:
 * two wakes and up to two waits per round trip, like a binary semaphore.
 */
#include "bench.h"
#include <linux/futex.h>
#include <stdatomic.h>
#include <sys/syscall.h>

static void futex_wait(atomic_int *word) {
    while (atomic_load_explicit(word, memory_order_acquire) == 0) {
        if (syscall(SYS_futex, word, FUTEX_WAIT, 0, NULL, NULL, 0) && errno != EAGAIN && errno != EINTR) {
            die("futex wait");
        }
    }
    atomic_store_explicit(word, 0, memory_order_relaxed);
}

static void futex_post(atomic_int *word) {
    atomic_store_explicit(word, 1, memory_order_release);
    if (syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0) < 0) die("futex wake");
}

int main(int argc, char **argv) {
    opts_t o = parse_opts(argc, argv);
    if (!mode_is(&o, "rtt")) unknown_mode(&o);
    atomic_int *words = shared_memory(128);
    atomic_int *ping = &words[0], *pong = &words[16];
    pid_t pid;
    SPAWN(&o, pid, {
        for (;;) { futex_wait(ping); futex_post(pong); }
    });
    MEASURE(&o, { futex_post(ping); futex_wait(pong); });
    end_child(pid);
    return 0;
}
