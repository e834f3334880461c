package org.panamaipc.mq;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.panamaipc.testing.Deadline;

/**
 * A call made on a thread of its own, that a test waits for until the thread is blocked in
 * the kernel: its {@code /proc/self/task/<tid>/syscall} shows one of the blocking calls the
 * queues make. No sleep: the condition is polled against a deadline.
 */
final class BlockedCall {
    /** x86_64 numbers of the calls a queue blocks in. */
    private static final Set<Integer> BLOCKING_SYSCALLS = Set.of(
            7,    // poll
            69,   // msgsnd
            70,   // msgrcv
            242,  // mq_timedsend (mq_send is a wrapper of it)
            243,  // mq_timedreceive
            271); // ppoll

    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** A call that may throw anything. */
    interface Call {
        void run() throws Exception;
    }

    private final String threadName;
    private final CompletableFuture<Throwable> outcome = new CompletableFuture<>();

    private BlockedCall(String threadName) {
        this.threadName = threadName;
    }

    /** Starts {@code call} on a new thread and waits until it blocks in the kernel. */
    static BlockedCall start(Call call) {
        BlockedCall b = new BlockedCall("mq-blocked-" + COUNTER.incrementAndGet());
        Thread.ofPlatform().daemon().name(b.threadName).start(() -> {
            try {
                call.run();
                b.outcome.complete(null);
            } catch (Throwable t) {
                b.outcome.complete(t);
            }
        });
        Deadline.after(Duration.ofSeconds(10)).await(() -> b.outcome.isDone() || b.inBlockingSyscall(),
                b.threadName + " blocks in the kernel");
        assertThat(b.outcome).as("the call should be blocked, not finished").isNotDone();
        return b;
    }

    /** What the call threw ({@code null} if it returned), waiting at most {@code timeout}. */
    Throwable outcome(Duration timeout) throws Exception {
        return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private boolean inBlockingSyscall() {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.anyMatch(task -> {
                try {
                    if (!Peers.readProc(task.resolve("comm").toString()).trim().equals(threadName)) {
                        return false;
                    }
                    String syscall = Peers.readProc(task.resolve("syscall").toString()).trim();
                    String first = syscall.split("\\s+")[0];
                    return first.matches("\\d+") && BLOCKING_SYSCALLS.contains(Integer.parseInt(first));
                } catch (UncheckedIOException gone) {
                    return false; // the thread ended meanwhile
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
