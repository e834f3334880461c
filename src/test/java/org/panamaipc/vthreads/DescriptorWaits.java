package org.panamaipc.vthreads;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.panamaipc.testing.Deadline;
import org.panamaipc.testing.KernelWaits;

/**
 * Thousands of virtual threads, each waiting on a descriptor of its own, and a counting
 * virtual thread beside them, in three rounds on fresh objects:
 *
 * <ol>
 *   <li><b>give</b>: every waiter parks; the counter counts on; each object is given its
 *       distinct content, and every waiter returns exactly its own;</li>
 *   <li><b>close</b>: every waiter parks; closing each object from another thread releases
 *       its waiter with {@link AsynchronousCloseException};</li>
 *   <li><b>interrupt</b>: every waiter parks; interrupting it ends the wait with the
 *       subject's exception (a channel's {@code ClosedByInterruptException}, closing it;
 *       otherwise the library's {@code InterruptedIOException}, the object left open), the
 *       interrupt status kept.</li>
 * </ol>
 *
 * In each round: where the waiters parked (the library's frame on their stacks), how many of
 * the library's platform threads sleep in a call for them meanwhile (none, for a wait that
 * parks on the poller), and how long the counter took to count on while they were parked and
 * while they left. The give round can also measure native memory before the waiters start
 * and while they are parked.
 */
final class DescriptorWaits {
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final String POOL = "panama-ipc-wait";
    /** How many readings in a row must agree before native memory counts as settled. */
    private static final int SETTLED_READINGS = 5;

    private DescriptorWaits() {
    }

    /**
     * Runs the three rounds.
     *
     * @param subject the kind of object
     * @param n how many waiters, each with its own object
     * @param memory whether to measure native memory in the give round (then run a smaller give
     *        round first, so that what the first use of anything costs is not counted)
     * @return the facts found
     */
    static <O> Facts run(Subject<O> subject, int n, boolean memory) throws Exception {
        Facts facts = new Facts().put("n", n);
        warmUp(subject);
        if (memory) {
            give(subject, Math.min(n, 200), false, new Facts());
        }
        long t = System.nanoTime();
        give(subject, n, memory, facts);
        facts.put("give.millis", (System.nanoTime() - t) / 1_000_000);
        t = System.nanoTime();
        close(subject, n, facts);
        facts.put("close.millis", (System.nanoTime() - t) / 1_000_000);
        t = System.nanoTime();
        interrupt(subject, n, facts);
        facts.put("interrupt.millis", (System.nanoTime() - t) / 1_000_000);
        return facts;
    }

    /**
     * Runs each round with one waiter, so that the classes of every path are loaded and
     * initialised before a crowd arrives: a virtual thread that waits for another to load or
     * initialise a class is pinned meanwhile, which the JVM does and the library cannot help.
     */
    private static <O> void warmUp(Subject<O> subject) throws Exception {
        Facts ignored = new Facts();
        give(subject, 1, false, ignored);
        close(subject, 1, ignored);
        interrupt(subject, 1, ignored);
    }

    /** A step of a round, on its objects and its crowd of waiters. */
    @FunctionalInterface
    private interface Step<O> {
        void run(List<O> objects, Crowd crowd) throws Exception;
    }

    private static <O> void give(Subject<O> subject, int n, boolean memory, Facts facts) throws Exception {
        round(subject, n, "give", memory, facts, (objects, crowd) -> {
            for (int i = 0; i < n; i++) {
                subject.give(objects.get(i), i);
            }
        }, (objects, crowd) -> {
            int ok = 0;
            for (int i = 0; i < n; i++) {
                if (subject.expected(i).equals(crowd.outcome(i))) {
                    ok++;
                } else if (ok == i) { // the first one wrong, for whoever reads the failure
                    System.err.println("give: waiter " + i + " got " + Crowd.describe(crowd.outcome(i))
                            + " instead of " + subject.expected(i));
                    if (crowd.outcome(i) instanceof Throwable t) {
                        t.printStackTrace();
                    }
                }
            }
            facts.put("give.ok", ok);
        });
    }

    private static <O> void close(Subject<O> subject, int n, Facts facts) throws Exception {
        round(subject, n, "close", false, facts, (objects, crowd) -> {
            Thread closer = Thread.ofPlatform().name("closer").start(() -> {
                for (O o : objects) {
                    try {
                        subject.closeWaited(o);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
            closer.join();
        }, (objects, crowd) -> facts.put("close.asExpected",
                tally(crowd, "close", facts, AsynchronousCloseException.class)));
    }

    private static <O> void interrupt(Subject<O> subject, int n, Facts facts) throws Exception {
        round(subject, n, "interrupt", false, facts, (objects, crowd) -> {
            for (int i = 0; i < n; i++) {
                crowd.thread(i).interrupt();
            }
        }, (objects, crowd) -> {
            facts.put("interrupt.asExpected", tally(crowd, "interrupt", facts, subject.interrupted()));
            int kept = 0;
            int open = 0;
            for (int i = 0; i < n; i++) {
                kept += crowd.interruptedAfter(i) ? 1 : 0;
                open += subject.isOpen(objects.get(i)) ? 1 : 0;
            }
            facts.put("interrupt.statusKept", kept).put("interrupt.stillOpen", open);
        });
    }

    /**
     * One round: a waiter on each of {@code n} fresh objects; once all are parked, where they
     * parked, the library's platform threads busy for them, native memory if asked, and the
     * counter counting on; then {@code release}, the counter counting on while they leave, and
     * {@code check} once all have left.
     */
    private static <O> void round(Subject<O> subject, int n, String name, boolean memory, Facts facts,
            Step<O> release, Step<O> check) throws Exception {
        List<O> objects = open(subject, n);
        Crowd crowd = null;
        try (Counter counter = new Counter()) {
            NativeMemory before = memory ? settled() : null;
            crowd = Crowd.start(name, n, i -> subject.await(objects.get(i), i));
            facts.tally(name + ".parkedIn", crowd.awaitParked(TIMEOUT));
            facts.put(name + ".poolThreadsInCalls", KernelWaits.sleepingInCall(POOL));
            if (memory) {
                NativeMemory parked = NativeMemory.now();
                facts.put("memory.otherMallocKb", parked.malloc("Other") - before.malloc("Other"))
                        .put("memory.otherMallocBlocks", parked.blocks("Other") - before.blocks("Other"))
                        .put("memory.threadKb", parked.committed("Thread") - before.committed("Thread"))
                        .put("memory.nativeKb", parked.nativeCommitted() - before.nativeCommitted())
                        .put("memory.heapKb", parked.committed("Java Heap") - before.committed("Java Heap"));
            }
            facts.put(name + ".counterMicros", counter.awaitProgress(Counter.PROGRESS, TIMEOUT));
            release.run(objects, crowd);
            leaving(counter, name, facts);
            crowd.awaitEnded(TIMEOUT);
            check.run(objects, crowd);
        } finally {
            dispose(subject, objects, crowd);
        }
    }

    /**
     * Checks that the counter counts on while the released waiters leave: all of them runnable
     * at once must share the carriers, not hold them until they are done.
     */
    static void leaving(Counter counter, String round, Facts facts) {
        facts.put(round + ".counterWhileLeavingMicros", counter.awaitProgress(Counter.PROGRESS, TIMEOUT));
    }

    /** Counts the outcomes by kind into the facts; returns how many were exactly {@code expected}. */
    static int tally(Crowd crowd, String round, Facts facts, Class<? extends Throwable> expected) {
        Map<String, Integer> kinds = new TreeMap<>();
        int asExpected = 0;
        for (int i = 0; i < crowd.size(); i++) {
            Object o = crowd.outcome(i);
            kinds.merge(o instanceof Throwable t ? t.getClass().getSimpleName() : "returned", 1, Integer::sum);
            if (o != null && o.getClass() == expected) {
                asExpected++;
            } else if (asExpected == i) {
                System.err.println(round + ": waiter " + i + " ended with " + Crowd.describe(o) + ", not "
                        + expected.getSimpleName());
                if (o instanceof Throwable t) {
                    t.printStackTrace();
                }
            }
        }
        facts.tally(round + ".outcomes", kinds);
        return asExpected;
    }

    private static <O> List<O> open(Subject<O> subject, int n) throws IOException {
        List<O> objects = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                objects.add(subject.open(i));
            }
            return objects;
        } catch (IOException | RuntimeException e) {
            objects.forEach(subject::dispose);
            throw e;
        }
    }

    /** Releases every object, which ends any wait a failure left, and waits for the waiters to end. */
    private static <O> void dispose(Subject<O> subject, List<O> objects, Crowd crowd) throws InterruptedException {
        objects.forEach(subject::dispose);
        if (crowd != null) {
            crowd.interruptRemaining();
            crowd.awaitEnded(TIMEOUT);
        }
    }

    /**
     * The native memory once what died before has been freed: memory of the library's arenas
     * is freed by the JDK's cleaner thread some time after the collector found it unreachable,
     * so collect, then read until the library's figure has not moved for a few readings.
     */
    private static NativeMemory settled() {
        long[] last = {-1};
        int[] unchanged = {0};
        NativeMemory[] now = new NativeMemory[1];
        boolean settled = Deadline.after(Duration.ofSeconds(10)).poll(() -> {
            now[0] = NativeMemory.now();
            long other = now[0].malloc("Other");
            if (other != last[0]) {
                last[0] = other;
                unchanged[0] = 0;
                System.gc();
                return false;
            }
            return ++unchanged[0] >= SETTLED_READINGS;
        });
        if (!settled) {
            throw new AssertionError("native memory still moves after 10 s: " + now[0].mallocKb());
        }
        return now[0];
    }
}
