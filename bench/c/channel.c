/*
 * The channel ring in C (interop/c/panama_channel.h, layout version 1): the limit the Java
 * channel benchmarks are held against. One 64 KiB ring (as the Java and Agrona benchmarks)
 * in shared anonymous memory, initialized by the parent before fork.
 *
 *   tput, tput.SIZE  ONE_TO_ONE, one way: the parent offers SIZE-byte records (64 by
 *                    default), spinning while the ring is full; the child drains with
 *                    pc_poll, spinning while it is empty. Time per record.
 *   m2o.tput         MANY_TO_ONE, two producer children offer 64-byte records as fast as
 *                    they can; the parent reads (pc_poll, one record a call). Time per record.
 *   rtt              two ONE_TO_ONE rings, 8-byte ping-pong, both sides spinning.
 *   rtt.park         the same, both sides waiting in pc_receive (eventcount + FUTEX_WAIT).
 */
#include "bench.h"
#include "../../interop/c/panama_channel.h"

#define RING_CAPACITY (64 * 1024)

static void ring_at(pc_channel *ch, uint8_t *region, uint32_t kind, int init) {
    size_t size = PC_HEADER_LENGTH + RING_CAPACITY;
    if (init && pc_init_region(region, size, kind, RING_CAPACITY) != PC_OK) die("pc_init_region");
    int rc = pc_attach_region(ch, region, size, kind);
    if (rc != PC_OK) {
        fprintf(stderr, "attach: %s\n", pc_strerror(rc));
        exit(2);
    }
}

static uint64_t sink;
static void consume(void *ctx, int32_t type, const uint8_t *payload, uint32_t length) {
    (void) ctx;
    (void) type;
    uint64_t v;
    memcpy(&v, payload, 8);
    sink += v + length;
}

static uint8_t echo_buf[64];
static uint32_t echo_len;
static void keep(void *ctx, int32_t type, const uint8_t *payload, uint32_t length) {
    (void) ctx;
    (void) type;
    memcpy(echo_buf, payload, length);
    echo_len = length;
}

static void attach(int rc) {
    if (rc != PC_OK) {
        fprintf(stderr, "attach: %s\n", pc_strerror(rc));
        exit(2);
    }
}

int main(int argc, char **argv) {
    opts_t o = parse_opts(argc, argv);
    size_t region_size = PC_HEADER_LENGTH + RING_CAPACITY;
    uint8_t *shared = shared_memory(2 * region_size);
    pc_channel a, b;
    pid_t pid;
    uint8_t msg[8192] = {0};

    size_t size = tput_bytes(&o, 4096);
    if (size > 0) {
        ring_at(&a, shared, PC_ONE_TO_ONE, 1);
        SPAWN(&o, pid, {
            attach(pc_attach_reader(&a));
            for (;;) {
                if (pc_poll(&a, consume, NULL, 64) == 0) cpu_relax();
            }
        });
        attach(pc_attach_writer(&a));
        uint64_t seq = 0;
        MEASURE(&o, {
            seq++;
            memcpy(msg, &seq, 8);
            while (pc_offer(&a, 1, msg, (uint32_t) size) == PC_EFULL) cpu_relax();
        });
        end_child(pid);
    } else if (mode_is(&o, "m2o.tput")) {
        ring_at(&a, shared, PC_MANY_TO_ONE, 1);
        attach(pc_attach_reader(&a));
        pid_t pids[2];
        for (int k = 0; k < 2; k++) {
            SPAWN(&o, pids[k], {
                pc_channel w;
                ring_at(&w, shared, PC_MANY_TO_ONE, 0);
                attach(pc_attach_writer(&w));
                for (uint64_t seq = 1;; seq++) {
                    memcpy(msg, &seq, 8);
                    while (pc_offer(&w, 1, msg, ONE_WAY_BYTES) == PC_EFULL) cpu_relax();
                }
            });
        }
        MEASURE(&o, {
            while (pc_poll(&a, consume, NULL, 1) == 0) cpu_relax();
        });
        end_child(pids[0]);
        end_child(pids[1]);
    } else if (mode_is(&o, "rtt") || mode_is(&o, "rtt.park")) {
        int park = mode_is(&o, "rtt.park");
        ring_at(&a, shared, PC_ONE_TO_ONE, 1);
        ring_at(&b, shared + region_size, PC_ONE_TO_ONE, 1);
        SPAWN(&o, pid, {
            pc_channel in = a;
            pc_channel out = b;
            attach(pc_attach_reader(&in));
            attach(pc_attach_writer(&out));
            for (;;) {
                if (park) {
                    if (pc_receive(&in, keep, NULL, 1, -1) < 0) _exit(2);
                } else {
                    while (pc_poll(&in, keep, NULL, 1) == 0) cpu_relax();
                }
                while (pc_offer(&out, 1, echo_buf, echo_len) == PC_EFULL) cpu_relax();
            }
        });
        attach(pc_attach_writer(&a));
        attach(pc_attach_reader(&b));
        uint64_t seq = 0;
        MEASURE(&o, {
            seq++;
            memcpy(msg, &seq, 8);
            while (pc_offer(&a, 1, msg, RTT_BYTES) == PC_EFULL) cpu_relax();
            if (park) {
                if (pc_receive(&b, keep, NULL, 1, -1) < 0) die("pc_receive");
            } else {
                while (pc_poll(&b, keep, NULL, 1) == 0) cpu_relax();
            }
        });
        end_child(pid);
    } else {
        unknown_mode(&o);
    }
    return (int) (sink & 0);
}
