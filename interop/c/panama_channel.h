/*
 * panama_channel.h: the C end of a panama-ipc channel (interop/LAYOUT.md, version 2).
 *
 * Header-only, C11 atomics and the futex and membarrier system calls; Linux on x86-64 or aarch64.
 * Link with -lrt on old glibc (shm_open). One pc_channel is used by one thread.
 *
 *     pc_channel ch;
 *     int rc = pc_open(&ch, "/orders", PC_ONE_TO_ONE);         // or pc_create / pc_map_fd
 *     if (rc == 0) rc = pc_attach_writer(&ch);
 *     if (rc == 0) rc = pc_send(&ch, 7, "hello", 5, -1);        // wait for room forever
 *     if (rc < 0) fprintf(stderr, "%s\n", pc_strerror(rc));
 *     pc_close(&ch);                                            // detaches, unmaps
 *
 * Every function returns 0 (or a count) on success and a negative PC_E* code on failure;
 * PC_ESYS leaves errno set. Nothing read from shared memory is used before it is checked:
 * a corrupt ring gives PC_ECORRUPT, never an access outside the mapping.
 */
#ifndef PANAMA_CHANNEL_H
#define PANAMA_CHANNEL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* ---- the layout (LAYOUT.md) ------------------------------------------------------------ */

#define PC_MAGIC 0x474E495243504950ULL /* "PIPCRING" */
#define PC_VERSION 2u
#define PC_HEADER_LENGTH 4096u
#define PC_MIN_CAPACITY 1024ULL
#define PC_MAX_CAPACITY (1ULL << 30)
#define PC_MAX_PRODUCERS 64

enum pc_kind { PC_ONE_TO_ONE = 1, PC_MANY_TO_ONE = 2, PC_BROADCAST = 3 };

#define PC_OFF_MAGIC 0
#define PC_OFF_VERSION 8
#define PC_OFF_KIND 12
#define PC_OFF_CAPACITY 16
#define PC_OFF_HEADER_LENGTH 24
#define PC_OFF_MAX_PAYLOAD 28
#define PC_OFF_STATE 32
#define PC_OFF_TAIL 128
#define PC_OFF_HEAD_CACHE 256 /* BROADCAST: tailIntent */
#define PC_OFF_HEAD 384       /* BROADCAST: latest */
#define PC_OFF_DATA_SEQ 512
#define PC_OFF_DATA_SLEEPERS 516
#define PC_OFF_DOORBELL 520
#define PC_OFF_ROOM_SEQ 640
#define PC_OFF_ROOM_SLEEPERS 644
#define PC_OFF_READER 768
#define PC_OFF_WRITER 800
#define PC_OFF_SLOTS 1024
#define PC_END_SIZE 32
#define PC_END_PID 0
#define PC_END_START 8
#define PC_END_CLAIM_POSITION 16
#define PC_END_CLAIM_LENGTH 24

#define PC_TYPE_PADDING (-1)
#define PC_SLICE_NS 25000000LL  /* longest futex wait between liveness checks */
#define PC_UNCOVERED_SLICE_NS 1000000LL /* the same when the sleeper's membarrier was refused */
#define PC_SLEEPER 1u            /* *Sleepers: sleepers in the low 16 bits... */
#define PC_ASKER (1u << 16)      /* ...and sleepers asking wakers to fence in the high 16 */
#define PC_STOP_ASKING_AFTER 256 /* records read without a sleep after which a reader stops asking */
#define PC_CONFIRM_NS 50000000LL /* a dead producer's reservation stays this long before it is padded */
#define PC_INIT_WAIT_NS 100000000LL

/* ---- results -------------------------------------------------------------------------- */

#define PC_OK 0
#define PC_ESYS (-1)       /* a system call failed: errno says why */
#define PC_EMAGIC (-2)     /* not a channel: wrong magic */
#define PC_EVERSION (-3)   /* a layout version this end does not speak */
#define PC_EKIND (-4)      /* the channel is of another kind than asked */
#define PC_ECAPACITY (-5)  /* capacity not a power of two in [1024, 2^30] */
#define PC_EHEADER (-6)    /* headerLength or maxPayloadLength do not match the layout */
#define PC_ESIZE (-7)      /* the object's size is not 4096 + capacity */
#define PC_ENOTREADY (-8)  /* the creator did not finish within 100 ms */
#define PC_EBUSY (-9)      /* a live process holds that end */
#define PC_EFULL (-10)     /* no room now (offer, claim) */
#define PC_ETOOLONG (-11)  /* payload longer than maxPayloadLength */
#define PC_ECORRUPT (-12)  /* shared memory holds what no correct end writes */
#define PC_EPEERDEAD (-13) /* the other end's process died */
#define PC_ETIMEDOUT (-14) /* the deadline passed */
#define PC_EARG (-15)      /* a bad argument or a call this end may not make */
#define PC_ENOSLOT (-16)   /* all 64 producer slots are held by live processes */
#define PC_ECLOSED (-17)   /* the channel is not open */

static inline const char *pc_strerror(int rc) {
    switch (rc) {
    case PC_OK: return "ok";
    case PC_ESYS: return strerror(errno);
    case PC_EMAGIC: return "not a panama-ipc channel (wrong magic)";
    case PC_EVERSION: return "unsupported channel layout version";
    case PC_EKIND: return "channel of another kind";
    case PC_ECAPACITY: return "capacity is not a power of two in [1024, 2^30]";
    case PC_EHEADER: return "header length or max payload length do not match the layout";
    case PC_ESIZE: return "object size is not 4096 + capacity";
    case PC_ENOTREADY: return "channel not initialized within 100 ms";
    case PC_EBUSY: return "that end is held by a live process";
    case PC_EFULL: return "channel full";
    case PC_ETOOLONG: return "payload longer than the channel allows";
    case PC_ECORRUPT: return "channel corrupt";
    case PC_EPEERDEAD: return "the peer process died";
    case PC_ETIMEDOUT: return "timed out";
    case PC_EARG: return "bad argument or call";
    case PC_ENOSLOT: return "no free producer slot";
    case PC_ECLOSED: return "channel closed";
    default: return "unknown error";
    }
}

/* The code's name without its PC_E prefix ("PEERDEAD"), as the Python end names its errors. */
static inline const char *pc_errname(int rc) {
    static const char *const names[] = {"OK", "SYS", "MAGIC", "VERSION", "KIND", "CAPACITY", "HEADER", "SIZE",
                                        "NOTREADY", "BUSY", "FULL", "TOOLONG", "CORRUPT", "PEERDEAD", "TIMEDOUT",
                                        "ARG", "NOSLOT", "CLOSED"};
    return rc <= 0 && rc >= PC_ECLOSED ? names[-rc] : "UNKNOWN";
}

/* ---- the handle ----------------------------------------------------------------------- */

enum pc_role { PC_ROLE_NONE, PC_ROLE_READER, PC_ROLE_WRITER, PC_ROLE_RECEIVER };

typedef struct pc_channel {
    uint8_t *base;      /* the mapping: header then data */
    uint8_t *data;
    size_t size;        /* 4096 + capacity */
    uint64_t capacity;
    uint64_t mask;
    uint32_t kind;
    uint32_t max_payload;
    int fd;             /* -1 when attached to memory mapped by the caller */
    int owns_mapping;
    int role;
    int slot;           /* MANY_TO_ONE producer slot */
    uint8_t *end;       /* this end's identity, or NULL */
    /* BROADCAST transmitter */
    uint64_t next_sequence;
    /* BROADCAST receiver */
    uint64_t cursor;
    uint64_t expected;  /* next sequence expected; UINT64_MAX before the first record */
    uint64_t laps;      /* times this receiver was lapped */
    uint64_t lost;      /* records lost to laps */
    uint8_t *copy;      /* private copy of one record */
    /* MANY_TO_ONE reader: recovery of a dead producer's unwritten claim */
    uint64_t gap_head;
    long long gap_seen_ns;
    /* a reader that only polls: where head stalled on a claim or a reservation, and since when */
    uint64_t stall_head;
    long long stall_since_ns;
    /* a writer waiting for room: the record length it needs */
    uint32_t need;
    /* a reader asking writers to fence for its sleeps (LAYOUT.md, "Asking for the fence") */
    int asking;
    uint32_t delivered_since_sleep;
} pc_channel;

/* A claim: write `length` bytes at `payload`, then pc_commit or pc_abort. */
typedef struct pc_claimed {
    uint8_t *payload;
    uint32_t length;
    uint64_t position;  /* the record's position (its header) */
    uint32_t record_length;
} pc_claimed;

/* Called once per record; the payload is valid during the call only. */
typedef void (*pc_handler)(void *ctx, int32_t type, const uint8_t *payload, uint32_t length);

/* ---- small helpers -------------------------------------------------------------------- */

#define PC_U64(ch, off) ((_Atomic uint64_t *) ((ch)->base + (off)))
#define PC_U32(ch, off) ((_Atomic uint32_t *) ((ch)->base + (off)))
#define PC_I32P(p) ((_Atomic int32_t *) (p))
#define PC_U64P(p) ((_Atomic uint64_t *) (p))
#define PC_U32P(p) ((_Atomic uint32_t *) (p))
#define pc_acq memory_order_acquire
#define pc_rel memory_order_release
#define pc_rlx memory_order_relaxed
#define pc_sc memory_order_seq_cst

static inline uint64_t pc_align8(uint64_t n) { return (n + 7) & ~(uint64_t) 7; }

static inline uint32_t pc_record_header(uint32_t kind) { return kind == PC_BROADCAST ? 16 : 8; }

static inline long long pc_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* A deadline from a timeout: < 0 forever (LLONG_MAX), 0 now. */
static inline long long pc_deadline(long long timeout_ns) {
    return timeout_ns < 0 ? LLONG_MAX : pc_now_ns() + timeout_ns;
}

static inline long pc_futex_wait(_Atomic uint32_t *word, uint32_t expected, long long ns) {
    struct timespec ts = {(time_t) (ns / 1000000000LL), (long) (ns % 1000000000LL)};
    return syscall(SYS_futex, (uint32_t *) word, FUTEX_WAIT, expected, &ts, NULL, 0);
}

static inline void pc_futex_wake(_Atomic uint32_t *word) {
    syscall(SYS_futex, (uint32_t *) word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/*
 * The asymmetric barrier of membarrier(2) (LAYOUT.md, "Waiting"): a process registered for
 * MEMBARRIER_CMD_GLOBAL_EXPEDITED wakes with no fence at all; a sleeper makes every running
 * thread of every registered process pass a full barrier instead, once per sleep.
 */
#define PC_MEMBARRIER_GLOBAL_EXPEDITED (1 << 1)
#define PC_MEMBARRIER_REGISTER_GLOBAL_EXPEDITED (1 << 2)
static int pc_mb_state; /* 0: not asked yet, 1: registered, -1: the kernel refused */

/* 1 when this process is registered (asked once, before its first wake without a fence). */
static inline int pc_mb_registered(void) {
    int s = __atomic_load_n(&pc_mb_state, __ATOMIC_RELAXED);
    if (s == 0) {
        s = syscall(SYS_membarrier, PC_MEMBARRIER_REGISTER_GLOBAL_EXPEDITED, 0, 0) == 0 ? 1 : -1;
        __atomic_store_n(&pc_mb_state, s, __ATOMIC_RELAXED);
    }
    return s > 0;
}

/* The sleeper's barrier: 1 when every registered process passed one, 0 when refused (then fenced here only). */
static inline int pc_mb_heavy(void) {
    if (syscall(SYS_membarrier, PC_MEMBARRIER_GLOBAL_EXPEDITED, 0, 0) == 0) return 1;
    atomic_thread_fence(memory_order_seq_cst);
    return 0;
}

/*
 * Field 22 of /proc/PID/stat (start time in clock ticks), or 0 when there is no such process
 * or it has exited (state Z or X: its parent may reap it late, or never).
 */
static inline uint64_t pc_start_time(pid_t pid) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = '\0';
    char *p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
    if (p == NULL) return 0;
    p++;
    if (p[0] == ' ' && (p[1] == 'Z' || p[1] == 'X')) return 0; /* exited, not reaped: dead */
    for (int field = 2; field < 22 && *p; p++) {
        if (*p == ' ') field++;
    }
    return strtoull(p, NULL, 10);
}

/* 1 alive, 0 dead, -1 nobody attached. */
static inline int pc_end_alive(const uint8_t *end) {
    uint32_t pid = atomic_load_explicit(PC_U32P(end + PC_END_PID), pc_acq);
    if (pid == 0) return -1;
    uint64_t start = atomic_load_explicit(PC_U64P(end + PC_END_START), pc_acq);
    uint64_t actual = pc_start_time((pid_t) pid);
    if (actual == 0) return 0;
    /* start 0: the end is attaching and has not stored its start time yet */
    return start == 0 || start == actual ? 1 : 0;
}

/* ---- creating, opening, validating ----------------------------------------------------- */

static inline int pc_valid_capacity(uint64_t c) {
    return c >= PC_MIN_CAPACITY && c <= PC_MAX_CAPACITY && (c & (c - 1)) == 0;
}

/*
 * Writes a fresh header into zeroed memory of exactly 4096 + capacity bytes (the creator's
 * step; shm objects and memfds start zeroed). state = 1 is stored last.
 */
static inline int pc_init_region(void *base, size_t size, uint32_t kind, uint64_t capacity) {
    if (kind < PC_ONE_TO_ONE || kind > PC_BROADCAST) return PC_EARG;
    if (!pc_valid_capacity(capacity)) return PC_ECAPACITY;
    if (size != PC_HEADER_LENGTH + capacity) return PC_ESIZE;
    uint8_t *b = base;
    memcpy(b + PC_OFF_MAGIC, &(uint64_t){PC_MAGIC}, 8);
    memcpy(b + PC_OFF_VERSION, &(uint32_t){PC_VERSION}, 4);
    memcpy(b + PC_OFF_KIND, &kind, 4);
    memcpy(b + PC_OFF_CAPACITY, &capacity, 8);
    memcpy(b + PC_OFF_HEADER_LENGTH, &(uint32_t){PC_HEADER_LENGTH}, 4);
    uint32_t max = (uint32_t) (capacity / 8 - pc_record_header(kind));
    memcpy(b + PC_OFF_MAX_PAYLOAD, &max, 4);
    atomic_store_explicit((_Atomic uint32_t *) (b + PC_OFF_STATE), 1, pc_rel);
    return PC_OK;
}

/* Checks a mapped header (waiting up to 100 ms for a creator still at work) and fills ch. */
static inline int pc_attach_region(pc_channel *ch, void *base, size_t size, uint32_t kind) {
    memset(ch, 0, sizeof *ch);
    ch->fd = -1;
    if (size < PC_HEADER_LENGTH) return PC_ESIZE;
    uint8_t *b = base;
    long long until = pc_now_ns() + PC_INIT_WAIT_NS;
    while (atomic_load_explicit((_Atomic uint32_t *) (b + PC_OFF_STATE), pc_acq) != 1) {
        uint64_t magic = atomic_load_explicit((_Atomic uint64_t *) (b + PC_OFF_MAGIC), pc_rlx);
        if (magic != 0 || pc_now_ns() > until) return magic != 0 && magic != PC_MAGIC ? PC_EMAGIC : PC_ENOTREADY;
        struct timespec pause = {0, 1000000};
        nanosleep(&pause, NULL);
    }
    uint64_t magic, capacity;
    uint32_t version, k, header, max;
    memcpy(&magic, b + PC_OFF_MAGIC, 8);
    memcpy(&version, b + PC_OFF_VERSION, 4);
    memcpy(&k, b + PC_OFF_KIND, 4);
    memcpy(&capacity, b + PC_OFF_CAPACITY, 8);
    memcpy(&header, b + PC_OFF_HEADER_LENGTH, 4);
    memcpy(&max, b + PC_OFF_MAX_PAYLOAD, 4);
    if (magic != PC_MAGIC) return PC_EMAGIC;
    if (version != PC_VERSION) return PC_EVERSION;
    if (k < PC_ONE_TO_ONE || k > PC_BROADCAST) return PC_ECORRUPT;
    if (kind != 0 && k != kind) return PC_EKIND;
    if (!pc_valid_capacity(capacity)) return PC_ECAPACITY;
    if (header != PC_HEADER_LENGTH || max != capacity / 8 - pc_record_header(k)) return PC_EHEADER;
    if (size != PC_HEADER_LENGTH + capacity) return PC_ESIZE;
    ch->base = b;
    ch->data = b + PC_HEADER_LENGTH;
    ch->size = size;
    ch->capacity = capacity;
    ch->mask = capacity - 1;
    ch->kind = k;
    ch->max_payload = max;
    ch->expected = UINT64_MAX;
    return PC_OK;
}

/* Maps `size` bytes of fd and checks the header; on success ch owns the mapping and fd. */
static inline int pc_map_checked(pc_channel *ch, int fd, size_t size, uint32_t kind) {
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return PC_ESYS;
    int rc = pc_attach_region(ch, p, size, kind);
    if (rc != PC_OK) {
        munmap(p, size);
        return rc;
    }
    ch->fd = fd;
    ch->owns_mapping = 1;
    return PC_OK;
}

/* Maps a descriptor (a shm object, or a memfd received over a socket) and checks it. */
static inline int pc_map_fd(pc_channel *ch, int fd, uint32_t kind) {
    struct stat st;
    long long until = pc_now_ns() + PC_INIT_WAIT_NS;
    for (;;) { /* the creator sizes the object before it writes the header */
        if (fstat(fd, &st) != 0) return PC_ESYS;
        if (st.st_size >= (off_t) PC_HEADER_LENGTH || pc_now_ns() > until) break;
        struct timespec pause = {0, 1000000};
        nanosleep(&pause, NULL);
    }
    if (st.st_size < (off_t) PC_HEADER_LENGTH || st.st_size > (off_t) (PC_HEADER_LENGTH + PC_MAX_CAPACITY)) {
        memset(ch, 0, sizeof *ch);
        ch->fd = -1;
        return PC_ESIZE;
    }
    return pc_map_checked(ch, fd, (size_t) st.st_size, kind);
}

/* Opens an existing channel by its POSIX shm name ("/name"); kind 0 accepts any kind. */
static inline int pc_open(pc_channel *ch, const char *name, uint32_t kind) {
    memset(ch, 0, sizeof *ch);
    ch->fd = -1;
    int fd = shm_open(name, O_RDWR | O_CLOEXEC, 0);
    if (fd < 0) return PC_ESYS;
    int rc = pc_map_fd(ch, fd, kind);
    if (rc != PC_OK) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return rc;
}

/* Maps a new channel over fd (sized here) and initializes it. */
static inline int pc_create_fd(pc_channel *ch, int fd, uint32_t kind, uint64_t capacity) {
    memset(ch, 0, sizeof *ch);
    ch->fd = -1;
    if (kind < PC_ONE_TO_ONE || kind > PC_BROADCAST) return PC_EARG;
    if (!pc_valid_capacity(capacity)) return PC_ECAPACITY;
    size_t size = PC_HEADER_LENGTH + capacity;
    if (ftruncate(fd, (off_t) size) != 0) return PC_ESYS;
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return PC_ESYS;
    pc_init_region(p, size, kind, capacity);
    munmap(p, size);
    return pc_map_checked(ch, fd, size, kind);
}

/* Creates a channel exclusively under a POSIX shm name, mode 0600; errno EEXIST if it exists. */
static inline int pc_create(pc_channel *ch, const char *name, uint32_t kind, uint64_t capacity) {
    memset(ch, 0, sizeof *ch);
    ch->fd = -1;
    if (kind < PC_ONE_TO_ONE || kind > PC_BROADCAST) return PC_EARG;
    if (!pc_valid_capacity(capacity)) return PC_ECAPACITY;
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return PC_ESYS;
    int rc = pc_create_fd(ch, fd, kind, capacity);
    if (rc != PC_OK) {
        int e = errno;
        close(fd);
        shm_unlink(name);
        errno = e;
    }
    return rc;
}

/* Creates a channel in an anonymous memfd sealed against resizing; ch->fd is the memfd to pass. */
static inline int pc_create_memfd(pc_channel *ch, uint32_t kind, uint64_t capacity) {
    memset(ch, 0, sizeof *ch);
    ch->fd = -1;
    int fd = memfd_create("panama-channel", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) return PC_ESYS;
    int rc = pc_create_fd(ch, fd, kind, capacity);
    if (rc == PC_OK && fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
        rc = PC_ESYS;
        munmap(ch->base, ch->size);
    }
    if (rc != PC_OK) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return rc;
}

/* ---- ends ----------------------------------------------------------------------------- */

/* Takes an end: compare-and-set pid from 0 or from a dead holder; PC_EBUSY if a live one holds it. */
static inline int pc_take_end(uint8_t *end) {
    uint32_t me = (uint32_t) getpid();
    uint64_t start = pc_start_time((pid_t) me);
    for (int tries = 0; tries < 100; tries++) {
        uint32_t holder = atomic_load_explicit(PC_U32P(end + PC_END_PID), pc_acq);
        if (holder != 0) {
            if (holder == me || pc_end_alive(end) != 0) return PC_EBUSY;
            /* a dead holder: clear its start time, then its pid, then take the free end */
            atomic_store_explicit(PC_U64P(end + PC_END_START), 0, pc_rel);
            atomic_compare_exchange_strong(PC_U32P(end + PC_END_PID), &holder, 0);
            continue;
        }
        /* start 0 until ours is stored: an observer must not compare our pid with a stale start time */
        atomic_store_explicit(PC_U64P(end + PC_END_START), 0, pc_rel);
        if (atomic_compare_exchange_strong(PC_U32P(end + PC_END_PID), &holder, me)) {
            atomic_store_explicit(PC_U64P(end + PC_END_START), start, pc_rel);
            return PC_OK;
        }
    }
    return PC_EBUSY;
}

static inline void pc_release_end(uint8_t *end) {
    atomic_store_explicit(PC_U64P(end + PC_END_START), 0, pc_rel);
    atomic_store_explicit(PC_U32P(end + PC_END_PID), 0, pc_rel);
}

/* Attaches as the reader of a ONE_TO_ONE or MANY_TO_ONE channel. */
static inline int pc_attach_reader(pc_channel *ch) {
    if (ch->base == NULL) return PC_ECLOSED;
    if (ch->kind == PC_BROADCAST || ch->role != PC_ROLE_NONE) return PC_EARG;
    int rc = pc_take_end(ch->base + PC_OFF_READER);
    if (rc != PC_OK) return rc;
    atomic_store_explicit(PC_U32(ch, PC_OFF_DATA_SLEEPERS), 0, pc_rel);
    ch->end = ch->base + PC_OFF_READER;
    ch->role = PC_ROLE_READER;
    return PC_OK;
}

/* Attaches as the writer: the ONE_TO_ONE writer, a MANY_TO_ONE producer, the BROADCAST transmitter. */
static inline int pc_attach_writer(pc_channel *ch) {
    if (ch->base == NULL) return PC_ECLOSED;
    if (ch->role != PC_ROLE_NONE) return PC_EARG;
    if (ch->kind == PC_MANY_TO_ONE) {
        for (int s = 0; s < PC_MAX_PRODUCERS; s++) {
            uint8_t *slot = ch->base + PC_OFF_SLOTS + s * PC_END_SIZE;
            if (pc_take_end(slot) == PC_OK) {
                ch->slot = s;
                ch->end = slot;
                ch->role = PC_ROLE_WRITER;
                return PC_OK;
            }
        }
        return PC_ENOSLOT;
    }
    int rc = pc_take_end(ch->base + PC_OFF_WRITER);
    if (rc != PC_OK) return rc;
    ch->end = ch->base + PC_OFF_WRITER;
    ch->role = PC_ROLE_WRITER;
    if (ch->kind == PC_ONE_TO_ONE) {
        atomic_store_explicit(PC_U32(ch, PC_OFF_ROOM_SLEEPERS), 0, pc_rel);
    } else {
        /* continue the sequence after the last record */
        uint64_t tail = atomic_load_explicit(PC_U64(ch, PC_OFF_TAIL), pc_acq);
        uint64_t latest = atomic_load_explicit(PC_U64(ch, PC_OFF_HEAD), pc_acq);
        ch->next_sequence = 0;
        if (tail > 0 && tail - latest <= ch->capacity && (latest & 7) == 0
            && (latest & ch->mask) + 16 <= ch->capacity) {
            uint64_t seq;
            memcpy(&seq, ch->data + (latest & ch->mask) + 8, 8);
            ch->next_sequence = seq + 1;
        }
    }
    return PC_OK;
}

/* Attaches a BROADCAST receiver: from the latest record (from_latest) or from what comes next. */
static inline int pc_attach_receiver(pc_channel *ch, int from_latest) {
    if (ch->base == NULL) return PC_ECLOSED;
    if (ch->kind != PC_BROADCAST || ch->role != PC_ROLE_NONE) return PC_EARG;
    ch->copy = malloc(pc_align8(ch->max_payload + 16));
    if (ch->copy == NULL) return PC_ESYS;
    uint64_t tail = atomic_load_explicit(PC_U64(ch, PC_OFF_TAIL), pc_acq);
    uint64_t latest = atomic_load_explicit(PC_U64(ch, PC_OFF_HEAD), pc_acq);
    ch->cursor = from_latest ? latest : tail;
    ch->expected = UINT64_MAX;
    if (!from_latest && tail == 0) ch->expected = 0; /* the very first record is sequence 0 */
    ch->role = PC_ROLE_RECEIVER;
    return PC_OK;
}

static inline void pc_stop_asking(pc_channel *ch) {
    if (ch->asking) {
        atomic_fetch_sub_explicit(PC_U32(ch, PC_OFF_DATA_SLEEPERS), PC_ASKER, pc_sc);
        ch->asking = 0;
    }
}

static inline void pc_detach(pc_channel *ch) {
    pc_stop_asking(ch);
    if (ch->end != NULL) pc_release_end(ch->end);
    ch->end = NULL;
    free(ch->copy);
    ch->copy = NULL;
    ch->role = PC_ROLE_NONE;
}

/* Detaches, unmaps what pc_open/pc_create/pc_map_fd mapped and closes its descriptor. */
static inline void pc_close(pc_channel *ch) {
    if (ch->base == NULL) return;
    pc_detach(ch);
    if (ch->owns_mapping) {
        munmap(ch->base, ch->size);
        if (ch->fd >= 0) close(ch->fd);
    }
    ch->base = NULL;
    ch->fd = -1;
}

/* ---- waking and waiting ------------------------------------------------------------------ */

static inline void pc_wake(pc_channel *ch, size_t seq_off, size_t sleepers_off) {
    if (pc_mb_registered()) {
        atomic_signal_fence(pc_sc); /* the compiler's order only: a sleeper's membarrier does the rest */
    } else {
        atomic_thread_fence(pc_sc);
    }
    uint32_t word = atomic_load_explicit(PC_U32(ch, sleepers_off), pc_rlx);
    if ((word >> 16) != 0) { /* a sleeper asked for the fence and makes no membarrier call */
        atomic_thread_fence(pc_sc);
        word = atomic_load_explicit(PC_U32(ch, sleepers_off), pc_rlx);
    }
    if ((word & (PC_ASKER - 1)) != 0) {
        atomic_fetch_add_explicit(PC_U32(ch, seq_off), 1, pc_sc);
        pc_futex_wake(PC_U32(ch, seq_off));
    }
}

/*
 * The eventcount wait: announce, the sleeper's barrier, read the sequence, check again,
 * FUTEX_WAIT at most a slice (1 ms when the barrier was refused: a waker may then miss the
 * announcement). `ready` returns 1 when the waiter may go on, 0 to keep waiting, < 0 for an
 * error; `check` (after each slice) returns 0, or < 0 to give up (a dead peer). A ONE_TO_ONE
 * or MANY_TO_ONE reader asks writers to fence from its first sleep on, and its later sleeps
 * make no membarrier call while it asks (LAYOUT.md, "Asking for the fence").
 */
static inline int pc_await(pc_channel *ch, size_t seq_off, size_t sleepers_off, long long deadline,
                           int (*ready)(pc_channel *), int (*check)(pc_channel *)) {
    long long last_check = pc_now_ns();
    for (;;) {
        int r = ready(ch);
        if (r != 0) return r < 0 ? r : PC_OK;
        long long now = pc_now_ns();
        if (now >= deadline) return PC_ETIMEDOUT;
        int starting = !ch->asking && ch->role == PC_ROLE_READER && sleepers_off == PC_OFF_DATA_SLEEPERS;
        uint32_t add = starting ? PC_SLEEPER + PC_ASKER : PC_SLEEPER;
        uint32_t before = atomic_fetch_add_explicit(PC_U32(ch, sleepers_off), add, pc_sc);
        ch->delivered_since_sleep = 0;
        long long most = PC_SLICE_NS;
        if (ch->asking && (before >> 16) != 0) {
            atomic_thread_fence(pc_sc); /* writers fence for this reader: a full barrier here is enough */
        } else {
            if (!pc_mb_heavy()) {
                most = PC_UNCOVERED_SLICE_NS;
                if (starting) atomic_fetch_sub_explicit(PC_U32(ch, sleepers_off), PC_ASKER, pc_sc);
            } else if (starting) {
                ch->asking = 1; /* writers that read the word from now on fence */
            }
        }
        uint32_t s = atomic_load_explicit(PC_U32(ch, seq_off), pc_sc);
        r = ready(ch);
        if (r == 0) {
            long long slice = deadline - now < most ? deadline - now : most;
            pc_futex_wait(PC_U32(ch, seq_off), s, slice);
        }
        atomic_fetch_sub_explicit(PC_U32(ch, sleepers_off), 1, pc_sc);
        if (r != 0) return r < 0 ? r : PC_OK;
        now = pc_now_ns();
        if (now - last_check >= PC_SLICE_NS) { /* liveness: /proc reads only once per slice */
            last_check = now;
            r = check(ch);
            if (r < 0) return r;
        }
    }
}

/* ---- ONE_TO_ONE and MANY_TO_ONE: writing --------------------------------------------------- */

static inline int pc_room(pc_channel *ch, uint64_t tail, uint64_t need_from_tail) {
    uint64_t head = atomic_load_explicit(PC_U64(ch, PC_OFF_HEAD_CACHE), pc_rlx);
    if (need_from_tail <= ch->capacity - (tail - head) && tail - head <= ch->capacity) return 1;
    head = atomic_load_explicit(PC_U64(ch, PC_OFF_HEAD), pc_acq);
    atomic_store_explicit(PC_U64(ch, PC_OFF_HEAD_CACHE), head, pc_rlx);
    if (tail < head || tail - head > ch->capacity) return -1;
    return need_from_tail <= ch->capacity - (tail - head);
}

/* Step 1 (reserve) and 2 (padding); returns the record's position or a negative code. */
static inline int pc_reserve(pc_channel *ch, uint32_t length, uint64_t *position) {
    if (ch->base == NULL) return PC_ECLOSED;
    if (ch->role != PC_ROLE_WRITER || ch->kind == PC_BROADCAST) return PC_EARG;
    uint64_t aligned = pc_align8(length);
    for (;;) {
        uint64_t tail = atomic_load_explicit(PC_U64(ch, PC_OFF_TAIL), pc_acq);
        if ((tail & 7) != 0) return PC_ECORRUPT;
        uint64_t index = tail & ch->mask, to_end = ch->capacity - index;
        uint64_t padding = aligned > to_end ? to_end : 0;
        int room = pc_room(ch, tail, padding + aligned);
        if (room < 0) return PC_ECORRUPT;
        if (room == 0) return PC_EFULL;
        if (ch->kind == PC_ONE_TO_ONE) {
            atomic_store_explicit(PC_U64(ch, PC_OFF_TAIL), tail + padding + aligned, pc_rel);
        } else {
            atomic_store_explicit(PC_U64P(ch->end + PC_END_CLAIM_POSITION), tail, pc_rel);
            atomic_store_explicit(PC_U64P(ch->end + PC_END_CLAIM_LENGTH), padding + aligned, pc_rel);
            if (!atomic_compare_exchange_strong(PC_U64(ch, PC_OFF_TAIL), &tail, tail + padding + aligned)) continue;
        }
        if (padding > 0) {
            uint8_t *pad = ch->data + index;
            atomic_store_explicit(PC_I32P(pad + 4), PC_TYPE_PADDING, pc_rlx);
            atomic_store_explicit(PC_I32P(pad), (int32_t) padding, pc_rel);
        }
        *position = tail + padding;
        return PC_OK;
    }
}

static inline void pc_wake_readers(pc_channel *ch) {
    pc_wake(ch, PC_OFF_DATA_SEQ, PC_OFF_DATA_SLEEPERS);
}

/* Writes one record if there is room now: 0, PC_EFULL, or an error. No system call unless a reader sleeps. */
static inline int pc_offer(pc_channel *ch, int32_t type, const void *payload, uint32_t length) {
    if (type < 1) return PC_EARG;
    if (ch->base != NULL && length > ch->max_payload) return PC_ETOOLONG;
    uint64_t position;
    int rc = pc_reserve(ch, length + 8, &position);
    if (rc != PC_OK) return rc;
    uint8_t *rec = ch->data + (position & ch->mask);
    memcpy(rec + 8, payload, length);
    atomic_store_explicit(PC_I32P(rec + 4), type, pc_rlx);
    atomic_store_explicit(PC_I32P(rec), (int32_t) (length + 8), pc_rel);
    pc_wake_readers(ch);
    return PC_OK;
}

/* Claims room for `length` payload bytes to write in place: 0, PC_EFULL or an error. */
static inline int pc_claim(pc_channel *ch, uint32_t length, pc_claimed *claim) {
    if (ch->base != NULL && length > ch->max_payload) return PC_ETOOLONG;
    uint64_t position;
    int rc = pc_reserve(ch, length + 8, &position);
    if (rc != PC_OK) return rc;
    uint8_t *rec = ch->data + (position & ch->mask);
    atomic_store_explicit(PC_I32P(rec + 4), ch->kind == PC_ONE_TO_ONE ? 0 : ch->slot, pc_rlx);
    atomic_store_explicit(PC_I32P(rec), -(int32_t) (length + 8), pc_rel);
    claim->payload = rec + 8;
    claim->length = length;
    claim->position = position;
    claim->record_length = length + 8;
    return PC_OK;
}

static inline int pc_finish(pc_channel *ch, const pc_claimed *claim, int32_t type) {
    if (ch->base == NULL) return PC_ECLOSED;
    uint8_t *rec = ch->data + (claim->position & ch->mask);
    atomic_store_explicit(PC_I32P(rec + 4), type, pc_rlx);
    atomic_store_explicit(PC_I32P(rec), (int32_t) claim->record_length, pc_rel);
    pc_wake_readers(ch);
    return PC_OK;
}

/* Publishes a claimed record with its type (>= 1). */
static inline int pc_commit(pc_channel *ch, const pc_claimed *claim, int32_t type) {
    return type < 1 ? PC_EARG : pc_finish(ch, claim, type);
}

/* Gives a claim up: readers skip it. */
static inline int pc_abort(pc_channel *ch, const pc_claimed *claim) {
    return pc_finish(ch, claim, PC_TYPE_PADDING);
}

static inline int pc_reader_alive(pc_channel *ch) {
    return pc_end_alive(ch->base + PC_OFF_READER) == 0 ? PC_EPEERDEAD : PC_OK;
}

static inline int pc_has_room(pc_channel *ch) {
    uint64_t aligned = pc_align8(ch->need);
    uint64_t tail = atomic_load_explicit(PC_U64(ch, PC_OFF_TAIL), pc_acq);
    uint64_t head = atomic_load_explicit(PC_U64(ch, PC_OFF_HEAD), pc_acq);
    if (tail < head || tail - head > ch->capacity) return PC_ECORRUPT;
    uint64_t to_end = ch->capacity - (tail & ch->mask);
    uint64_t padding = aligned > to_end ? to_end : 0;
    return padding + aligned <= ch->capacity - (tail - head);
}

/* Waits until a record of `length` payload bytes fits: 0, PC_ETIMEDOUT, PC_EPEERDEAD (the reader died). */
static inline int pc_await_room(pc_channel *ch, uint32_t length, long long timeout_ns) {
    if (ch->base == NULL) return PC_ECLOSED;
    if (ch->role != PC_ROLE_WRITER || ch->kind == PC_BROADCAST) return PC_EARG;
    ch->need = length + 8;
    return pc_await(ch, PC_OFF_ROOM_SEQ, PC_OFF_ROOM_SLEEPERS, pc_deadline(timeout_ns), pc_has_room, pc_reader_alive);
}

/* Sends one record, waiting for room: timeout_ns < 0 forever, 0 not at all. */
static inline int pc_send(pc_channel *ch, int32_t type, const void *payload, uint32_t length, long long timeout_ns) {
    long long deadline = pc_deadline(timeout_ns);
    for (;;) {
        int rc = pc_offer(ch, type, payload, length);
        if (rc != PC_EFULL) return rc;
        ch->need = length + 8;
        rc = pc_await(ch, PC_OFF_ROOM_SEQ, PC_OFF_ROOM_SLEEPERS, deadline, pc_has_room, pc_reader_alive);
        if (rc < 0) return rc;
    }
}

/* ---- ONE_TO_ONE and MANY_TO_ONE: reading --------------------------------------------------- */

static inline void pc_zero(pc_channel *ch, uint64_t from, uint64_t to) {
    while (from < to) {
        uint64_t index = from & ch->mask;
        uint64_t n = to - from < ch->capacity - index ? to - from : ch->capacity - index;
        memset(ch->data + index, 0, n);
        from += n;
    }
}

static inline void pc_pad(pc_channel *ch, uint64_t from, uint64_t length) {
    /* padding over [from, from + length), split where the data area ends */
    while (length > 0) {
        uint64_t index = from & ch->mask;
        uint64_t n = length < ch->capacity - index ? length : ch->capacity - index;
        uint8_t *rec = ch->data + index;
        atomic_store_explicit(PC_I32P(rec + 4), PC_TYPE_PADDING, pc_rlx);
        atomic_store_explicit(PC_I32P(rec), (int32_t) n, pc_rel);
        from += n;
        length -= n;
    }
}

static inline int pc_check_writers(pc_channel *ch);

/*
 * A poll found a claim at head, or a reservation (tail > head, nothing written): once head has
 * stayed there a slice, look at its writer as a waiting reader does (pc_check_writers), so
 * that a reader that only polls also skips what a dead writer left. Costs a clock read.
 */
static inline int pc_note_stall(pc_channel *ch, uint64_t head) {
    long long now = pc_now_ns();
    if (ch->stall_since_ns == 0 || ch->stall_head != head) {
        ch->stall_head = head;
        ch->stall_since_ns = now;
        return PC_OK;
    }
    if (now - ch->stall_since_ns < PC_SLICE_NS) return PC_OK;
    ch->stall_since_ns = now;
    int rc = pc_check_writers(ch);
    return rc == PC_EPEERDEAD ? PC_OK : rc; /* a poll reports records, not the writer's death */
}

/*
 * Reads up to `limit` records from head, calling handler for each user record, then zeroes
 * what it consumed, stores head and wakes writers. Returns the number of records delivered.
 * What a dead writer left at head is skipped once it has stayed there a slice.
 */
static inline int pc_poll(pc_channel *ch, pc_handler handler, void *ctx, int limit) {
    if (ch->base == NULL) return PC_ECLOSED;
    if (ch->role != PC_ROLE_READER) return PC_EARG;
    uint64_t head = atomic_load_explicit(PC_U64(ch, PC_OFF_HEAD), pc_rlx);
    uint64_t start = head;
    int count = 0, rc = 0, stalled = 0;
    uint64_t tail = atomic_load_explicit(PC_U64(ch, PC_OFF_TAIL), pc_acq);
    /* a batch stops after one lap: what it consumed is zeroed only at its end */
    while (count < limit && head - start < ch->capacity) {
        if (tail - head > ch->capacity || tail < head || (head & 7) != 0) { rc = PC_ECORRUPT; break; }
        uint64_t index = head & ch->mask;
        uint8_t *rec = ch->data + index;
        int32_t length = atomic_load_explicit(PC_I32P(rec), pc_acq);
        if (length <= 0) {
            stalled = head == start && (length < 0 || tail != head);
            break;
        }
        int32_t type = atomic_load_explicit(PC_I32P(rec + 4), pc_rlx);
        uint64_t aligned = pc_align8((uint64_t) length);
        if (aligned > tail - head) tail = atomic_load_explicit(PC_U64(ch, PC_OFF_TAIL), pc_acq);
        if (length < 8 || (uint64_t) length > ch->capacity - index || aligned > tail - head
            || (type != PC_TYPE_PADDING && (type < 1 || (uint32_t) length - 8 > ch->max_payload))) {
            rc = PC_ECORRUPT;
            break;
        }
        if (type != PC_TYPE_PADDING) {
            handler(ctx, type, rec + 8, (uint32_t) length - 8);
            count++;
        }
        head += aligned;
    }
    if (head != start) {
        pc_zero(ch, start, head);
        atomic_store_explicit(PC_U64(ch, PC_OFF_HEAD), head, pc_rel);
        pc_wake(ch, PC_OFF_ROOM_SEQ, PC_OFF_ROOM_SLEEPERS);
    }
    if (stalled) rc = pc_note_stall(ch, start);
    if (ch->asking && (ch->delivered_since_sleep += (uint32_t) count) >= PC_STOP_ASKING_AFTER) pc_stop_asking(ch);
    return rc < 0 && count == 0 ? rc : count;
}

/* 1 when a committed record (or padding) is at head, PC_ECORRUPT for a head no reader stores. */
static inline int pc_has_data(pc_channel *ch) {
    uint64_t head = atomic_load_explicit(PC_U64(ch, PC_OFF_HEAD), pc_rlx);
    if ((head & 7) != 0) return PC_ECORRUPT;
    return atomic_load_explicit(PC_I32P(ch->data + (head & ch->mask)), pc_acq) > 0;
}

/* 1 when no live process is left on the writing side and one died, else 0. */
static inline int pc_writers_dead(pc_channel *ch) {
    if (ch->kind == PC_ONE_TO_ONE) return pc_end_alive(ch->base + PC_OFF_WRITER) == 0;
    int dead = 0;
    for (int s = 0; s < PC_MAX_PRODUCERS; s++) {
        int alive = pc_end_alive(ch->base + PC_OFF_SLOTS + s * PC_END_SIZE);
        if (alive == 1) return 0;
        if (alive == 0) dead = 1;
    }
    return dead;
}

/*
 * After [head, end) was turned into padding for a dead writer: when that was all the ring held
 * and no writer is left, skips it now (nothing committed is in it) and reports PC_EPEERDEAD,
 * rather than a slice later.
 */
static inline int pc_after_recovery(pc_channel *ch, uint64_t head, uint64_t end) {
    if (end != atomic_load_explicit(PC_U64(ch, PC_OFF_TAIL), pc_acq) || !pc_writers_dead(ch)) return PC_OK;
    pc_zero(ch, head, end);
    atomic_store_explicit(PC_U64(ch, PC_OFF_HEAD), end, pc_rel);
    pc_wake(ch, PC_OFF_ROOM_SEQ, PC_OFF_ROOM_SLEEPERS);
    return PC_EPEERDEAD;
}

/*
 * After a slice: recovers what a dead writer left at head (a claim never committed, or a
 * reservation never written) and reports a writer side with no live process left.
 */
static inline int pc_check_writers(pc_channel *ch) {
    uint64_t head = atomic_load_explicit(PC_U64(ch, PC_OFF_HEAD), pc_rlx);
    uint64_t tail = atomic_load_explicit(PC_U64(ch, PC_OFF_TAIL), pc_acq);
    if ((head & 7) != 0 || (tail & 7) != 0 || tail < head || tail - head > ch->capacity) return PC_ECORRUPT;
    uint64_t index = head & ch->mask;
    uint8_t *rec = ch->data + index;
    int32_t length = atomic_load_explicit(PC_I32P(rec), pc_acq);
    if (length < 0) { /* a claim: is its claimer alive? */
        int32_t claimer = atomic_load_explicit(PC_I32P(rec + 4), pc_rlx);
        uint64_t claimed_length = (uint64_t) -(int64_t) length;
        uint8_t *end;
        if (claimed_length < 8 || claimed_length > ch->capacity - index) return PC_ECORRUPT;
        if (ch->kind == PC_ONE_TO_ONE && claimer == 0) end = ch->base + PC_OFF_WRITER;
        else if (ch->kind == PC_MANY_TO_ONE && claimer >= 0 && claimer < PC_MAX_PRODUCERS)
            end = ch->base + PC_OFF_SLOTS + claimer * PC_END_SIZE;
        else return PC_ECORRUPT;
        if (pc_end_alive(end) != 1) {
            atomic_store_explicit(PC_I32P(rec + 4), PC_TYPE_PADDING, pc_rlx);
            int32_t claimed = length;
            if (atomic_compare_exchange_strong(PC_I32P(rec), &claimed, -length))
                return pc_after_recovery(ch, head, head + pc_align8(claimed_length));
        }
        return PC_OK;
    }
    if (ch->kind == PC_ONE_TO_ONE) {
        uint8_t *w = ch->base + PC_OFF_WRITER;
        uint32_t pid = atomic_load_explicit(PC_U32P(w + PC_END_PID), pc_acq);
        int alive = pc_end_alive(w);
        if (alive == 1) return PC_OK;
        /* the writer is dead (or gone): a reservation it never wrote is padded over */
        if (length == 0 && tail > head && atomic_load_explicit(PC_U32P(w + PC_END_PID), pc_acq) == pid) {
            pc_pad(ch, head, tail - head);
            return pc_after_recovery(ch, head, tail);
        }
        return alive == 0 && length == 0 ? PC_EPEERDEAD : PC_OK; /* nobody attached (0): wait on */
    }
    /* MANY_TO_ONE: a dead producer's reservation covering head, seen twice 50 ms apart */
    int live = 0, dead = 0, live_covers = 0, dead_covers = 0;
    uint64_t cover_end = 0;
    for (int s = 0; s < PC_MAX_PRODUCERS; s++) {
        uint8_t *slot = ch->base + PC_OFF_SLOTS + s * PC_END_SIZE;
        int alive = pc_end_alive(slot);
        if (alive < 0) continue;
        if (alive) live++; else dead++;
        uint64_t pos = atomic_load_explicit(PC_U64P(slot + PC_END_CLAIM_POSITION), pc_acq);
        uint64_t len = atomic_load_explicit(PC_U64P(slot + PC_END_CLAIM_LENGTH), pc_acq);
        if (pos <= head && head < pos + len) {
            if (alive) {
                live_covers++;
            } else if (dead_covers++ == 0) {
                cover_end = pos + len;
            }
        }
    }
    if (length == 0 && tail > head && live_covers == 0 && dead_covers > 0) {
        if (cover_end > tail || (cover_end & 7) != 0) return PC_ECORRUPT; /* head < cover_end: see the loop */
        long long now = pc_now_ns();
        if (ch->gap_head != head || ch->gap_seen_ns == 0) {
            ch->gap_head = head;
            ch->gap_seen_ns = now;
        } else if (now - ch->gap_seen_ns >= PC_CONFIRM_NS) {
            pc_pad(ch, head, cover_end - head);
            ch->gap_seen_ns = 0;
            return pc_after_recovery(ch, head, cover_end);
        }
        return PC_OK;
    }
    ch->gap_seen_ns = 0;
    return live == 0 && dead > 0 && length == 0 && tail == head ? PC_EPEERDEAD : PC_OK;
}

/* Waits until a record is at head: 0, PC_ETIMEDOUT, PC_EPEERDEAD, PC_ECORRUPT. */
static inline int pc_await_data(pc_channel *ch, long long timeout_ns) {
    if (ch->base == NULL) return PC_ECLOSED;
    if (ch->role != PC_ROLE_READER) return PC_EARG;
    return pc_await(ch, PC_OFF_DATA_SEQ, PC_OFF_DATA_SLEEPERS, pc_deadline(timeout_ns), pc_has_data,
                    pc_check_writers);
}

/* Receives up to `limit` records, waiting for the first: a count > 0, or a negative code. */
static inline int pc_receive(pc_channel *ch, pc_handler handler, void *ctx, int limit, long long timeout_ns) {
    long long deadline = pc_deadline(timeout_ns);
    for (int round = 0;; round++) {
        int n = pc_poll(ch, handler, ctx, limit);
        if (n != 0) return n;
        long long now = pc_now_ns();
        if (round > 0 && now >= deadline) return PC_ETIMEDOUT; /* padding only, until the deadline */
        int rc = pc_await_data(ch, deadline == LLONG_MAX ? -1 : (deadline > now ? deadline - now : 0));
        if (rc < 0) return rc;
    }
}

/* ---- BROADCAST ------------------------------------------------------------------------- */

/* Transmits one record; never waits (receivers that fall behind are lapped). */
static inline int pc_transmit(pc_channel *ch, int32_t type, const void *payload, uint32_t length) {
    if (ch->base == NULL) return PC_ECLOSED;
    if (ch->kind != PC_BROADCAST || ch->role != PC_ROLE_WRITER || type < 1) return PC_EARG;
    if (length > ch->max_payload) return PC_ETOOLONG;
    uint64_t record = (uint64_t) length + 16, aligned = pc_align8(record);
    uint64_t tail = atomic_load_explicit(PC_U64(ch, PC_OFF_TAIL), pc_rlx);
    uint64_t index = tail & ch->mask, to_end = ch->capacity - index;
    if (aligned > to_end) {
        atomic_store_explicit(PC_U64(ch, PC_OFF_HEAD_CACHE), tail + to_end + aligned, pc_rel);
        atomic_thread_fence(pc_rel);
        uint8_t *pad = ch->data + index;
        if (to_end >= 16) memcpy(pad + 8, &ch->next_sequence, 8); /* an 8-byte padding has no sequence */
        atomic_store_explicit(PC_I32P(pad + 4), PC_TYPE_PADDING, pc_rlx);
        atomic_store_explicit(PC_I32P(pad), (int32_t) to_end, pc_rlx);
        tail += to_end;
        index = 0;
    } else {
        atomic_store_explicit(PC_U64(ch, PC_OFF_HEAD_CACHE), tail + aligned, pc_rel);
        atomic_thread_fence(pc_rel);
    }
    uint8_t *rec = ch->data + index;
    atomic_store_explicit(PC_I32P(rec), (int32_t) record, pc_rlx);
    atomic_store_explicit(PC_I32P(rec + 4), type, pc_rlx);
    memcpy(rec + 8, &ch->next_sequence, 8);
    memcpy(rec + 16, payload, length);
    ch->next_sequence++;
    atomic_store_explicit(PC_U64(ch, PC_OFF_HEAD), tail, pc_rel);
    atomic_store_explicit(PC_U64(ch, PC_OFF_TAIL), tail + aligned, pc_rel);
    pc_wake_readers(ch);
    return PC_OK;
}

static inline void pc_lapped(pc_channel *ch) {
    ch->laps++;
    ch->cursor = atomic_load_explicit(PC_U64(ch, PC_OFF_HEAD), pc_acq);
}

/*
 * Receives up to `limit` broadcast records into private memory, calling handler for each:
 * the count delivered. ch->laps and ch->lost count laps and the records they cost.
 */
static inline int pc_bc_poll(pc_channel *ch, pc_handler handler, void *ctx, int limit) {
    if (ch->base == NULL) return PC_ECLOSED;
    if (ch->role != PC_ROLE_RECEIVER) return PC_EARG;
    int count = 0;
    for (int guard = 0; count < limit && guard < 4 * limit + 64; guard++) {
        uint64_t tail = atomic_load_explicit(PC_U64(ch, PC_OFF_TAIL), pc_acq);
        if (tail <= ch->cursor) break;
        uint64_t intent = atomic_load_explicit(PC_U64(ch, PC_OFF_HEAD_CACHE), pc_acq);
        if (ch->cursor + ch->capacity < intent) { pc_lapped(ch); continue; }
        uint64_t index = ch->cursor & ch->mask;
        if ((ch->cursor & 7) != 0) return count > 0 ? count : PC_ECORRUPT;
        uint8_t *rec = ch->data + index;
        uint64_t seq = 0;
        int32_t length, type;
        memcpy(ch->copy, rec, 8); /* 8 bytes before the end hold only a padding's length and type */
        memcpy(&length, ch->copy, 4);
        memcpy(&type, ch->copy + 4, 4);
        int ok = (uint64_t) length <= ch->capacity - index
                 && (type == PC_TYPE_PADDING ? length >= 8
                                             : type >= 1 && length >= 16 && (uint32_t) length - 16 <= ch->max_payload);
        if (ok && type != PC_TYPE_PADDING) {
            memcpy(ch->copy + 8, rec + 8, (size_t) length - 8);
            memcpy(&seq, ch->copy + 8, 8);
        }
        if (ok && type != PC_TYPE_PADDING) memcpy(ch->copy + 16, rec + 16, (size_t) length - 16);
        atomic_thread_fence(pc_acq);
        intent = atomic_load_explicit(PC_U64(ch, PC_OFF_HEAD_CACHE), pc_acq);
        if (intent > ch->cursor + ch->capacity) { pc_lapped(ch); continue; } /* the copy may be torn */
        if (!ok || pc_align8((uint64_t) length) > tail - ch->cursor) return count > 0 ? count : PC_ECORRUPT;
        ch->cursor += pc_align8((uint64_t) length);
        if (type == PC_TYPE_PADDING) continue;
        if (ch->expected != UINT64_MAX && seq > ch->expected) ch->lost += seq - ch->expected;
        ch->expected = seq + 1;
        handler(ctx, type, ch->copy + 16, (uint32_t) length - 16);
        count++;
    }
    return count;
}

static inline int pc_bc_ready(pc_channel *ch) {
    return atomic_load_explicit(PC_U64(ch, PC_OFF_TAIL), pc_acq) > ch->cursor;
}

static inline int pc_transmitter_alive(pc_channel *ch) {
    return pc_end_alive(ch->base + PC_OFF_WRITER) == 0 ? PC_EPEERDEAD : PC_OK;
}

/* Receives up to `limit` broadcast records, waiting for the first: a count > 0, or a code. */
static inline int pc_bc_receive(pc_channel *ch, pc_handler handler, void *ctx, int limit, long long timeout_ns) {
    if (ch->base == NULL) return PC_ECLOSED;
    if (ch->role != PC_ROLE_RECEIVER) return PC_EARG;
    long long deadline = pc_deadline(timeout_ns);
    for (int round = 0;; round++) {
        int n = pc_bc_poll(ch, handler, ctx, limit);
        if (n != 0) return n;
        if (round > 0 && pc_now_ns() >= deadline) return PC_ETIMEDOUT; /* padding and laps only */
        int rc = pc_await(ch, PC_OFF_DATA_SEQ, PC_OFF_DATA_SLEEPERS, deadline, pc_bc_ready, pc_transmitter_alive);
        if (rc < 0) return rc;
    }
}

#endif
