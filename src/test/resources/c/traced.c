/* A program for the tracing tests: it waits for one byte on stdin (so a tracer can attach
 * first), then does what its argument says, with system calls the tests know.
 *   calls   getpid, openat/write/close of /dev/null, a write to stdout, exit_group(0)
 *   signal  handles SIGUSR1, says "ready", waits for a second byte, says whether it got one
 *   fork    forks; the child writes "child" and exits 3; the parent waits and exits with 3
 *   echo    copies stdin to stdout byte by byte until end of file
 *   loop N  makes N getppid calls (the benchmark's tracee), then writes "done"
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_usr1(int sig) {
    (void) sig;
    got = 1;
}

static void say(const char *s) {
    if (write(1, s, strlen(s)) < 0) {
        _exit(2);
    }
}

int main(int argc, char **argv) {
    char c;
    if (argc < 2 || read(0, &c, 1) != 1) {
        return 2;
    }
    if (strcmp(argv[1], "calls") == 0) {
        syscall(SYS_getpid);
        int fd = open("/dev/null", O_WRONLY);
        if (fd < 0 || write(fd, "x", 1) != 1) {
            return 1;
        }
        close(fd);
        say("done\n");
        return 0;
    }
    if (strcmp(argv[1], "signal") == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_usr1;
        sa.sa_flags = SA_RESTART;
        sigaction(SIGUSR1, &sa, NULL);
        say("ready\n");
        if (read(0, &c, 1) != 1) {
            return 1;
        }
        say(got ? "got SIGUSR1\n" : "never got SIGUSR1\n");
        return 0;
    }
    if (strcmp(argv[1], "fork") == 0) {
        pid_t pid = fork();
        if (pid == 0) {
            say("child\n");
            _exit(3);
        }
        int status;
        if (pid < 0 || waitpid(pid, &status, 0) != pid) {
            return 1;
        }
        say("parent\n");
        return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    }
    if (strcmp(argv[1], "echo") == 0) {
        while (read(0, &c, 1) == 1) {
            if (write(1, &c, 1) != 1) {
                return 1;
            }
        }
        return 0;
    }
    if (strcmp(argv[1], "loop") == 0 && argc > 2) {
        long n = atol(argv[2]);
        for (long i = 0; i < n; i++) {
            syscall(SYS_getppid);
        }
        say("done\n");
        return 0;
    }
    return 2;
}
