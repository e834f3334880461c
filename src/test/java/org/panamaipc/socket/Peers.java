package org.panamaipc.socket;

/** Helper threads for tests that block one thread while another acts. */
public final class Peers {
    private Peers() {
    }

    /**
     * Runs a task on a daemon thread of its own, for {@code CompletableFuture.supplyAsync}
     * (the common pool may have a single thread on 2 cores, and blocked tasks would starve it).
     *
     * @param task the task
     */
    public static void daemon(Runnable task) {
        Thread.ofPlatform().daemon().name("test-helper").start(task);
    }
}
