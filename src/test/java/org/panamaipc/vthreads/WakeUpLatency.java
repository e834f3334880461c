package org.panamaipc.vthreads;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.panamaipc.testing.Deadline;
import org.panamaipc.testing.KernelWaits;

/**
 * Prints how long each blocking call of the library takes to notice its event, on a virtual
 * thread and on a platform thread: one waiter at a time blocks (parked on the poller, waiting
 * on a platform thread of the library, or asleep in the system call), the event is given, and
 * the time from just before giving it to the waiter's return is taken, many times over. A
 * measurement for the documentation, not a test: it asserts nothing.
 *
 * <p>Run it after {@code mvn test-compile}, as root in IPC and mount namespaces of its own (a
 * thousand POSIX queues are not needed here, but the System V and POSIX objects it makes are
 * best kept away from the machine's):
 *
 * <pre>
 * unshare --ipc --mount --propagation private sh -c 'mount -t tmpfs -o mode=1777 tmpfs /dev/shm &amp;&amp;
 *   mkdir -p /dev/mqueue &amp;&amp; mount -t mqueue mqueue /dev/mqueue &amp;&amp;
 *   java --enable-native-access=ALL-UNNAMED -cp target/test-classes:target/classes \
 *        org.panamaipc.vthreads.WakeUpLatency [rounds]'
 * </pre>
 *
 * The table gives the median and the 99th percentile in microseconds over {@code rounds}
 * wake-ups (200 unless given), after 50 that are not counted.
 */
public final class WakeUpLatency {
    private static final int WARM_UP = 50;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private WakeUpLatency() {
    }

    /** The same waits as a gate: waiter {@code i} on object {@code i}, released by giving it its content. */
    private static <O> Gate<List<O>> gate(Subject<O> subject) {
        return new Gate<>() {
            @Override
            public List<O> setUp(int n) throws IOException {
                List<O> objects = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    objects.add(subject.open(i));
                }
                return objects;
            }

            @Override
            public Object await(List<O> objects, int i) throws IOException {
                return subject.await(objects.get(i), i);
            }

            @Override
            public Object expected(int i) {
                return subject.expected(i);
            }

            @Override
            public void release(List<O> objects, int i) throws IOException {
                subject.give(objects.get(i), i);
            }

            @Override
            public void tearDown(List<O> objects) {
                objects.forEach(subject::dispose);
            }
        };
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        List<String> names = new ArrayList<>();
        List<Gate<?>> waits = new ArrayList<>();
        try (Arena arena = Arena.ofShared()) {
            names.addAll(List.of("pipe read(byte[])", "pipe read(MemorySegment)", "POSIX queue receive",
                    "socket receive", "eventfd await"));
            waits.addAll(List.of(gate(Subject.pipeIntoArray(64)), gate(Subject.pipeIntoSegment(arena, 1)),
                    gate(Subject.posixQueue()), gate(Subject.socketPair()), gate(Subject.eventFd())));
            for (String gate : Gate.names()) {
                names.add(gate);
                waits.add(Gate.byName(gate));
            }
            System.out.printf("wake-up latency, microseconds, %d wake-ups each (%d CPUs, %s)%n", rounds,
                    Runtime.getRuntime().availableProcessors(), Runtime.version());
            System.out.printf("%-26s %-14s %10s %10s %10s %10s%n", "", "virtual parks", "virtual", "",
                    "platform", "");
            System.out.printf("%-26s %-14s %10s %10s %10s %10s%n", "mechanism", "in", "median", "p99", "median",
                    "p99");
            for (int m = 0; m < waits.size(); m++) {
                String[] where = new String[1];
                long[] virtual = measure(waits.get(m), true, rounds, where);
                long[] platform = measure(waits.get(m), false, rounds, null);
                System.out.printf("%-26s %-14s %10.1f %10.1f %10.1f %10.1f%n", names.get(m), where[0],
                        percentile(virtual, 50), percentile(virtual, 99), percentile(platform, 50),
                        percentile(platform, 99));
            }
        }
    }

    /** Wake-up latencies in nanoseconds, sorted; {@code where} gets where a virtual waiter parked. */
    private static <S> long[] measure(Gate<S> wait, boolean virtual, int rounds, String[] where) throws Exception {
        long[] latencies = new long[rounds];
        for (int r = -WARM_UP; r < rounds; r++) {
            S s = wait.setUp(1);
            try {
                AtomicLong returned = new AtomicLong();
                AtomicLong tid = new AtomicLong();
                Object[] outcome = new Object[1];
                Runnable waiter = () -> {
                    tid.set(KernelWaits.currentTid());
                    try {
                        outcome[0] = wait.await(s, 0);
                    } catch (Throwable t) {
                        outcome[0] = t;
                    }
                    returned.set(System.nanoTime());
                };
                Thread t = virtual ? Thread.ofVirtual().start(waiter) : Thread.ofPlatform().daemon().start(waiter);
                awaitBlocked(t, tid, where);
                long released = System.nanoTime();
                wait.release(s, 0);
                if (!t.join(TIMEOUT)) {
                    throw new AssertionError("the waiter did not return after its release: " + t);
                }
                if (!wait.expected(0).equals(outcome[0])) {
                    throw new AssertionError("the waiter got " + Crowd.describe(outcome[0]) + ", not "
                            + wait.expected(0), outcome[0] instanceof Throwable failure ? failure : null);
                }
                if (r >= 0) {
                    latencies[r] = returned.get() - released;
                }
            } finally {
                wait.tearDown(s);
            }
        }
        Arrays.sort(latencies);
        return latencies;
    }

    /**
     * Waits until the waiter is blocked: a virtual thread parked in the library (and, when its
     * wait went to a platform thread of the library, that thread asleep in the call); a platform
     * thread asleep in the call.
     */
    private static void awaitBlocked(Thread t, AtomicLong tid, String[] where) {
        Deadline deadline = Deadline.after(TIMEOUT);
        if (t.isVirtual()) {
            deadline.await(() -> Crowd.parkedIn(t) != null, "the virtual thread parks in the library");
            boolean poller = Crowd.parkedIn(t).startsWith("Poller.");
            where[0] = poller ? "poller" : "pool thread";
            if (!poller) {
                deadline.await(() -> KernelWaits.sleepingInCall(DescriptorWaits.POOL) >= 1,
                        "a platform thread of the library sleeps in the call");
            }
        } else {
            deadline.await(() -> tid.get() != 0 && KernelWaits.sleepsInCall(tid.get()),
                    "the platform thread sleeps in the call");
        }
    }

    /** {@return the {@code p}th percentile of sorted nanoseconds, in microseconds} */
    private static double percentile(long[] sorted, int p) {
        int i = Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1000.0;
    }
}
