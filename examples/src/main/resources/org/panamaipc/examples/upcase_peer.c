/* The C peer of DescriptorsWithC: receives a memfd over the Unix socket at descriptor 3
 * (SCM_RIGHTS), maps it, upper-cases the NUL-terminated text Java wrote, and answers one
 * byte. Only libc; build: gcc -O2 -Wall -o upcase_peer upcase_peer.c */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
    char byte;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union { struct cmsghdr align; char buf[CMSG_SPACE(sizeof(int))]; } control;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = control.buf, .msg_controllen = sizeof control.buf };
    if (recvmsg(3, &msg, MSG_CMSG_CLOEXEC) != 1) { perror("recvmsg"); return 1; }
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
        fprintf(stderr, "no descriptor came\n");
        return 1;
    }
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    struct stat st;
    if (fstat(fd, &st) != 0) { perror("fstat"); return 1; }
    char *text = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (text == MAP_FAILED) { perror("mmap"); return 1; }
    for (char *p = text; p < text + st.st_size && *p; p++) *p = (char) toupper((unsigned char) *p);
    printf("C peer %d: got descriptor %d (%lld bytes)\n", (int) getpid(), fd, (long long) st.st_size);
    fflush(stdout);
    munmap(text, st.st_size);
    close(fd);
    return write(3, "k", 1) == 1 ? 0 : 1;
}
