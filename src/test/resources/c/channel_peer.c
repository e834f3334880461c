/*
 * A C end of a channel for the cross-language tests, built on interop/c/panama_channel.h.
 *
 *   channel_peer create NAME KIND CAPACITY            create, print READY, wait for EOF on stdin, unlink
 *   channel_peer write  NAME KIND COUNT PRODUCER BURST write COUNT test records (PRODUCER's), BURST at a time
 *   channel_peer read   NAME KIND COUNT PRODUCERS      read COUNT records from each of PRODUCERS producers
 *   channel_peer bc-send NAME COUNT BURST              transmit COUNT records after a "go" line on stdin
 *   channel_peer bc-recv NAME COUNT SLOW_US            receive until the last of COUNT, sleeping SLOW_US per record
 *   channel_peer check  NAME KIND                      open and print OPENED or the error (bad headers)
 *   channel_peer claim  NAME KIND COUNT                write COUNT test records, claim one more, print
 *                                                      CLAIMED and wait (to be killed)
 *   channel_peer poll-read NAME KIND COUNT             read COUNT records with pc_poll only (never waiting),
 *                                                      print RECEIVED, poll on until head reaches tail
 *                                                      (what a killed writer left is skipped), print DONE
 *   channel_peer hostile-read NAME KIND SECONDS        read (or receive broadcast) for SECONDS while a hostile
 *                                                      peer scribbles over the ring, the mapping between two
 *                                                      PROT_NONE guard pages; print DONE with the results
 *
 * NAME is a POSIX shm name ("/x") or "fd:N" (an inherited descriptor, e.g. a memfd). KIND is
 * 1 ONE_TO_ONE, 2 MANY_TO_ONE, 3 BROADCAST. Test record i of producer p (the same in Java
 * and Python, see ChannelRecords.java): payload length 8 + (i * 7919 + p * 131) % 1017,
 * type 1 + i % 7, payload bytes 0..7 = p << 32 | i (little-endian), byte k >= 8 =
 * PATTERN[(i * 7 + p * 13) % 256 + k - 8] with PATTERN[j] = (j * 131 + (j >> 8)) & 0xFF.
 * Writers send every third record through claim + commit, abort a claim every 50 records,
 * and wait between bursts until a reader has announced that it sleeps (so that every burst
 * starts with a FUTEX_WAKE across the languages). Readers check every byte.
 */
#include "panama_channel.h"

#define PATTERN_LENGTH (256 + 1024)
static uint8_t PATTERN[PATTERN_LENGTH];
static const long long PEER_TIMEOUT_NS = 30000000000LL;

static uint32_t rec_length(uint64_t i, uint32_t p) { return 8 + (uint32_t) ((i * 7919 + p * 131) % 1017); }
static int32_t rec_type(uint64_t i) { return 1 + (int32_t) (i % 7); }

static void fill(uint8_t *buf, uint64_t i, uint32_t p, uint32_t length) {
    uint64_t id = ((uint64_t) p << 32) | i;
    memcpy(buf, &id, 8);
    memcpy(buf + 8, PATTERN + (i * 7 + p * 13) % 256, length - 8);
}

static int matches(const uint8_t *buf, uint64_t i, uint32_t p, uint32_t length) {
    return length == rec_length(i, p) && memcmp(buf + 8, PATTERN + (i * 7 + p * 13) % 256, length - 8) == 0;
}

static void fail(const char *what, int rc) {
    printf("ERROR %s %s %s\n", what, pc_errname(rc), pc_strerror(rc));
    fflush(stdout);
    exit(1);
}

static int open_channel(pc_channel *ch, const char *name, uint32_t kind) {
    if (strncmp(name, "fd:", 3) == 0) return pc_map_fd(ch, atoi(name + 3), kind);
    return pc_open(ch, name, kind);
}

static void sleep_us(long us) {
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

/* Opens a channel and attaches one end (exiting with an ERROR line on failure). */
static void open_end(pc_channel *ch, const char *name, uint32_t kind, int role) {
    int rc = open_channel(ch, name, kind);
    if (rc != PC_OK) fail("open", rc);
    rc = role == PC_ROLE_READER ? pc_attach_reader(ch)
         : role == PC_ROLE_RECEIVER ? pc_attach_receiver(ch, 0) : pc_attach_writer(ch);
    if (rc != PC_OK) fail(role == PC_ROLE_READER ? "attach-reader" : role == PC_ROLE_RECEIVER ? "attach-receiver"
                                                                                            : "attach-writer", rc);
}

/* Waits (bounded) until the ring is empty and a reader announced that it sleeps. */
static void await_parked_reader(pc_channel *ch) {
    long long until = pc_now_ns() + PEER_TIMEOUT_NS;
    while (atomic_load_explicit(PC_U32(ch, PC_OFF_DATA_SLEEPERS), pc_acq) == 0
           || (ch->kind != PC_BROADCAST
               && atomic_load_explicit(PC_U64(ch, PC_OFF_HEAD), pc_acq) != atomic_load_explicit(PC_U64(ch, PC_OFF_TAIL), pc_acq))) {
        if (pc_now_ns() > until) fail("reader-never-parked", PC_ETIMEDOUT);
        sleep_us(100);
    }
}

static void await_reader(pc_channel *ch) {
    long long until = pc_now_ns() + PEER_TIMEOUT_NS;
    while (atomic_load_explicit(PC_U32(ch, PC_OFF_READER + PC_END_PID), pc_acq) == 0) {
        if (pc_now_ns() > until) fail("no-reader", PC_ETIMEDOUT);
        sleep_us(1000);
    }
}

static void write_one(pc_channel *ch, uint64_t i, uint32_t p, uint8_t *buf) {
    uint32_t length = rec_length(i, p);
    for (;;) {
        int rc;
        if (i % 50 == 25) { /* a claim given up: readers must never see it */
            pc_claimed junk;
            rc = pc_claim(ch, 100, &junk);
            if (rc == PC_OK) {
                memset(junk.payload, 0xEE, 100);
                pc_abort(ch, &junk);
            }
        }
        if (i % 3 == 0) {
            pc_claimed c;
            rc = pc_claim(ch, length, &c);
            if (rc == PC_OK) {
                fill(c.payload, i, p, length);
                rc = pc_commit(ch, &c, rec_type(i));
            }
        } else {
            fill(buf, i, p, length);
            rc = pc_offer(ch, rec_type(i), buf, length);
        }
        if (rc == PC_OK) return;
        if (rc != PC_EFULL) fail("write", rc);
        rc = pc_await_room(ch, length + 100, PEER_TIMEOUT_NS);
        if (rc != PC_OK) fail("await-room", rc);
    }
}

static int do_write(const char *name, uint32_t kind, uint64_t count, uint32_t p, uint64_t burst) {
    pc_channel ch;
    open_end(&ch, name, kind, PC_ROLE_WRITER);
    printf("READY\n");
    fflush(stdout);
    await_reader(&ch);
    uint8_t buf[1024];
    for (uint64_t i = 0; i < count; i++) {
        if (burst > 0 && i > 0 && i % burst == 0) await_parked_reader(&ch);
        write_one(&ch, i, p, buf);
    }
    printf("SENT %llu\n", (unsigned long long) count);
    fflush(stdout);
    pc_close(&ch);
    return 0;
}

typedef struct {
    uint32_t producers;
    uint64_t *next;  /* per producer: the next record index expected */
    uint64_t total, bytes, bad, dup, gap;
    uint64_t last_seq_seen;
} reader_state;

static void on_record(void *ctx, int32_t type, const uint8_t *payload, uint32_t length) {
    reader_state *st = ctx;
    st->total++;
    st->bytes += length;
    if (length < 8) { st->bad++; return; }
    uint64_t id;
    memcpy(&id, payload, 8);
    uint32_t p = (uint32_t) (id >> 32);
    uint64_t i = id & 0xFFFFFFFFu;
    if (p >= st->producers || type != rec_type(i) || !matches(payload, i, p, length)) { st->bad++; return; }
    if (i < st->next[p]) st->dup++;
    else if (i > st->next[p]) st->gap += i - st->next[p];
    st->next[p] = i + 1;
}

static int do_read(const char *name, uint32_t kind, uint64_t count, uint32_t producers) {
    pc_channel ch;
    int rc;
    open_end(&ch, name, kind, PC_ROLE_READER);
    reader_state st = {0};
    st.producers = producers;
    st.next = calloc(producers, sizeof(uint64_t));
    printf("READY\n");
    fflush(stdout);
    uint64_t want = count * producers, slow = 0;
    while (st.total < want) {
        long long t0 = pc_now_ns();
        rc = pc_receive(&ch, on_record, &st, 256, PEER_TIMEOUT_NS);
        if (pc_now_ns() - t0 >= PC_SLICE_NS) slow++; /* woken by a slice's end, not by the writer */
        if (rc < 0) {
            printf("ERROR receive %s after %llu\n", pc_errname(rc), (unsigned long long) st.total);
            fflush(stdout);
            pc_close(&ch);
            return 1;
        }
    }
    printf("DONE records=%llu bytes=%llu bad=%llu dup=%llu lost=%llu slow=%llu\n", (unsigned long long) st.total,
           (unsigned long long) st.bytes, (unsigned long long) st.bad, (unsigned long long) st.dup,
           (unsigned long long) st.gap, (unsigned long long) slow);
    fflush(stdout);
    pc_close(&ch);
    return 0;
}

static int do_bc_send(const char *name, uint64_t count, uint64_t burst) {
    pc_channel ch;
    int rc;
    open_end(&ch, name, PC_BROADCAST, PC_ROLE_WRITER);
    printf("READY\n");
    fflush(stdout);
    char line[64];
    if (fgets(line, sizeof line, stdin) == NULL) return 1;
    uint8_t buf[1024];
    for (uint64_t i = 0; i < count; i++) {
        if (burst > 0 && i > 0 && i % burst == 0) sleep_us(2000);
        uint32_t length = rec_length(i, 0);
        fill(buf, i, 0, length);
        rc = pc_transmit(&ch, rec_type(i), buf, length);
        if (rc != PC_OK) fail("transmit", rc);
    }
    printf("SENT %llu\n", (unsigned long long) count);
    fflush(stdout);
    pc_close(&ch);
    return 0;
}

typedef struct {
    uint64_t count, delivered, bad, last, slow_us;
} bc_state;

static void on_broadcast(void *ctx, int32_t type, const uint8_t *payload, uint32_t length) {
    bc_state *st = ctx;
    st->delivered++;
    uint64_t id = 0;
    if (length >= 8) memcpy(&id, payload, 8);
    if (length < 8 || type != rec_type(id) || !matches(payload, id, 0, length)) st->bad++;
    st->last = id;
    if (st->slow_us > 0) sleep_us((long) st->slow_us);
}

static int do_bc_recv(const char *name, uint64_t count, uint64_t slow_us) {
    pc_channel ch;
    int rc;
    open_end(&ch, name, PC_BROADCAST, PC_ROLE_RECEIVER);
    printf("READY\n");
    fflush(stdout);
    bc_state st = {count, 0, 0, UINT64_MAX, slow_us};
    while (st.last != count - 1) {
        rc = pc_bc_receive(&ch, on_broadcast, &st, 64, PEER_TIMEOUT_NS);
        if (rc < 0) fail("receive", rc);
    }
    printf("DONE delivered=%llu lost=%llu laps=%llu bad=%llu\n", (unsigned long long) st.delivered,
           (unsigned long long) ch.lost, (unsigned long long) ch.laps, (unsigned long long) st.bad);
    fflush(stdout);
    pc_close(&ch);
    return 0;
}

static int do_claim(const char *name, uint32_t kind, uint64_t count) {
    pc_channel ch;
    int rc;
    open_end(&ch, name, kind, PC_ROLE_WRITER);
    printf("READY\n");
    fflush(stdout);
    uint8_t buf[1024];
    for (uint64_t i = 0; i < count; i++) write_one(&ch, i, 0, buf);
    pc_claimed c;
    rc = pc_claim(&ch, 100, &c);
    if (rc != PC_OK) fail("claim", rc);
    memset(c.payload, 0xEE, 100);
    printf("CLAIMED\n");
    fflush(stdout);
    char line[64];
    while (fgets(line, sizeof line, stdin) != NULL) {}
    return 0;
}

static int do_poll_read(const char *name, uint32_t kind, uint64_t count) {
    pc_channel ch;
    int rc;
    open_end(&ch, name, kind, PC_ROLE_READER);
    reader_state st = {0};
    st.producers = 1;
    st.next = calloc(1, sizeof(uint64_t));
    printf("READY\n");
    fflush(stdout);
    long long until = pc_now_ns() + PEER_TIMEOUT_NS;
    int received = 0;
    for (;;) {
        rc = pc_poll(&ch, on_record, &st, 16);
        if (rc < 0) fail("poll", rc);
        if (!received && st.total >= count) {
            received = 1;
            printf("RECEIVED %llu\n", (unsigned long long) st.total);
            fflush(stdout);
        }
        if (received && atomic_load_explicit(PC_U64(&ch, PC_OFF_HEAD), pc_acq)
                            == atomic_load_explicit(PC_U64(&ch, PC_OFF_TAIL), pc_acq)) break;
        if (pc_now_ns() > until) fail("poll-until-empty", PC_ETIMEDOUT);
        if (rc == 0) sleep_us(100);
    }
    printf("DONE records=%llu bad=%llu dup=%llu lost=%llu\n", (unsigned long long) st.total,
           (unsigned long long) st.bad, (unsigned long long) st.dup, (unsigned long long) st.gap);
    fflush(stdout);
    pc_close(&ch);
    return 0;
}

static void on_any(void *ctx, int32_t type, const uint8_t *payload, uint32_t length) {
    uint64_t *sum = ctx;
    (void) type;
    for (uint32_t k = 0; k < length; k++) *sum += payload[k]; /* touch every byte handed over */
}

/* Maps a shm channel between two PROT_NONE pages: a read or write outside it faults. */
static int open_guarded(pc_channel *ch, const char *name, uint32_t kind) {
    int fd = shm_open(name, O_RDWR | O_CLOEXEC, 0);
    if (fd < 0) return PC_ESYS;
    struct stat st;
    if (fstat(fd, &st) != 0) return PC_ESYS;
    size_t size = (size_t) st.st_size, page = (size_t) sysconf(_SC_PAGESIZE);
    uint8_t *area = mmap(NULL, size + 2 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED) return PC_ESYS;
    if (mmap(area + page, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED) return PC_ESYS;
    close(fd);
    return pc_attach_region(ch, area + page, size, kind);
}

static int do_hostile_read(const char *name, uint32_t kind, long long seconds) {
    pc_channel ch;
    int rc = open_guarded(&ch, name, kind);
    if (rc != PC_OK) fail("open", rc);
    rc = kind == PC_BROADCAST ? pc_attach_receiver(&ch, 0) : pc_attach_reader(&ch);
    if (rc != PC_OK) fail("attach", rc);
    printf("READY\n");
    fflush(stdout);
    uint64_t sum = 0, records = 0, corrupt = 0, peerdead = 0, timedout = 0, other = 0;
    long long slowest = 0, end = pc_now_ns() + seconds * 1000000000LL;
    int last_other = 0;
    while (pc_now_ns() < end) {
        long long t0 = pc_now_ns();
        rc = kind == PC_BROADCAST ? pc_bc_receive(&ch, on_any, &sum, 16, 2000000)
                                  : pc_receive(&ch, on_any, &sum, 16, 2000000);
        long long took = pc_now_ns() - t0;
        if (took > slowest) slowest = took;
        if (rc > 0) records += (uint64_t) rc;
        else if (rc == PC_ECORRUPT) corrupt++;
        else if (rc == PC_EPEERDEAD) peerdead++;
        else if (rc == PC_ETIMEDOUT) timedout++;
        else { other++; last_other = rc; }
    }
    printf("DONE records=%llu corrupt=%llu peerdead=%llu timedout=%llu other=%llu slowest_ms=%lld last_other=%s\n",
           (unsigned long long) records, (unsigned long long) corrupt, (unsigned long long) peerdead,
           (unsigned long long) timedout, (unsigned long long) other, slowest / 1000000, pc_errname(last_other));
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv) {
    for (int j = 0; j < PATTERN_LENGTH; j++) PATTERN[j] = (uint8_t) ((j * 131 + (j >> 8)) & 0xFF);
    if (argc < 3) return 64;
    const char *mode = argv[1], *name = argv[2];
    if (strcmp(mode, "create") == 0 && argc == 5) {
        pc_channel ch;
        int rc = pc_create(&ch, name, (uint32_t) atoi(argv[3]), strtoull(argv[4], NULL, 10));
        if (rc != PC_OK) fail("create", rc);
        printf("READY\n");
        fflush(stdout);
        char line[64];
        while (fgets(line, sizeof line, stdin) != NULL) {}
        pc_close(&ch);
        shm_unlink(name);
        return 0;
    }
    if (strcmp(mode, "check") == 0 && argc == 4) {
        pc_channel ch;
        int rc = open_channel(&ch, name, (uint32_t) atoi(argv[3]));
        if (rc == PC_OK) {
            printf("OPENED\n");
            pc_close(&ch);
        } else {
            printf("ERROR %s %s\n", pc_errname(rc), pc_strerror(rc));
        }
        return 0;
    }
    if (strcmp(mode, "write") == 0 && argc == 7)
        return do_write(name, (uint32_t) atoi(argv[3]), strtoull(argv[4], NULL, 10), (uint32_t) atoi(argv[5]),
                        strtoull(argv[6], NULL, 10));
    if (strcmp(mode, "read") == 0 && argc == 6)
        return do_read(name, (uint32_t) atoi(argv[3]), strtoull(argv[4], NULL, 10), (uint32_t) atoi(argv[5]));
    if (strcmp(mode, "bc-send") == 0 && argc == 5)
        return do_bc_send(name, strtoull(argv[3], NULL, 10), strtoull(argv[4], NULL, 10));
    if (strcmp(mode, "claim") == 0 && argc == 5)
        return do_claim(name, (uint32_t) atoi(argv[3]), strtoull(argv[4], NULL, 10));
    if (strcmp(mode, "poll-read") == 0 && argc == 5)
        return do_poll_read(name, (uint32_t) atoi(argv[3]), strtoull(argv[4], NULL, 10));
    if (strcmp(mode, "hostile-read") == 0 && argc == 5)
        return do_hostile_read(name, (uint32_t) atoi(argv[3]), atoll(argv[4]));
    if (strcmp(mode, "bc-recv") == 0 && argc == 5)
        return do_bc_recv(name, strtoull(argv[3], NULL, 10), strtoull(argv[4], NULL, 10));
    fprintf(stderr, "usage: see the comment at the top of channel_peer.c\n");
    return 64;
}
