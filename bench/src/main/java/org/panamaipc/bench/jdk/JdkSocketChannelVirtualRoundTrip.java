package org.panamaipc.bench.jdk;

import org.openjdk.jmh.annotations.Fork;
import org.panamaipc.bench.infra.Jvm;

/**
 * {@link JdkSocketChannelRoundTrip} with both ends on virtual threads: the JDK's own
 * {@code SocketChannel}, which parks a virtual thread on the JDK's poller. The baseline of the
 * library's virtual-thread round trips.
 */
@Fork(value = 1, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.VIRTUAL_THREADS})
public class JdkSocketChannelVirtualRoundTrip extends JdkSocketChannelRoundTrip {
}
