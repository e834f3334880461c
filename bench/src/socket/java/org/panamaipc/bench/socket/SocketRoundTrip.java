package org.panamaipc.bench.socket;

import org.openjdk.jmh.annotations.Param;
import org.panamaipc.socket.SocketType;

/**
 * Unix domain sockets, round trip: {@code send(MemorySegment)} of 8 bytes and
 * {@code receive(MemorySegment)} of the answer, for each socket type; the peer a JVM doing
 * the same. C: {@code bench/c/unix.c}.
 */
public class SocketRoundTrip extends SocketEchoRoundTrip {
    /** {@code stream}, {@code datagram} or {@code seqpacket}. */
    @Param({"stream", "datagram", "seqpacket"})
    public String type;

    @Override
    SocketType socketType() {
        return Sockets.type(type);
    }
}
