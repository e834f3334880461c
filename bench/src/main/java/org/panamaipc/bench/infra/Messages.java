package org.panamaipc.bench.infra;

/** The message sizes every benchmark and every C program of the suite use. */
public final class Messages {
    /** Bytes per message in a round trip (ping-pong). */
    public static final int ROUND_TRIP_BYTES = 8;
    /** Bytes per message in one-way throughput. */
    public static final int ONE_WAY_BYTES = 64;
    /**
     * Descriptor passing, one way: the sender may be this many messages ahead of the
     * receiver, which acknowledges every {@link #FD_ACK_EVERY} messages with one byte (the
     * kernel caps descriptors in flight; C does the same in {@code bench/c/scm_rights.c}).
     */
    public static final int FD_WINDOW = 32;
    /** Descriptor passing: messages per acknowledgement byte. */
    public static final int FD_ACK_EVERY = 16;

    private Messages() {
    }
}
