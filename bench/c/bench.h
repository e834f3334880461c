/*
 * The C side of the panama-ipc benchmark suite: the limit each Java figure is compared to.
 *
 * Every program is run as
 *     PROGRAM MODE PLACEMENT WARMUP ITERATIONS ITERATION_MS
 * e.g. `pipe rtt cross 1 5 500`. PLACEMENT is `cross` (the child on CPU 1, the parent on
 * CPU 0), `same` (both on CPU 0) or `none` (one process on CPU 0). The parent measures:
 * each iteration repeats the operation for ITERATION_MS and records the mean time per
 * operation; warm-up iterations are dropped. The result is one line on standard output:
 *     RESULT <program>.<mode> <placement> ns <iteration mean> <iteration mean> ...
 * which bench/report/render.py reads. The child is ended with SIGKILL after the last
 * iteration (it also dies with its parent: PR_SET_PDEATHSIG), and every named object is
 * removed before the program exits.
 *
 * Message sizes are the Java suite's (org.panamaipc.bench.infra.Messages): 8 bytes per
 * round trip, 64 bytes per one-way message; a one-way mode `tput.SIZE` (see tput_bytes)
 * sends SIZE-byte messages instead.
 */
#ifndef PANAMA_BENCH_H
#define PANAMA_BENCH_H

#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RTT_BYTES 8
#define ONE_WAY_BYTES 64
#define FD_WINDOW 32
#define FD_ACK_EVERY 16
#define MAX_ITERATIONS 1000

typedef struct {
    const char *program;
    const char *mode;
    const char *placement;
    int parent_cpu;
    int child_cpu;
    int warmup;
    int iterations;
    long long iteration_ns;
} opts_t;

static inline void die(const char *what) {
    fprintf(stderr, "%s: %s\n", what, strerror(errno));
    exit(2);
}

static inline void pin_to(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) die("sched_setaffinity");
}

/* What a spinning wait does between two looks (PAUSE on x86, YIELD on aarch64). */
static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static inline long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Ctrl-C or timeout(1): leave through exit() so that atexit handlers remove System V objects. */
static inline void on_termination(int sig) {
    (void) sig;
    exit(3);
}

static inline opts_t parse_opts(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s MODE cross|same|none WARMUP ITERATIONS ITERATION_MS\n", argv[0]);
        exit(64);
    }
    opts_t o;
    const char *slash = strrchr(argv[0], '/');
    o.program = slash ? slash + 1 : argv[0];
    o.mode = argv[1];
    o.placement = argv[2];
    o.parent_cpu = 0;
    o.child_cpu = strcmp(argv[2], "cross") == 0 ? 1 : 0;
    o.warmup = atoi(argv[3]);
    o.iterations = atoi(argv[4]);
    o.iteration_ns = atoll(argv[5]) * 1000000LL;
    if (o.iterations < 1 || o.iterations + o.warmup > MAX_ITERATIONS || o.iteration_ns <= 0) {
        fprintf(stderr, "bad iteration settings\n");
        exit(64);
    }
    if (o.child_cpu == 1 && sysconf(_SC_NPROCESSORS_ONLN) < 2) {
        printf("SKIP %s.%s %s needs 2 CPUs\n", o.program, o.mode, o.placement);
        exit(0);
    }
    signal(SIGTERM, on_termination);
    signal(SIGINT, on_termination);
    pin_to(o.parent_cpu);
    return o;
}

static inline int mode_is(const opts_t *o, const char *mode) {
    return strcmp(o->mode, mode) == 0;
}

static inline void unknown_mode(const opts_t *o) {
    fprintf(stderr, "%s: unknown mode %s\n", o->program, o->mode);
    exit(64);
}

/*
 * The message size of a one-way mode: ONE_WAY_BYTES for `tput`, SIZE for `tput.SIZE`
 * (1 to max bytes), 0 for any other mode.
 */
static inline size_t tput_bytes(const opts_t *o, size_t max) {
    if (mode_is(o, "tput")) return ONE_WAY_BYTES;
    if (strncmp(o->mode, "tput.", 5) != 0) return 0;
    char *end;
    long n = strtol(o->mode + 5, &end, 10);
    if (*end != '\0' || n < 1 || (size_t) n > max) unknown_mode(o);
    return (size_t) n;
}

/* Forks the child, pinned to its CPU, killed when the parent dies; the child runs `body`. */
#define SPAWN(o, pid, body)                                        \
    do {                                                           \
        pid_t parent_ = getpid();                                  \
        (pid) = fork();                                            \
        if ((pid) < 0) die("fork");                                \
        if ((pid) == 0) {                                          \
            prctl(PR_SET_PDEATHSIG, SIGKILL);                      \
            if (getppid() != parent_) _exit(1);                    \
            pin_to((o)->child_cpu);                                \
            body;                                                  \
            _exit(0);                                              \
        }                                                          \
    } while (0)

static inline void end_child(pid_t pid) {
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/*
 * Runs `op` (a statement) for each iteration's time, in batches between clock reads, and
 * prints the RESULT line.
 */
#define MEASURE(o, op)                                                                   \
    do {                                                                                 \
        static double means_[MAX_ITERATIONS];                                            \
        int total_ = (o)->warmup + (o)->iterations;                                      \
        for (int it_ = 0; it_ < total_; it_++) {                                         \
            long long start_ = now_ns(), end_;                                           \
            long long n_ = 0;                                                            \
            do {                                                                         \
                for (int k_ = 0; k_ < 64; k_++) {                                        \
                    op;                                                                  \
                }                                                                        \
                n_ += 64;                                                                \
                end_ = now_ns();                                                         \
            } while (end_ - start_ < (o)->iteration_ns);                                 \
            means_[it_] = (double) (end_ - start_) / (double) n_;                        \
        }                                                                                \
        printf("RESULT %s.%s %s ns", (o)->program, (o)->mode, (o)->placement);           \
        for (int it_ = (o)->warmup; it_ < total_; it_++) printf(" %.2f", means_[it_]);   \
        printf("\n");                                                                    \
        fflush(stdout);                                                                  \
    } while (0)

/* Reads or writes exactly n bytes (stream semantics); exits the process at end of input. */
static inline void read_full(int fd, void *buf, size_t n) {
    size_t done = 0;
    while (done < n) {
        ssize_t r = read(fd, (char *) buf + done, n - done);
        if (r > 0) {
            done += (size_t) r;
        } else if (r == 0) {
            _exit(0);
        } else if (errno != EINTR) {
            die("read");
        }
    }
}

static inline void write_full(int fd, const void *buf, size_t n) {
    size_t done = 0;
    while (done < n) {
        ssize_t r = write(fd, (const char *) buf + done, n - done);
        if (r >= 0) {
            done += (size_t) r;
        } else if (errno != EINTR) {
            die("write");
        }
    }
}

/* Shared anonymous memory that survives fork. */
static inline void *shared_memory(size_t size) {
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) die("mmap");
    return p;
}

#endif
