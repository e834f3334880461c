package org.panamaipc.channel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.LockSupport;
import org.panamaipc.testing.Peer;

/**
 * A peer JVM for the channel tests. The first argument says what to do:
 *
 * <ul>
 *   <li>{@code write NAME FROM COUNT BURST}: send records FROM..FROM+COUNT-1 ({@link Records})
 *       in bursts of BURST with a 2 ms pause between them (the reader parks), print
 *       {@code sent}, then wait for stdin to end;</li>
 *   <li>{@code claim NAME COUNT}: send COUNT records, claim one more, print {@code claimed}
 *       and wait (to be killed);</li>
 *   <li>{@code produce NAME ID COUNT}: a many-to-one producer: COUNT records of type ID whose
 *       payload holds its number, print {@code sent};</li>
 *   <li>{@code transmit NAME COUNT}: transmit COUNT records of 8 bytes, print {@code sent} and
 *       wait (to be killed);</li>
 *   <li>{@code read NAME}: attach the reader, print {@code attached} and wait (to be killed);</li>
 *   <li>{@code receive-broadcast NAME PAUSE_MICROS}: receive until a record of type 999, checking
 *       each one, pausing after each; print {@code delivered D lapped L lost X}.</li>
 * </ul>
 */
public final class ChannelPeer {
    static final int END_TYPE = 999;

    private ChannelPeer() {
    }

    /**
     * Runs the peer.
     *
     * @param args the command and its arguments
     * @throws Throwable on any failure (printed on stderr for the test)
     */
    public static void main(String[] args) throws Throwable {
        try (Channel channel = Channel.open(args[1])) {
            switch (args[0]) {
                case "write" -> {
                    try (ChannelWriter writer = channel.writer()) {
                        Peer.ready();
                        write(writer, Long.parseLong(args[2]), Long.parseLong(args[3]), Integer.parseInt(args[4]));
                        Peer.println("sent");
                        waitForEnd();
                    }
                }
                case "claim" -> {
                    try (ChannelWriter writer = channel.writer()) {
                        Peer.ready();
                        write(writer, 0, Long.parseLong(args[2]), Integer.MAX_VALUE);
                        writer.tryClaim(1, 64).buffer();
                        Peer.println("claimed");
                        waitForEnd();
                    }
                }
                case "produce" -> {
                    int id = Integer.parseInt(args[2]);
                    long count = Long.parseLong(args[3]);
                    try (ChannelWriter writer = channel.writer(); Arena arena = Arena.ofConfined()) {
                        Peer.ready();
                        Peer.readLine(); // go
                        MemorySegment payload = arena.allocate(16);
                        for (long n = 0; n < count; n++) {
                            payload.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, n);
                            payload.set(java.lang.foreign.ValueLayout.JAVA_LONG, 8, n * 31 + id);
                            writer.send(id, payload);
                        }
                        Peer.println("sent");
                        waitForEnd();
                    }
                }
                case "read" -> {
                    try (ChannelReader reader = channel.reader()) {
                        Peer.println("attached");
                        waitForEnd();
                    }
                }
                case "receive-broadcast" -> receiveBroadcast(channel, Long.parseLong(args[2]));
                case "transmit" -> {
                    try (BroadcastTransmitter tx = channel.transmitter()) {
                        Peer.ready();
                        for (long n = 0; n < Long.parseLong(args[2]); n++) {
                            tx.transmit(Records.type(n), new byte[8]);
                        }
                        Peer.println("sent");
                        waitForEnd();
                    }
                }
                default -> throw new IllegalArgumentException(args[0]);
            }
        }
    }

    /** Sends records FROM..FROM+COUNT-1, pausing 2 ms after each burst. */
    static void write(ChannelWriter writer, long from, long count, int burst) throws Exception {
        int max = writer.channel().maxPayloadLength();
        for (long n = from; n < from + count; n++) {
            int length = Records.length(n, max);
            ChannelClaim claim = writer.claim(Records.type(n), length);
            Records.fill(n, claim.buffer(), claim.offset(), length);
            claim.commit();
            if ((n - from + 1) % burst == 0) {
                LockSupport.parkNanos(2_000_000);
            }
        }
    }

    private static void receiveBroadcast(Channel channel, long pauseMicros) throws Exception {
        try (BroadcastReceiver receiver = channel.receiver()) {
            Peer.ready();
            long[] delivered = {0};
            boolean[] end = {false};
            int max = channel.maxPayloadLength();
            while (!end[0]) {
                receiver.receive((type, buffer, offset, length) -> {
                    if (type == END_TYPE) {
                        end[0] = true;
                        return;
                    }
                    long n = buffer.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, offset);
                    String wrong = Records.check(n, type, buffer, offset, length, max);
                    if (wrong != null) {
                        throw new AssertionError(wrong);
                    }
                    delivered[0]++;
                });
                if (pauseMicros > 0) {
                    LockSupport.parkNanos(pauseMicros * 1000);
                }
            }
            Peer.println("delivered " + delivered[0] + " lapped " + receiver.lappedCount() + " lost "
                    + receiver.lostCount());
        }
    }

    private static void waitForEnd() {
        while (Peer.readLine() != null) {
            // wait until the test closes stdin
        }
    }
}
