/*
 * The cache-line floor: ping-pong of a sequence number through two 8-byte slots of shared
 * memory 128 bytes apart (release store, acquire load, PAUSE while spinning), as the Java
 * spin benchmarks do. Mode rtt; meaningful across CPUs only.
 */
#include "bench.h"
#include <stdatomic.h>

int main(int argc, char **argv) {
    opts_t o = parse_opts(argc, argv);
    if (!mode_is(&o, "rtt")) unknown_mode(&o);
    _Atomic long *slots = shared_memory(4096);
    _Atomic long *ping = &slots[0], *pong = &slots[16];
    pid_t pid;
    SPAWN(&o, pid, {
        for (long expect = 1;; expect++) {
            while (atomic_load_explicit(ping, memory_order_acquire) != expect) cpu_relax();
            atomic_store_explicit(pong, expect, memory_order_release);
        }
    });
    long seq = 0;
    MEASURE(&o, {
        long s_ = ++seq;
        atomic_store_explicit(ping, s_, memory_order_release);
        while (atomic_load_explicit(pong, memory_order_acquire) != s_) cpu_relax();
    });
    end_child(pid);
    return 0;
}
