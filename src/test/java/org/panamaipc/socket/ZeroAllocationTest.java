package org.panamaipc.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.panamaipc.testing.IpcTest;

/** The hot paths, send and receive of a native segment, allocate nothing once warmed up. */
@IpcTest
class ZeroAllocationTest {
    // Reached by reflection: the module under test does not read java.management.
    private static long allocatedBytes(long threadId) throws ReflectiveOperationException {
        Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method m = Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long.class);
        return (long) m.invoke(bean, threadId);
    }

    @ParameterizedTest
    @EnumSource(SocketType.class)
    void sendAndReceiveOfANativeSegmentAllocateNothing(SocketType type) throws Exception {
        try (SocketPair pair = UnixSocket.pair(type); Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(64);
            MemorySegment in = arena.allocate(64);
            UnixSocket a = pair.first();
            UnixSocket b = pair.second();
            for (int i = 0; i < 50_000; i++) {
                roundTrip(a, b, out, in);
            }
            long tid = Thread.currentThread().threadId();
            long best = Long.MAX_VALUE;
            for (int attempt = 0; attempt < 5 && best >= 10_000; attempt++) { // a JIT recompilation may allocate once
                long before = allocatedBytes(tid);
                for (int i = 0; i < 10_000; i++) {
                    roundTrip(a, b, out, in);
                }
                best = Math.min(best, allocatedBytes(tid) - before);
            }
            // Any allocation per call would be at least 16 bytes each time, 160,000 in all; what
            // remains below one byte per round trip is the measurement's own (reflection, boxing).
            assertThat(best).as("bytes allocated by 10,000 send/receive pairs").isLessThan(10_000);
        }
    }

    private static void roundTrip(UnixSocket a, UnixSocket b, MemorySegment out, MemorySegment in) throws Exception {
        if (a.send(out) != 64 || b.receive(in) != 64) {
            throw new AssertionError("short transfer");
        }
    }
}
