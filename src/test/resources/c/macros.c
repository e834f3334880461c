/* Values of the C macros panama-ipc writes by hand (internal/Cmsg.java, Macros.java), as
   this machine's C library computes them. MacrosTest and CmsgTest compare the Java code
   with this program's committed output, macros.expected, and, when gcc is present,
   compile and run this program to check that the committed file is still true here.

   Output, one fact per line, words separated by spaces:
     CMSG_ALIGN|CMSG_SPACE|CMSG_LEN <len> <value>
     CMSG_DATA <offset of the data from its header>
     CMSG_BUFFER <case> <msg_controllen> <buffer bytes in hex>
     CMSG_FIRSTHDR <case> <offset, or -1 for NULL>
     CMSG_NXTHDR <case> <offset of a header> <offset of the next, or -1 for NULL>
     SIGRTMIN|SIGRTMAX|MAP_FAILED|SEM_FAILED <value>
     MEMBARRIER_CMD_GLOBAL_EXPEDITED|MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED <value>
       (enum constants of linux/membarrier.h, which the bindings do not include)
     S_IS <st_mode> <REG> <DIR> <CHR> <BLK> <FIFO> <LNK> <SOCK>
     WAIT <how the status came about> <status> <WIFEXITED> <WEXITSTATUS> <WIFSIGNALED>
          <WTERMSIG> <WCOREDUMP> <WIFSTOPPED> <WSTOPSIG> <WIFCONTINUED>
   Built with -O2, so CMSG_NXTHDR is glibc's inline version, as C programs get it. */
#define _GNU_SOURCE 1
#include <limits.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/membarrier.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define CONTROL_SIZE 256

static union {
    struct cmsghdr align;
    unsigned char bytes[CONTROL_SIZE];
} control;

static long offset_of(const struct cmsghdr *c) {
    return c == NULL ? -1 : (long) ((const unsigned char *) c - control.bytes);
}

/* Writes a header at the given offset of the control buffer. */
static void put(size_t at, size_t cmsg_len, int level, int type) {
    struct cmsghdr *c = (struct cmsghdr *) (control.bytes + at);
    c->cmsg_len = cmsg_len;
    c->cmsg_level = level;
    c->cmsg_type = type;
    unsigned char *data = CMSG_DATA(c);
    for (size_t i = 0; i < cmsg_len - CMSG_LEN(0) && at + CMSG_LEN(0) + i < CONTROL_SIZE; i++) {
        data[i] = (unsigned char) (0xa0 + i);
    }
}

/* Prints the buffer, then CMSG_FIRSTHDR and CMSG_NXTHDR from every header offset that
   lies in the buffer and is aligned (the walk a receiver does visits a subset). */
static void walk(const char *name, size_t controllen) {
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_control = control.bytes;
    msg.msg_controllen = controllen;

    printf("CMSG_BUFFER %s %zu ", name, controllen);
    for (size_t i = 0; i < CONTROL_SIZE; i++) {
        printf("%02x", control.bytes[i]);
    }
    printf("\n");
    printf("CMSG_FIRSTHDR %s %ld\n", name, offset_of(CMSG_FIRSTHDR(&msg)));
    for (size_t at = 0; at + sizeof(struct cmsghdr) <= controllen; at += CMSG_ALIGN(1)) {
        struct cmsghdr *c = (struct cmsghdr *) (control.bytes + at);
        printf("CMSG_NXTHDR %s %zu %ld\n", name, at, offset_of(CMSG_NXTHDR(&msg, c)));
    }
}

static void cmsg_cases(void) {
    size_t a = CMSG_SPACE(sizeof(int));           /* SCM_RIGHTS, one descriptor */
    size_t b = a + CMSG_SPACE(3 * sizeof(int));   /* SCM_CREDENTIALS (struct ucred) */
    size_t c = b + CMSG_SPACE(1);                 /* one byte: data needs padding */

    memset(&control, 0, sizeof control);
    put(0, CMSG_LEN(sizeof(int)), SOL_SOCKET, SCM_RIGHTS);
    put(a, CMSG_LEN(3 * sizeof(int)), SOL_SOCKET, SCM_CREDENTIALS);
    put(b, CMSG_LEN(1), 7, 1);
    walk("three", c);
    /* The last message's padding is not counted: glibc still wants room for it. */
    walk("unpadded", b + CMSG_LEN(1));
    walk("tiny", sizeof(struct cmsghdr) - 1);
    walk("one-header", sizeof(struct cmsghdr));

    /* A fourth message that claims more data than the buffer holds. */
    put(c, CMSG_LEN(64), SOL_SOCKET, SCM_RIGHTS);
    walk("truncated", c + CMSG_SPACE(8));
    /* ...and a buffer that ends inside the fourth header. */
    walk("cut-header", c + sizeof(struct cmsghdr) / 2);

    /* A header whose cmsg_len is smaller than a header. */
    memset(&control, 0, sizeof control);
    put(0, CMSG_LEN(sizeof(int)), SOL_SOCKET, SCM_RIGHTS);
    put(a, 0, 0, 0);
    walk("zero-length", b);

    /* Lengths so large that adding them to an offset overflows a signed 64-bit value. */
    memset(&control, 0, sizeof control);
    put(0, CMSG_LEN(sizeof(int)), SOL_SOCKET, SCM_RIGHTS);
    put(a, (size_t) LONG_MAX, SOL_SOCKET, SCM_RIGHTS);
    walk("huge-second", b);
    memset(&control, 0, sizeof control);
    put(0, (size_t) LONG_MAX, SOL_SOCKET, SCM_RIGHTS);
    walk("huge-first", b);
}

static void print_status(const char *how, int s) {
    printf("WAIT %s %d %d %d %d %d %d %d %d %d\n", how, s,
           WIFEXITED(s) ? 1 : 0, WEXITSTATUS(s), WIFSIGNALED(s) ? 1 : 0, WTERMSIG(s),
           WCOREDUMP(s) ? 1 : 0, WIFSTOPPED(s) ? 1 : 0, WSTOPSIG(s), WIFCONTINUED(s) ? 1 : 0);
}

static pid_t child(void) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(2);
    }
    return pid;
}

static int reap(pid_t pid, int options) {
    int status;
    if (waitpid(pid, &status, options) != pid) {
        perror("waitpid");
        exit(2);
    }
    return status;
}

/* Statuses real children produce: exits, deaths by signal, a stop and a continue. */
static void real_statuses(void) {
    static const int codes[] = {0, 1, 42, 127, 255};
    char how[64];
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        pid_t pid = child();
        if (pid == 0) {
            _exit(codes[i]);
        }
        snprintf(how, sizeof how, "exit(%d)", codes[i]);
        print_status(how, reap(pid, 0));
    }
    static const int signals[] = {SIGKILL, SIGTERM, SIGSEGV, SIGABRT, SIGUSR1};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        pid_t pid = child();
        if (pid == 0) {
            prctl(PR_SET_DUMPABLE, 0); /* no core file, whatever core_pattern says */
            signal(signals[i], SIG_DFL);
            raise(signals[i]);
            _exit(3);
        }
        snprintf(how, sizeof how, "raise(%s)", sigabbrev_np(signals[i]));
        print_status(how, reap(pid, 0));
    }
    pid_t pid = child();
    if (pid == 0) {
        for (;;) {
            pause();
        }
    }
    kill(pid, SIGSTOP);
    print_status("stopped(STOP)", reap(pid, WUNTRACED));
    kill(pid, SIGCONT);
    print_status("continued", reap(pid, WCONTINUED));
    kill(pid, SIGKILL);
    reap(pid, 0);
}

int main(void) {
    for (size_t n = 0; n <= 80; n++) {
        printf("CMSG_ALIGN %zu %zu\n", n, CMSG_ALIGN(n));
        printf("CMSG_SPACE %zu %zu\n", n, (size_t) CMSG_SPACE(n));
        printf("CMSG_LEN %zu %zu\n", n, (size_t) CMSG_LEN(n));
    }
    static const size_t large[] = {253 * sizeof(int), 4093, 65536, 1000001};
    for (size_t i = 0; i < sizeof large / sizeof large[0]; i++) {
        size_t n = large[i];
        printf("CMSG_ALIGN %zu %zu\n", n, CMSG_ALIGN(n));
        printf("CMSG_SPACE %zu %zu\n", n, (size_t) CMSG_SPACE(n));
        printf("CMSG_LEN %zu %zu\n", n, (size_t) CMSG_LEN(n));
    }
    printf("CMSG_DATA %ld\n", (long) (CMSG_DATA(&control.align) - control.bytes));
    cmsg_cases();

    printf("SIGRTMIN %d\n", SIGRTMIN);
    printf("SIGRTMAX %d\n", SIGRTMAX);
    printf("MAP_FAILED %ld\n", (long) (intptr_t) MAP_FAILED);
    printf("SEM_FAILED %ld\n", (long) (intptr_t) SEM_FAILED);
    printf("MEMBARRIER_CMD_GLOBAL_EXPEDITED %d\n", MEMBARRIER_CMD_GLOBAL_EXPEDITED);
    printf("MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED %d\n", MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED);

    for (unsigned type = 0; type < 16; type++) {
        mode_t m = (mode_t) (type << 12) | 0644;
        printf("S_IS %u %d %d %d %d %d %d %d\n", (unsigned) m,
               S_ISREG(m) ? 1 : 0, S_ISDIR(m) ? 1 : 0, S_ISCHR(m) ? 1 : 0, S_ISBLK(m) ? 1 : 0,
               S_ISFIFO(m) ? 1 : 0, S_ISLNK(m) ? 1 : 0, S_ISSOCK(m) ? 1 : 0);
    }

    real_statuses();
    /* Every low byte (exit, signal, core flag, stop marker) with a few high bytes. */
    static const int high[] = {0x00, 0x01, 0x2a, 0x7f, 0xff};
    for (size_t h = 0; h < sizeof high / sizeof high[0]; h++) {
        for (int low = 0; low < 256; low++) {
            print_status("made", high[h] << 8 | low);
        }
    }
    return 0;
}
