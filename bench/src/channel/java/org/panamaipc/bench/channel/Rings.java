package org.panamaipc.bench.channel;

/** What the channel benchmarks share: the ring's capacity (the Agrona and C rings' too) and clean-up. */
final class Rings {
    /** Data bytes of every ring: 64 KiB, as {@code agrona.AgronaRing} and {@code bench/c/channel.c}. */
    static final int CAPACITY = 64 * 1024;

    private Rings() {
    }

    /**
     * Closes what a partial set-up made, in order, skipping nulls.
     *
     * @param resources ends, channels (unlinked on close) and arenas
     */
    static void close(AutoCloseable... resources) {
        RuntimeException failure = null;
        for (AutoCloseable r : resources) {
            try {
                if (r != null) {
                    r.close();
                }
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("tear-down", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
