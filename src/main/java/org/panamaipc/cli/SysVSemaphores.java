package org.panamaipc.cli;

/** Removing System V semaphore sets: needs {@code org.panamaipc.sync}, not in this build yet. */
final class SysVSemaphores {
    private SysVSemaphores() {
    }

    static void remove(Integer key, int id) {
        throw new UnsupportedOperationException("System V semaphore sets are not in this build (org.panamaipc.sync)");
    }
}
