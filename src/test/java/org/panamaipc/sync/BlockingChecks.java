package org.panamaipc.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InterruptedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.panamaipc.testing.Blocked;
import org.panamaipc.testing.Deadline;
import org.panamaipc.testing.ProcessCpu;

/** What every blocking call of the package must do when interrupted, closed or waited on by many. */
final class BlockingChecks {
    /** x86_64 {@code futex}: sem_wait, pthread mutex and condition waits, FUTEX_WAIT. */
    static final int FUTEX = 202;
    /** x86_64 {@code semtimedop}, which glibc's {@code semop} makes too. */
    static final int SEMTIMEDOP = 220;

    private BlockingChecks() {
    }

    /**
     * Starts {@code call} on its own thread, waits until it sleeps in {@code syscall} with the
     * object's engine counting it as blocked, interrupts it and checks that it ends within
     * 100 ms with {@link InterruptedIOException}, its interrupt status still set.
     */
    static void interruptEndsTheCallPromptly(int syscall, IntSupplier waiting, Callable<?> call) throws Exception {
        boolean[] stillInterrupted = new boolean[1];
        Blocked<Object> blocked = Blocked.start(syscall, () -> {
            try {
                return call.call();
            } finally {
                stillInterrupted[0] = Thread.currentThread().isInterrupted();
            }
        });
        Deadline.after(Duration.ofSeconds(10)).await(() -> waiting.getAsInt() == 1, "the call is blocked");
        long start = System.nanoTime();
        blocked.thread().interrupt();
        assertThatThrownBy(() -> blocked.get(Duration.ofSeconds(5)))
                .hasCauseInstanceOf(InterruptedIOException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(100);
        assertThat(stillInterrupted[0]).as("interrupt status kept").isTrue();
    }

    /**
     * Blocks 1,000 platform threads in {@code wait}, checks that they cost (almost) no CPU,
     * gives once and checks that exactly one waiter got it, then closes and checks that the
     * other 999 were released with {@link AsynchronousCloseException}.
     *
     * @param wait the blocking call each thread makes
     * @param blocked how many threads are blocked now
     * @param give what makes one wait complete
     * @param close closes the object
     */
    static void aThousandWaitersCostNothing(Callable<?> wait, IntSupplier blocked,
            Callable<?> give, Runnable close) throws Exception {
        int count = 1000;
        List<CompletableFuture<Object>> waiters = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            CompletableFuture<Object> f = new CompletableFuture<>();
            Thread.ofPlatform().daemon().stackSize(256 * 1024).start(() -> {
                try {
                    f.complete(wait.call());
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
            waiters.add(f);
        }
        try {
            Deadline.after(Duration.ofSeconds(60)).await(() -> blocked.getAsInt() == count, "all waiters blocked");
            assertThat(ProcessCpu.shareOfOneCpu(Duration.ofSeconds(2))).isLessThan(0.05);
            give.call();
            BooleanSupplier oneDone = () -> waiters.stream().filter(CompletableFuture::isDone).count() == 1;
            Deadline.after(Duration.ofSeconds(10)).await(oneDone, "one waiter done");
        } finally {
            close.run();
        }
        int got = 0;
        int released = 0;
        for (CompletableFuture<Object> f : waiters) {
            try {
                f.get(30, TimeUnit.SECONDS);
                got++;
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(AsynchronousCloseException.class);
                released++;
            }
        }
        assertThat(got).isEqualTo(1);
        assertThat(released).isEqualTo(count - 1);
    }
}
