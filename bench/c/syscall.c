/* The per-call floor: syscall(SYS_getpid) and a 1-byte write to /dev/null (modes getpid, write_devnull). */
#include "bench.h"
#include <fcntl.h>
#include <sys/syscall.h>

int main(int argc, char **argv) {
    opts_t o = parse_opts(argc, argv);
    if (mode_is(&o, "getpid")) {
        volatile long sink;
        MEASURE(&o, sink = syscall(SYS_getpid));
        (void) sink;
    } else if (mode_is(&o, "write_devnull")) {
        int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (fd < 0) die("open /dev/null");
        char byte = 1;
        MEASURE(&o, if (write(fd, &byte, 1) != 1) die("write"));
        close(fd);
    } else {
        unknown_mode(&o);
    }
    return 0;
}
