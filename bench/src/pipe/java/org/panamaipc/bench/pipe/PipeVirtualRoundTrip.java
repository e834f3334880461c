package org.panamaipc.bench.pipe;

import org.openjdk.jmh.annotations.Fork;
import org.panamaipc.bench.infra.Jvm;

/**
 * {@link PipeRoundTrip} with both ends on virtual threads: the measuring thread of the fork
 * ({@link Jvm#VIRTUAL_THREADS}) and the peer's echo loop. The same work as the platform-thread
 * row, so the two compare directly; the baseline is the JDK's {@code SocketChannel} on virtual
 * threads ({@code jdk.JdkSocketChannelVirtualRoundTrip}).
 */
@Fork(value = 1, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.VIRTUAL_THREADS})
public class PipeVirtualRoundTrip extends PipeRoundTrip {
}
