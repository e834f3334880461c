/*
 * Moving SIZE bytes that live in another process into this one (ns per transfer), the child
 * on CPU 1 owning a buffer it filled after fork:
 *   cma.SIZE       process_vm_readv of the child's buffer into the parent's: one copy
 *   shm.SIZE       the parent asks (1 byte on a pipe), the child memcpy's its buffer into
 *                  shared memory and answers, the parent memcpy's it out: two copies, a round trip
 *   pipe.SIZE      the child writes its buffer into a pipe over and over, the parent reads SIZE
 *   vmsplice.SIZE  as pipe, the child vmsplice's its buffer (the pipe refers to its pages; the
 *                  parent's read is the one copy)
 * Placement cross only. The Java side is org.panamaipc.bench.process.Transfer.
 */
#include "bench.h"
#include <fcntl.h>
#include <sys/uio.h>

/* The child: fills its buffer, says so, and hands the buffer over as the mode ('c', 's', 'p', 'v') says. */
static void child(int req[2], int ans[2], char *buf, char *shared, size_t size, char mode) {
    close(req[1]);
    close(ans[0]);
    for (size_t i = 0; i < size; i++) buf[i] = (char) (i * 131);
    char c = 'R';
    write_full(ans[1], &c, 1);
    if (mode == 'c') {
        read_full(req[0], &c, 1); /* until the parent ends */
    } else if (mode == 's') {
        for (;;) {
            read_full(req[0], &c, 1);
            memcpy(shared, buf, size);
            write_full(ans[1], &c, 1);
        }
    } else if (mode == 'p') {
        for (;;) write_full(ans[1], buf, size);
    } else {
        for (;;) {
            struct iovec v = {buf, size};
            while (v.iov_len > 0) {
                ssize_t r = vmsplice(ans[1], &v, 1, 0);
                if (r < 0) {
                    if (errno == EINTR) continue;
                    die("vmsplice");
                }
                v.iov_base = (char *) v.iov_base + r;
                v.iov_len -= (size_t) r;
            }
        }
    }
}

int main(int argc, char **argv) {
    opts_t o = parse_opts(argc, argv);
    const char *dot = strchr(o.mode, '.');
    if (dot == NULL) unknown_mode(&o);
    size_t size = strtoul(dot + 1, NULL, 10);
    if (size == 0) unknown_mode(&o);
    int cma = strncmp(o.mode, "cma.", 4) == 0;
    int shm = strncmp(o.mode, "shm.", 4) == 0;
    int pipe_mode = strncmp(o.mode, "pipe.", 5) == 0;
    int vms = strncmp(o.mode, "vmsplice.", 9) == 0;
    if (!cma && !shm && !pipe_mode && !vms) unknown_mode(&o);

    char *buf = aligned_alloc(64, (size + 63) / 64 * 64);
    char *local = aligned_alloc(64, (size + 63) / 64 * 64);
    if (buf == NULL || local == NULL) die("aligned_alloc");
    memset(local, 1, size);
    char *shared = shm ? shared_memory(size) : NULL;
    if (shared) memset(shared, 2, size);
    int req[2], ans[2];
    if (pipe(req) != 0 || pipe(ans) != 0) die("pipe");
    pid_t pid;
    SPAWN(&o, pid, child(req, ans, buf, shared, size, cma ? 'c' : shm ? 's' : pipe_mode ? 'p' : 'v'));
    close(req[0]);
    close(ans[1]);
    char c;
    read_full(ans[0], &c, 1);
    struct iovec l = {local, size}, r = {buf, size}; /* the same address in the child after fork */
    if (cma) {
        MEASURE(&o, {
            if (process_vm_readv(pid, &l, 1, &r, 1, 0) != (ssize_t) size) die("process_vm_readv");
        });
    } else if (shm) {
        MEASURE(&o, {
            write_full(req[1], &c, 1);
            read_full(ans[0], &c, 1);
            memcpy(local, shared, size);
            __asm__ volatile("" : : "r"(local) : "memory");
        });
    } else {
        MEASURE(&o, { read_full(ans[0], local, size); });
    }
    end_child(pid);
    return 0;
}
