package org.panamaipc.vthreads;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.panamaipc.testing.Deadline;
import org.panamaipc.testing.KernelWaits;

/**
 * Many virtual threads at a {@link Gate}, a wait with no descriptor, and a counting
 * virtual thread beside them, in two rounds. In each, every waiter parks while a platform
 * thread of the library sleeps in the call for it, and the counter counts on. Then:
 *
 * <ol>
 *   <li><b>release</b>: the waiters are released in a shuffled order, the first
 *       {@value #ONE_BY_ONE} one at a time (each must have returned before the next is
 *       released), the rest without waiting (or all at once, for a gate that opens for
 *       everyone); each must return what its own event gave it, none before its event, and
 *       the counter counts on while they leave;</li>
 *   <li><b>interrupt</b>: {@value #INTERRUPTED} are interrupted at once; each ends with the library's
 *       {@link InterruptedIOException} (a socket, a channel, with its own exception), its
 *       interrupt status kept, and the counter counts on while they leave.</li>
 * </ol>
 */
final class OffloadedWaits {
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** How many waiters are released alone, each waited for before the next. */
    static final int ONE_BY_ONE = 50;
    /**
     * How many waiters are interrupted at once: fewer than are released, since every gate's
     * interrupt takes the same way through the library's hand-over.
     */
    static final int INTERRUPTED = 200;

    private OffloadedWaits() {
    }

    /**
     * Runs the gate with {@code n} waiters released, at most {@value #INTERRUPTED} interrupted.
     *
     * @return the facts found
     */
    static <S> Facts run(Gate<S> gate, int n) throws Exception {
        Facts facts = new Facts().put("n", n);
        // one waiter first, so that the classes of the path are loaded before a crowd arrives
        // (a virtual thread waiting for another to load a class is pinned meanwhile)
        release(gate, 1, new Facts());
        interrupt(gate, 1, new Facts());
        long t = System.nanoTime();
        release(gate, n, facts);
        facts.put("release.millis", (System.nanoTime() - t) / 1_000_000);
        t = System.nanoTime();
        interrupt(gate, Math.min(n, INTERRUPTED), facts);
        facts.put("interrupt.millis", (System.nanoTime() - t) / 1_000_000);
        return facts;
    }

    /** A step of a round, on what the waiters share and the crowd of them. */
    @FunctionalInterface
    private interface Step<S> {
        void run(S s, Crowd crowd) throws Exception;
    }

    /** Every waiter parks, then each is released by its own event. */
    private static <S> void release(Gate<S> gate, int n, Facts facts) throws Exception {
        int[] early = new int[1];
        round(gate, n, "release", facts, (s, crowd) -> {
            if (gate.opensForAll()) {
                early[0] = crowd.ended();
                gate.release(s, -1);
                return;
            }
            List<Integer> order = shuffled(n);
            for (int k = 0; k < n; k++) {
                int i = order.get(k);
                early[0] += crowd.outcome(i) != null ? 1 : 0; // ended before its event came
                gate.release(s, i);
                if (k < ONE_BY_ONE) { // the first alone, each ended before the next is released
                    crowd.awaitEnded(i, TIMEOUT);
                }
            }
        }, (s, crowd) -> {
            facts.put("release.order", gate.opensForAll() ? "all-at-once" : ONE_BY_ONE + "-one-by-one-then-the-rest");
            facts.put("release.endedEarly", early[0]);
            facts.put("release.ok", correct(gate, crowd));
        });
    }

    /**
     * Every waiter parks, then all are interrupted at once: each ends with the library's
     * {@link InterruptedIOException} (or a channel's exception), its interrupt status kept,
     * while the counter counts on.
     */
    private static <S> void interrupt(Gate<S> gate, int n, Facts facts) throws Exception {
        round(gate, n, "interrupt", facts, (s, crowd) -> {
            for (int i = 0; i < n; i++) {
                crowd.thread(i).interrupt();
            }
        }, (s, crowd) -> {
            facts.put("interrupt.asExpected", DescriptorWaits.tally(crowd, "interrupt", facts, gate.interrupted()));
            int kept = 0;
            for (int i = 0; i < n; i++) {
                kept += crowd.interruptedAfter(i) ? 1 : 0;
            }
            facts.put("interrupt.statusKept", kept);
        });
    }

    /**
     * One round: {@code n} waiters at a fresh gate; once every one is parked and a platform
     * thread of the library sleeps in the call for each, where they parked and the counter
     * counting on; then {@code release}, the counter counting on while they leave, and
     * {@code check} once all have left.
     */
    private static <S> void round(Gate<S> gate, int n, String name, Facts facts, Step<S> release, Step<S> check)
            throws Exception {
        S s = gate.setUp(n);
        Crowd crowd = null;
        try (Counter counter = new Counter()) {
            crowd = Crowd.start(name, n, i -> gate.await(s, i));
            facts.tally(name + ".parkedIn", crowd.awaitParked(TIMEOUT));
            // the count when all were seen asleep at once: a mutex's waiter wakes every 50 ms for
            // a moment (its slices), so a second look may find one between two
            int[] sleeping = new int[1];
            Deadline.after(TIMEOUT).await(() -> (sleeping[0] = KernelWaits.sleepingInCall(gate.waitingThreads())) >= n,
                    n + " of the library's platform threads sleep in the call");
            facts.put(name + ".poolThreadsInCalls", sleeping[0]);
            facts.put(name + ".counterMicros", counter.awaitProgress(Counter.PROGRESS, TIMEOUT));
            release.run(s, crowd);
            DescriptorWaits.leaving(counter, name, facts);
            crowd.awaitEnded(TIMEOUT);
            check.run(s, crowd);
        } finally {
            tearDown(gate, s, crowd);
        }
    }

    /** Releases everything, which ends any wait a failure left, and waits for the waiters to end. */
    private static <S> void tearDown(Gate<S> gate, S s, Crowd crowd) throws Exception {
        gate.tearDown(s);
        if (crowd != null) {
            crowd.interruptRemaining();
            crowd.awaitEnded(TIMEOUT);
        }
    }

    private static int correct(Gate<?> gate, Crowd crowd) {
        int ok = 0;
        for (int i = 0; i < crowd.size(); i++) {
            if (gate.expected(i).equals(crowd.outcome(i))) {
                ok++;
            } else if (ok == i) {
                System.err.println("waiter " + i + " got " + Crowd.describe(crowd.outcome(i)) + " instead of "
                        + gate.expected(i));
                if (crowd.outcome(i) instanceof Throwable t) {
                    t.printStackTrace();
                }
            }
        }
        return ok;
    }

    /** The indices 0 to n - 1 in an order of the same seed every run, so that a failure repeats. */
    private static List<Integer> shuffled(int n) {
        List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(n));
        return order;
    }
}
