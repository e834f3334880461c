package org.panamaipc.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Sys;

/**
 * Runs a call on its own thread and waits, by the kernel's account, until the thread sleeps
 * in a system call: {@code /proc/self/task/TID/syscall} names the call a sleeping thread is
 * in, so no sleep is needed to know that the call has been entered.
 */
public final class Blocked<T> {
    /** x86_64 system call numbers. */
    public static final int READ = 0;
    /** x86_64 {@code write}. */
    public static final int WRITE = 1;
    /** x86_64 {@code poll}. */
    public static final int POLL = 7;
    /** x86_64 {@code epoll_wait}. */
    public static final int EPOLL_WAIT = 232;
    /** x86_64 {@code connect}. */
    public static final int CONNECT = 42;
    /** x86_64 {@code sendto}, which {@code send} makes. */
    public static final int SENDTO = 44;
    /** x86_64 {@code recvfrom}, which {@code recv} makes. */
    public static final int RECVFROM = 45;
    /** x86_64 {@code openat}. */
    public static final int OPENAT = 257;
    /** x86_64 {@code accept4}. */
    public static final int ACCEPT4 = 288;

    private final CompletableFuture<T> result = new CompletableFuture<>();
    private volatile long tid;
    private volatile Thread thread;

    private Blocked() {
    }

    /**
     * Starts {@code call} on a new platform thread and returns once it sleeps in {@code syscall}.
     *
     * @param syscall the system call number expected
     * @param call the call
     * @param <T> its result
     * @return the running call
     */
    public static <T> Blocked<T> start(int syscall, Callable<T> call) {
        Blocked<T> b = new Blocked<>();
        b.thread = Thread.ofPlatform().daemon().start(() -> {
            b.tid = Sys.syscall(LibC.SYS_gettid());
            try {
                b.result.complete(call.call());
            } catch (Throwable t) {
                b.result.completeExceptionally(t);
            }
        });
        Deadline.after(Duration.ofSeconds(10)).await(() -> b.result.isDone() || b.sleepsIn(syscall),
                "thread sleeps in system call " + syscall);
        return b;
    }

    private boolean sleepsIn(int syscall) {
        long t = tid;
        if (t == 0) {
            return false;
        }
        try {
            String s = Files.readString(Path.of("/proc/self/task/" + t + "/syscall")).trim();
            return s.startsWith(syscall + " ");
        } catch (IOException e) {
            return false;
        }
    }

    /** {@return the thread making the call} */
    public Thread thread() {
        return thread;
    }

    /** {@return the call's outcome} */
    public CompletableFuture<T> result() {
        return result;
    }

    /**
     * Waits for the call's result.
     *
     * @param timeout the longest wait
     * @return the result
     * @throws java.util.concurrent.ExecutionException with what the call threw as its cause
     * @throws Exception if the wait times out or is interrupted
     */
    public T get(Duration timeout) throws Exception {
        return result.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
}
