/* A process whose memory the tests read and write from a JVM (cross-memory attach).
 *
 *   cma_peer SIZE     maps SIZE bytes, fills them with a pattern and prints
 *                     "READY <pid> <address> <size> <checksum>" (hex address and checksum)
 *
 * then answers commands on stdin, one a line:
 *   sum       prints the checksum of the buffer now (after the JVM wrote into it)
 *   hole      maps two pages, fills the first with 0x5a, unmaps the second and prints
 *             "<address of the first page> <page size>"
 *   nodump    prctl(PR_SET_DUMPABLE, 0), prints "ok"
 *   quit      exits with 0 (so does end of file)
 *
 * The checksum is FNV-1a, 64 bits, over the bytes in order. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

static uint64_t fnv1a(const unsigned char *p, size_t n) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: cma_peer SIZE\n");
        return 2;
    }
    size_t size = strtoull(argv[1], NULL, 10);
    unsigned char *buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    uint64_t x = 88172645463325252ULL; /* xorshift64: bytes no one would find by chance */
    for (size_t i = 0; i < size; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (unsigned char) x;
    }
    printf("READY %d %lx %zu %016llx\n", (int) getpid(), (unsigned long) buf, size,
           (unsigned long long) fnv1a(buf, size));
    fflush(stdout);
    char line[64];
    while (fgets(line, sizeof line, stdin) != NULL) {
        if (strncmp(line, "sum", 3) == 0) {
            printf("%016llx\n", (unsigned long long) fnv1a(buf, size));
        } else if (strncmp(line, "hole", 4) == 0) {
            long page = sysconf(_SC_PAGESIZE);
            unsigned char *two = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (two == MAP_FAILED) {
                perror("mmap");
                return 1;
            }
            memset(two, 0x5a, page);
            munmap(two + page, page);
            printf("%lx %ld\n", (unsigned long) two, page);
        } else if (strncmp(line, "nodump", 6) == 0) {
            printf(prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0 ? "ok\n" : "failed\n");
        } else if (strncmp(line, "quit", 4) == 0) {
            break;
        }
        fflush(stdout);
    }
    return 0;
}
