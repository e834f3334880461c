package org.panamaipc.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

/**
 * What every blocking call of the library must do when interrupted, closed or waited on by
 * many threads, as one check each mechanism's tests run against its own calls.
 */
public final class BlockingChecks {
    /** x86_64 {@code futex}: sem_wait, pthread mutex and condition waits, FUTEX_WAIT. */
    public static final int FUTEX = 202;
    /** x86_64 {@code semtimedop}, which glibc's {@code semop} makes too. */
    public static final int SEMTIMEDOP = 220;
    /** How soon an interrupted call must end. */
    public static final long PROMPT_MILLIS = 100;

    private BlockingChecks() {
    }

    /**
     * Starts {@code call} on its own thread, waits until it sleeps in {@code syscall} (and, if
     * {@code waiting} is given, until the object's engine counts it as blocked), interrupts it
     * and checks that it ends within {@value #PROMPT_MILLIS} ms with {@code expected}, its
     * interrupt status still set.
     *
     * @param syscall the x86_64 system call the blocked thread sleeps in
     * @param waiting how many threads the object's engine counts as blocked, or {@code null}
     * @param call the blocking call
     * @param expected what the interrupted call throws
     * @throws Exception if the call cannot be started or waited for
     */
    public static void interruptEndsTheCallPromptly(int syscall, IntSupplier waiting, Callable<?> call,
            Class<? extends Throwable> expected) throws Exception {
        boolean[] stillInterrupted = new boolean[1];
        Blocked<Object> blocked = Blocked.start(syscall, () -> {
            try {
                return call.call();
            } finally {
                stillInterrupted[0] = Thread.currentThread().isInterrupted();
            }
        });
        if (waiting != null) {
            Deadline.after(Duration.ofSeconds(10)).await(() -> waiting.getAsInt() == 1, "the call is blocked");
        }
        long start = System.nanoTime();
        blocked.thread().interrupt();
        assertThatThrownBy(() -> blocked.get(Duration.ofSeconds(5))).hasCauseInstanceOf(expected);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(PROMPT_MILLIS);
        assertThat(stillInterrupted[0]).as("interrupt status kept").isTrue();
    }

    /**
     * The CPU share of this process over 2 s, the lowest of up to three windows: the JIT
     * compiler or the collector may work through one window, while waiters that spin (the
     * fault this looks for: 190 % of two CPUs) would fill every one.
     */
    private static double quietestShareOfOneCpu() throws InterruptedException {
        double lowest = Double.MAX_VALUE;
        for (int i = 0; i < 3 && lowest >= 0.05; i++) {
            lowest = Math.min(lowest, ProcessCpu.shareOfOneCpu(Duration.ofSeconds(2)));
        }
        return lowest;
    }

    /**
     * Blocks 1,000 platform threads in {@code wait}, checks that they cost (almost) no CPU,
     * gives once and checks that exactly one waiter got it, then closes and checks that the
     * other 999 were released with {@link AsynchronousCloseException} and none is left.
     *
     * @param wait the blocking call each thread makes
     * @param blocked how many threads the object's engine counts as blocked now
     * @param give what makes one wait complete
     * @param close closes the object
     * @param <T> what the call returns
     * @return what the one completed call returned
     * @throws Exception if giving fails
     */
    public static <T> T aThousandWaitersCostNothing(Callable<T> wait, IntSupplier blocked, Callable<?> give,
            Runnable close) throws Exception {
        int count = 1000;
        List<CompletableFuture<T>> waiters = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            CompletableFuture<T> f = new CompletableFuture<>();
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
            assertThat(quietestShareOfOneCpu()).isLessThan(0.05);
            give.call();
            BooleanSupplier oneDone = () -> waiters.stream().filter(CompletableFuture::isDone).count() == 1;
            Deadline.after(Duration.ofSeconds(10)).await(oneDone, "one waiter done");
        } finally {
            close.run();
        }
        T result = null;
        int got = 0;
        int released = 0;
        for (CompletableFuture<T> f : waiters) {
            try {
                result = f.get(30, TimeUnit.SECONDS);
                got++;
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(AsynchronousCloseException.class);
                released++;
            }
        }
        assertThat(got).isEqualTo(1);
        assertThat(released).isEqualTo(count - 1);
        assertThat(blocked.getAsInt()).isZero();
        return result;
    }
}
