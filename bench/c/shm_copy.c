/*
 * Copy bandwidth into and out of a mapped POSIX shared memory object (shm_open, ftruncate,
 * mmap MAP_SHARED; unlinked once mapped): modes in.SIZE (memcpy from a private buffer into
 * the mapping) and out.SIZE (from the mapping into the private buffer), SIZE in bytes. One
 * process; both buffers touched first, so no page fault is measured.
 */
#include "bench.h"
#include <fcntl.h>
#include <sys/stat.h>

int main(int argc, char **argv) {
    opts_t o = parse_opts(argc, argv);
    const char *dot = strchr(o.mode, '.');
    if (dot == NULL) unknown_mode(&o);
    int in = strncmp(o.mode, "in.", 3) == 0;
    if (!in && strncmp(o.mode, "out.", 4) != 0) unknown_mode(&o);
    size_t size = strtoul(dot + 1, NULL, 10);
    if (size == 0) unknown_mode(&o);
    char name[64];
    snprintf(name, sizeof name, "/panama-bench-shmcopy-%d", (int) getpid());
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) die("shm_open");
    if (ftruncate(fd, (off_t) size) != 0) { shm_unlink(name); die("ftruncate"); }
    char *shared = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    shm_unlink(name);
    close(fd);
    if (shared == MAP_FAILED) die("mmap");
    char *private = aligned_alloc(64, (size + 63) / 64 * 64);
    if (private == NULL) die("aligned_alloc");
    memset(private, 1, size);
    memset(shared, 2, size);
    char *dst = in ? shared : private;
    const char *src = in ? private : shared;
    /* The empty asm keeps the compiler from dropping or merging the repeated copies. */
    MEASURE(&o, { memcpy(dst, src, size); __asm__ volatile("" : : "r"(dst) : "memory"); });
    munmap(shared, size);
    free(private);
    return 0;
}
