package org.panamaipc.bench.sync;

import org.openjdk.jmh.annotations.Fork;
import org.panamaipc.bench.infra.Jvm;

/**
 * {@link SemPosixRoundTrip} with both ends on virtual threads. A semaphore has no descriptor:
 * a virtual thread's {@code acquire()} that has to wait goes to a platform thread of the
 * library's pool, so this row against the platform-thread one is the cost of that hand-over.
 */
@Fork(value = 1, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.VIRTUAL_THREADS})
public class SemPosixVirtualRoundTrip extends SemPosixRoundTrip {
}
