/*
 * The one-CPU gap, C side (bench/NOTES.md, "The one-CPU gap"): 8-byte FIFO round trips with
 * both ends on one CPU, as bench/c/fifo.c, in variants that isolate what a JVM brings.
 *
 *   onecpu proc  KIB ITERATIONS ITERATION_MS   two processes (fifo.c's `rtt same`); each side
 *                                              reads and writes KIB KiB of its own memory per
 *                                              message (0: none), a JVM-sized working set;
 *                                              KIBc (e.g. 64c): only the measuring side does,
 *                                              and the peer's time shows what that costs it
 *   onecpu thread 0 ITERATIONS ITERATION_MS    two threads of one process, no address-space switch
 *   onecpu client DOWN UP ITERATIONS ITERATION_MS [PEER_PID]   the measuring end against a
 *                                              peer started on the FIFOs DOWN and UP (a JVM
 *                                              peer: 5 warm-up iterations for its JIT)
 *   onecpu peer DOWN UP                        the echoing end, for a JVM client
 *
 * With ONECPU_DIRTY_YMM=1 in the environment, the AVX registers' upper halves are left in use.
 * Prints `RESULT onecpu.MODE same ns <iteration means>` like the suite's C programs (one
 * warm-up iteration dropped). Pins itself to CPU 0; `peer` and `client` do not fork.
 */
#include "../c/bench.h"
#include <fcntl.h>
#include <glob.h>
#include <pthread.h>
#include <sys/stat.h>

static size_t touch_bytes;
static volatile unsigned char *touch_area;

/* Reads and writes every cache line of this side's working set once. */
static void touch(void) {
    for (size_t i = 0; i < touch_bytes; i += 64) touch_area[i]++;
}

static void echo(int in, int out) {
    char b[RTT_BYTES];
    for (;;) {
        read_full(in, b, RTT_BYTES);
        touch();
        write_full(out, b, RTT_BYTES);
    }
}

/*
 * Of every thread of process `pid`: voluntary and involuntary context switches, time on the CPU
 * and time waiting in the run queue (ns, /proc/PID/task/TID/schedstat). Time on the CPU per round
 * trip hardly depends on what else the machine runs; the wall time per round trip does.
 */
static void switches(pid_t pid, long long sum[6]) {
    char pattern[64];
    glob_t g;
    sum[0] = sum[1] = sum[2] = sum[3] = sum[4] = sum[5] = 0;
    snprintf(pattern, sizeof pattern, "/proc/%d/task/*/status", (int) pid);
    if (glob(pattern, 0, NULL, &g) != 0) return;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        FILE *f = fopen(g.gl_pathv[i], "r");
        char line[256];
        long long v, w;
        while (f && fgets(line, sizeof line, f)) {
            if (sscanf(line, "voluntary_ctxt_switches: %lld", &v) == 1) sum[0] += v;
            if (sscanf(line, "nonvoluntary_ctxt_switches: %lld", &v) == 1) sum[1] += v;
        }
        if (f) fclose(f);
        strcpy(strrchr(g.gl_pathv[i], '/'), "/schedstat");
        f = fopen(g.gl_pathv[i], "r");
        if (f && fscanf(f, "%lld %lld", &v, &w) == 2) {
            sum[2] += v;
            sum[3] += w;
        }
        if (f) fclose(f);
        /* utime and stime (clock ticks): the split of the time on the CPU between user and kernel */
        strcpy(strrchr(g.gl_pathv[i], '/'), "/stat");
        f = fopen(g.gl_pathv[i], "r");
        if (f && fgets(line, sizeof line, f)) {
            char *p = strrchr(line, ')');
            if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lld %lld", &v, &w) == 2) {
                sum[4] += v;
                sum[5] += w;
            }
        }
        if (f) fclose(f);
    }
    globfree(&g);
}

#define MAX_TASKS 256

/* Time on the CPU (ns) of each thread of process `pid`: returns how many were read. */
static int task_cpu(pid_t pid, long long tids[MAX_TASKS], long long ns[MAX_TASKS]) {
    char pattern[64];
    glob_t g;
    int n = 0;
    snprintf(pattern, sizeof pattern, "/proc/%d/task/*/schedstat", (int) pid);
    if (glob(pattern, 0, NULL, &g) != 0) return 0;
    for (size_t i = 0; i < g.gl_pathc && n < MAX_TASKS; i++) {
        FILE *f = fopen(g.gl_pathv[i], "r");
        long long v;
        if (f && fscanf(f, "%lld", &v) == 1) {
            tids[n] = atoll(strstr(g.gl_pathv[i], "/task/") + 6);
            ns[n++] = v;
        }
        if (f) fclose(f);
    }
    globfree(&g);
    return n;
}

/* The largest growth of one thread's time on the CPU between two task_cpu readings. */
static long long busiest(int n0, const long long t0[], const long long c0[], int n1, const long long t1[],
                         const long long c1[]) {
    long long best = 0;
    for (int i = 0; i < n1; i++)
        for (int j = 0; j < n0; j++)
            if (t1[i] == t0[j] && c1[i] - c0[j] > best) best = c1[i] - c0[j];
    return best;
}

static double share(const long long a[6], const long long b[6]) {
    long long user = b[4] - a[4], all = user + b[5] - a[5];
    return all > 0 ? (double) user / (double) all : 0;
}

static void measure(const char *mode, int in, int out, int iterations, long long iteration_ns, pid_t peer) {
    char b[RTT_BYTES] = {0};
    long long n = 0, self0[6], self1[6], peer0[6] = {0}, peer1[6] = {0};
    opts_t o = {.program = "onecpu", .mode = mode, .placement = "same", .warmup = strcmp(mode, "client") ? 1 : 5,
                .iterations = iterations, .iteration_ns = iteration_ns};
    static long long pt0[MAX_TASKS], pc0[MAX_TASKS], pt1[MAX_TASKS], pc1[MAX_TASKS];
    int pn0 = 0, pn1 = 0;
    switches(getpid(), self0);
    if (peer > 0) switches(peer, peer0);
    if (peer > 0) pn0 = task_cpu(peer, pt0, pc0);
    MEASURE(&o, { n++; b[0]++; touch(); write_full(out, b, RTT_BYTES); read_full(in, b, RTT_BYTES); });
    if (peer > 0) pn1 = task_cpu(peer, pt1, pc1);
    switches(getpid(), self1);
    if (peer > 0) switches(peer, peer1);
    printf("SWITCHES onecpu.%s self %.3f/%.3f peer %.3f/%.3f per round trip "
           "cpu_ns self %.0f peer %.0f sum %.0f runq_wait_ns self %.0f peer %.0f user_share self %.2f peer %.2f "
           "peer_busiest_thread_cpu_ns %.0f\n", mode,
           (double) (self1[0] - self0[0]) / n, (double) (self1[1] - self0[1]) / n,
           (double) (peer1[0] - peer0[0]) / n, (double) (peer1[1] - peer0[1]) / n,
           (double) (self1[2] - self0[2]) / n, (double) (peer1[2] - peer0[2]) / n,
           (double) (self1[2] - self0[2] + peer1[2] - peer0[2]) / n,
           (double) (self1[3] - self0[3]) / n, (double) (peer1[3] - peer0[3]) / n,
           share(self0, self1), share(peer0, peer1), (double) busiest(pn0, pt0, pc0, pn1, pt1, pc1) / n);
}

static int open_or_die(const char *path, int flags) {
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0) die(path);
    return fd;
}

struct pair { int in, out; };

static void *echo_thread(void *arg) {
    struct pair *p = arg;
    echo(p->in, p->out);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: see the comment at the top of onecpu.c\n");
        return 64;
    }
    pin_to(0);
#if defined(__x86_64__)
    /* ONECPU_DIRTY_YMM=1: leave the upper halves of the AVX registers in use, as a JVM may, so
     * that every context switch saves and restores the AVX state (XSAVE's init optimization
     * skips it for a program that never touches them). Kept across fork. */
    if (getenv("ONECPU_DIRTY_YMM")) __asm__ volatile("vpcmpeqd %%ymm8, %%ymm8, %%ymm8" ::: "xmm8");
#endif
    const char *mode = argv[1];
    if (strcmp(mode, "peer") == 0) {
        int in = open_or_die(argv[2], O_RDWR);      /* as SysFifoPeer: never waits, never sees EOF */
        int out = open_or_die(argv[3], O_WRONLY);
        printf("READY\n");
        fflush(stdout);
        echo(in, out);
    }
    if (strcmp(mode, "client") == 0 && (argc == 6 || argc == 7)) {
        int in = open_or_die(argv[3], O_RDONLY);    /* waits for the peer's write end: no early EOF */
        int out = open_or_die(argv[2], O_WRONLY);
        measure("client", in, out, atoi(argv[4]), atoll(argv[5]) * 1000000LL, argc == 7 ? atoi(argv[6]) : 0);
        return 0;
    }
    if (argc != 5) return 64;
    touch_bytes = (size_t) atol(argv[2]) * 1024;
    int iterations = atoi(argv[3]);
    long long iteration_ns = atoll(argv[4]) * 1000000LL;
    int down[2], up[2];
    if (pipe2(down, O_CLOEXEC) || pipe2(up, O_CLOEXEC)) die("pipe2");
    char label[64];
    if (strcmp(mode, "thread") == 0) {
        struct pair p = {down[0], up[1]};
        pthread_t t;
        if (pthread_create(&t, NULL, echo_thread, &p)) die("pthread_create");
        measure("thread", up[0], down[1], iterations, iteration_ns, 0);
        return 0;
    }
    if (strcmp(mode, "proc") != 0) return 64;
    if (touch_bytes) {
        touch_area = mmap(NULL, touch_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (touch_area == MAP_FAILED) die("mmap");
        touch();                                     /* fault it in before fork: both sides own a copy */
    }
    opts_t o = {.child_cpu = 0};
    pid_t pid;
    int client_only = strchr(argv[2], 'c') != NULL;
    SPAWN(&o, pid, {
        if (client_only) touch_bytes = 0;
        if (touch_bytes) touch();                    /* copy-on-write: the child's own pages */
        echo(down[0], up[1]);
    });
    snprintf(label, sizeof label, "proc.%skib", argv[2]);
    measure(label, up[0], down[1], iterations, iteration_ns, pid);
    end_child(pid);
    return 0;
}
