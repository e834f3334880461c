package org.panamaipc.vthreads;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.panamaipc.testing.Deadline;

/**
 * Many virtual threads, each making one blocking call of the library, and what became of each:
 * where it parked, what it returned or threw, whether its interrupt status survived.
 */
final class Crowd {
    /** What a call that returned {@code null} is recorded as. */
    static final Object RETURNED = "(returned)";
    private static final String LIBRARY = "org.panamaipc.";
    /** The JDK's classes a parked virtual thread's stack shows above the frame that parked it. */
    private static final List<String> PARKING = List.of("java.lang.VirtualThread", "java.lang.System$",
            "java.util.concurrent.locks.LockSupport", "jdk.internal.misc.Unsafe", "jdk.internal.vm.Continuation");

    /** The blocking call thread {@code i} makes. */
    @FunctionalInterface
    interface Call {
        Object call(int i) throws Exception;
    }

    private final Thread[] threads;
    private final AtomicReferenceArray<Object> outcomes;
    private final AtomicIntegerArray interruptedAfter;

    private Crowd(int n) {
        threads = new Thread[n];
        outcomes = new AtomicReferenceArray<>(n);
        interruptedAfter = new AtomicIntegerArray(n);
    }

    /**
     * Starts {@code n} virtual threads, thread {@code i} making {@code call.call(i)}.
     *
     * @param name the threads' name prefix
     * @param n how many
     * @param call the call
     * @return the crowd, its threads running
     */
    static Crowd start(String name, int n, Call call) {
        Crowd crowd = new Crowd(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            crowd.threads[i] = Thread.ofVirtual().name(name + "-" + i).start(() -> crowd.run(index, call));
        }
        return crowd;
    }

    private void run(int i, Call call) {
        Object outcome;
        try {
            Object r = call.call(i);
            outcome = r == null ? RETURNED : r;
        } catch (Throwable t) {
            outcome = t;
        }
        interruptedAfter.set(i, Thread.currentThread().isInterrupted() ? 1 : 0);
        outcomes.set(i, outcome);
    }

    int size() {
        return threads.length;
    }

    Thread thread(int i) {
        return threads[i];
    }

    /**
     * Waits until every thread is parked inside the library, and tells where: the frame of
     * the library that parked each thread, counted ({@code "Poller.parkOn" -> 8000}). A virtual thread parked shows {@link Thread.State#WAITING}; one that blocks its
     * carrier in a system call shows {@link Thread.State#RUNNABLE} and never counts.
     *
     * @param timeout how long all may take
     * @return where they parked
     * @throws AssertionError if one ended instead of blocking, or the time passed
     */
    Map<String, Integer> awaitParked(Duration timeout) {
        Map<String, Integer> where = new TreeMap<>();
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < threads.length; i++) {
            pending.add(i);
        }
        boolean all = Deadline.after(timeout).poll(() -> {
            pending.removeIf(i -> {
                String place = parkedIn(threads[i]);
                if (place != null) {
                    where.merge(place, 1, Integer::sum);
                    return true;
                }
                if (outcomes.get(i) != null) {
                    throw new AssertionError(threads[i].getName() + " did not block: " + describe(outcomes.get(i)));
                }
                return false;
            });
            return pending.isEmpty();
        });
        if (!all) {
            Thread t = threads[pending.getFirst()];
            throw new AssertionError(pending.size() + " of " + threads.length + " threads not parked after " + timeout
                    + "; parked so far: " + where + "; " + t.getName() + " is " + t.getState() + " at\n\t"
                    + String.join("\n\t", Arrays.stream(t.getStackTrace()).map(String::valueOf).toList()));
        }
        return where;
    }

    /**
     * Where a virtual thread parks in the library: the frame that called the JDK's parking
     * machinery, or null if the thread is not parked or parked elsewhere (a JDK lock the
     * library takes on its way, which is not the wait).
     */
    static String parkedIn(Thread t) {
        Thread.State state = t.getState();
        if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
            return null;
        }
        for (StackTraceElement frame : t.getStackTrace()) {
            String type = frame.getClassName();
            if (PARKING.stream().anyMatch(type::startsWith)) {
                continue;
            }
            return type.startsWith(LIBRARY) ? type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethodName()
                    : null;
        }
        return null;
    }

    /**
     * Waits until every thread has ended.
     *
     * @param timeout how long all may take
     * @throws AssertionError if one is still running when the time has passed
     */
    void awaitEnded(Duration timeout) throws InterruptedException {
        Deadline deadline = Deadline.after(timeout);
        for (Thread t : threads) {
            if (!t.join(deadline.remaining())) {
                throw new AssertionError(t.getName() + " still " + t.getState() + " after " + timeout + " at\n\t"
                        + String.join("\n\t", Arrays.stream(t.getStackTrace()).map(String::valueOf).toList()));
            }
        }
    }

    /**
     * Waits until thread {@code i} has ended.
     *
     * @param timeout how long it may take
     * @throws AssertionError if it is still running when the time has passed
     */
    void awaitEnded(int i, Duration timeout) throws InterruptedException {
        if (!threads[i].join(timeout)) {
            throw new AssertionError(threads[i].getName() + " still " + threads[i].getState() + " after " + timeout);
        }
    }

    /** {@return how many threads have ended} */
    int ended() {
        int count = 0;
        for (int i = 0; i < threads.length; i++) {
            if (outcomes.get(i) != null) {
                count++;
            }
        }
        return count;
    }

    /** Interrupts every thread still running: the last resort that releases a wait a test left. */
    void interruptRemaining() {
        for (Thread t : threads) {
            if (t.isAlive()) {
                t.interrupt();
            }
        }
    }

    /** {@return what thread {@code i} returned ({@link #RETURNED} for null) or threw; null while it runs} */
    Object outcome(int i) {
        return outcomes.get(i);
    }

    /** {@return whether thread {@code i} still had its interrupt status set when its call ended} */
    boolean interruptedAfter(int i) {
        return interruptedAfter.get(i) == 1;
    }

    /** Describes an outcome: the value, or the exception's class and message. */
    static String describe(Object outcome) {
        if (outcome instanceof Throwable t) {
            return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        }
        return String.valueOf(outcome);
    }
}
