package org.panamaipc.cli;

import org.panamaipc.SysVKey;
import org.panamaipc.sync.SysVSemaphoreSet;

/** Removing System V semaphore sets, by key or by id. */
final class SysVSemaphores {
    private SysVSemaphores() {
    }

    static void remove(Integer key, int id) throws Exception {
        try (SysVSemaphoreSet set = key == null ? SysVSemaphoreSet.openId(id) : SysVSemaphoreSet.open(SysVKey.of(key))) {
            set.remove();
        }
    }
}
