package org.panamaipc.bench.mq;

import org.openjdk.jmh.annotations.Fork;
import org.panamaipc.bench.infra.Jvm;

/**
 * {@link MqPosixRoundTrip} with both ends on virtual threads: the measuring thread of the
 * fork ({@link Jvm#VIRTUAL_THREADS}) and the peer's echo loop. A queue descriptor can be
 * polled, so a waiting receive parks on the library's poller.
 */
@Fork(value = 1, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.VIRTUAL_THREADS})
public class MqPosixVirtualRoundTrip extends MqPosixRoundTrip {
}
