package org.panamaipc.vthreads;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.testing.Deadline;

/**
 * The negative control of {@link Counter}: virtual threads that do what the library must not,
 * block their carriers, each reading an empty pipe in a plain {@code read(2)} downcall (which
 * the JDK cannot unmount). With every carrier held so, the counter must stop; once the pipes
 * are written, it must count again. A witness that counts on regardless would prove nothing.
 */
final class CarrierBlockers {
    private static final MethodHandle READ = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("read").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG));
    /** How long the counter is watched while the carriers are held: it must not count meanwhile. */
    private static final Duration STALL = Duration.ofMillis(500);

    private CarrierBlockers() {
    }

    /**
     * Blocks every carrier, checks that the counter stops, releases them, checks that it counts
     * again.
     *
     * @return the facts: {@code carriers}, {@code blocked} (threads that got into the read),
     *         {@code counterStopped}, {@code countedWhileHeld}, {@code counterResumedMicros}
     */
    static Facts check() throws Exception {
        int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
        int n = 2 * carriers;
        Facts facts = new Facts().put("carriers", carriers);
        List<Pipe> pipes = new ArrayList<>(n);
        List<Thread> blockers = new ArrayList<>(n);
        AtomicInteger blocked = new AtomicInteger();
        boolean released = false;
        try (Counter counter = new Counter(); Arena arena = Arena.ofShared()) {
            counter.awaitProgress(Counter.PROGRESS, DescriptorWaits.TIMEOUT);
            warmUp(arena);
            for (int i = 0; i < n; i++) {
                Pipe pipe = Pipe.open();
                pipes.add(pipe);
                int fd = pipe.source().fd().get();
                MemorySegment buffer = arena.allocate(1);
                blockers.add(Thread.ofVirtual().name("carrier-blocker-" + i).start(() -> {
                    blocked.incrementAndGet();
                    try {
                        long r = (long) READ.invokeExact(fd, buffer, 1L);
                        assert r == 1 : r;
                    } catch (Throwable t) {
                        throw new AssertionError(t);
                    }
                }));
            }
            Deadline.after(DescriptorWaits.TIMEOUT).await(() -> blocked.get() >= carriers,
                    "a virtual thread blocks each carrier");
            long from = counter.value();
            boolean stopped = !Deadline.after(STALL).poll(() -> counter.value() - from >= Counter.PROGRESS);
            facts.put("blocked", blocked.get()).put("counterStopped", stopped)
                    .put("countedWhileHeld", counter.value() - from);
            release(pipes);
            released = true;
            facts.put("counterResumedMicros", counter.awaitProgress(Counter.PROGRESS, DescriptorWaits.TIMEOUT));
            for (Thread t : blockers) {
                if (!t.join(DescriptorWaits.TIMEOUT)) {
                    throw new AssertionError(t + " still blocked");
                }
            }
        } finally {
            if (!released) {
                release(pipes);
            }
            pipes.forEach(Pipe::close);
        }
        return facts;
    }

    /**
     * Makes the first call of the downcall here, on a platform thread: it initializes the
     * downcall's stub class, and a blocker that waited for another to do so would park pinned
     * (class initialization), an event the pinning test would count against the library.
     */
    private static void warmUp(Arena arena) throws IOException {
        try (Pipe pipe = Pipe.open()) {
            pipe.sink().write(new byte[1], 0, 1);
            long r;
            try {
                r = (long) READ.invokeExact(pipe.source().fd().get(), arena.allocate(1), 1L);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
            if (r != 1) {
                throw new AssertionError("the warm-up read returned " + r);
            }
        }
    }

    /** Writes a byte into every pipe, which ends each blocked read. */
    private static void release(List<Pipe> pipes) throws IOException {
        for (Pipe p : pipes) {
            p.sink().write(new byte[1], 0, 1);
        }
    }
}
