package org.panamaipc.socket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The peer JVM of {@link JvmPeerSocketTest}: connects to the test, sends {@code count}
 * numbered messages, then receives as many and checks each; prints {@code OK} and exits 0.
 *
 * <p>usage: SocketPeer TYPE SERVER_NAME PEER_NAME COUNT (names of the abstract namespace)
 */
public final class SocketPeer {
    /** Stream frames have this fixed size; messages vary in length from MIN to MIN + SPREAD - 1. */
    static final int FRAME = 64;
    static final int MIN = 16;
    static final int SPREAD = 48;

    private SocketPeer() {
    }

    public static void main(String[] args) throws Exception {
        SocketType type = SocketType.valueOf(args[0]);
        SocketAddress server = AbstractSocketAddress.of(args[1]);
        int count = Integer.parseInt(args[3]);
        UnixSocket s;
        if (type == SocketType.DATAGRAM) {
            s = UnixSocket.bind(type, AbstractSocketAddress.of(args[2]));
            s.connect(server);
        } else {
            s = UnixSocket.connect(type, server);
        }
        try (s; Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(FRAME);
            for (long i = 0; i < count; i++) {
                s.send(buf.asSlice(0, fill(buf, i, type)));
            }
            for (long i = 0; i < count; i++) {
                receiveAndCheck(s, buf, i, type);
            }
        }
        System.out.println("OK " + count);
    }

    /** The length of message {@code seq}. */
    static int length(long seq, SocketType type) {
        return type == SocketType.STREAM ? FRAME : MIN + (int) (seq % SPREAD);
    }

    /** Writes message {@code seq}: its number, a checksum of the payload, the payload. */
    static int fill(MemorySegment buf, long seq, SocketType type) {
        int len = length(seq, type);
        long sum = 0;
        for (int j = MIN; j < len; j++) {
            byte b = (byte) (seq * 31 + j);
            buf.set(ValueLayout.JAVA_BYTE, j, b);
            sum = sum * 131 + b;
        }
        buf.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, seq);
        buf.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, sum);
        return len;
    }

    /** Receives the next message and checks that it is message {@code seq}, whole and intact. */
    static void receiveAndCheck(UnixSocket s, MemorySegment buf, long seq, SocketType type) throws Exception {
        int want = length(seq, type);
        long got;
        if (type == SocketType.STREAM) {
            got = 0;
            while (got < want) {
                long r = s.receive(buf.asSlice(got, want - got));
                if (r < 0) {
                    throw new IllegalStateException("end of stream at message " + seq);
                }
                got += r;
            }
        } else {
            got = s.receive(buf);
        }
        if (got != want) {
            throw new IllegalStateException("message " + seq + ": length " + got + ", expected " + want);
        }
        long n = buf.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        long sum = 0;
        for (int j = MIN; j < want; j++) {
            sum = sum * 131 + buf.get(ValueLayout.JAVA_BYTE, j);
        }
        if (n != seq || sum != buf.get(ValueLayout.JAVA_LONG_UNALIGNED, 8)) {
            throw new IllegalStateException("message " + seq + ": got number " + n + ", checksum "
                    + (sum == buf.get(ValueLayout.JAVA_LONG_UNALIGNED, 8) ? "ok" : "bad"));
        }
    }

    static String name(AbstractSocketAddress a) {
        return new String(a.name(), StandardCharsets.UTF_8);
    }
}
