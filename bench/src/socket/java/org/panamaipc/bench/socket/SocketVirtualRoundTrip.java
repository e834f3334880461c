package org.panamaipc.bench.socket;

import org.openjdk.jmh.annotations.Fork;
import org.panamaipc.bench.infra.Jvm;
import org.panamaipc.socket.SocketType;

/**
 * {@link SocketRoundTrip}'s stream case with both ends on virtual threads: the measuring
 * thread of the fork ({@link Jvm#VIRTUAL_THREADS}) and the peer's echo loop. A waiting
 * receive parks on the library's poller, as the JDK's {@code SocketChannel} parks on its own
 * ({@code jdk.JdkSocketChannelVirtualRoundTrip}, the baseline).
 */
@Fork(value = 1, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.VIRTUAL_THREADS})
public class SocketVirtualRoundTrip extends SocketEchoRoundTrip {
    @Override
    SocketType socketType() {
        return SocketType.STREAM;
    }
}
