/*
 * A C peer for the message queue tests (CPeerTest).
 *
 *   mq_peer posix-send NAME PRIO:TEXT...   mq_send each message, print SENT
 *   mq_peer posix-recv NAME COUNT          mq_receive COUNT messages, print PRIO:TEXT each
 *   mq_peer sysv-send MSQID TYPE:TEXT...   msgsnd each message, print SENT
 *   mq_peer sysv-recv MSQID MSGTYP COUNT   msgrcv(MSGTYP) COUNT messages, print TYPE:TEXT each
 *
 * Exits 1 with the failing call and strerror on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>

struct text_msg {
    long mtype;
    char mtext[8192];
};

static void die(const char *call) {
    fprintf(stderr, "%s: %s\n", call, strerror(errno));
    exit(1);
}

static long split(const char *item, const char **text) {
    const char *colon = strchr(item, ':');
    if (colon == NULL) {
        fprintf(stderr, "expected N:TEXT, got %s\n", item);
        exit(2);
    }
    *text = colon + 1;
    return strtol(item, NULL, 10);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: see the comment at the top\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0); /* the test reads line by line through a pipe */
    const char *mode = argv[1];
    if (strcmp(mode, "posix-send") == 0) {
        mqd_t q = mq_open(argv[2], O_WRONLY);
        if (q == (mqd_t) -1) die("mq_open");
        for (int i = 3; i < argc; i++) {
            const char *text;
            unsigned prio = (unsigned) split(argv[i], &text);
            if (mq_send(q, text, strlen(text), prio) != 0) die("mq_send");
        }
        mq_close(q);
        puts("SENT");
    } else if (strcmp(mode, "posix-recv") == 0) {
        mqd_t q = mq_open(argv[2], O_RDONLY);
        if (q == (mqd_t) -1) die("mq_open");
        struct mq_attr attr;
        if (mq_getattr(q, &attr) != 0) die("mq_getattr");
        char *buf = malloc(attr.mq_msgsize + 1);
        int count = atoi(argv[3]);
        for (int i = 0; i < count; i++) {
            unsigned prio;
            ssize_t n = mq_receive(q, buf, attr.mq_msgsize, &prio);
            if (n < 0) die("mq_receive");
            buf[n] = '\0';
            printf("%u:%s\n", prio, buf);
        }
        free(buf);
        mq_close(q);
    } else if (strcmp(mode, "sysv-send") == 0) {
        int id = atoi(argv[2]);
        struct text_msg m;
        for (int i = 3; i < argc; i++) {
            const char *text;
            m.mtype = split(argv[i], &text);
            size_t len = strlen(text);
            memcpy(m.mtext, text, len);
            if (msgsnd(id, &m, len, 0) != 0) die("msgsnd");
        }
        puts("SENT");
    } else if (strcmp(mode, "sysv-recv") == 0) {
        int id = atoi(argv[2]);
        long type = strtol(argv[3], NULL, 10);
        int count = atoi(argv[4]);
        struct text_msg m;
        for (int i = 0; i < count; i++) {
            ssize_t n = msgrcv(id, &m, sizeof m.mtext - 1, type, 0);
            if (n < 0) die("msgrcv");
            m.mtext[n] = '\0';
            printf("%ld:%s\n", m.mtype, m.mtext);
        }
    } else {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 2;
    }
    fflush(stdout);
    return 0;
}
