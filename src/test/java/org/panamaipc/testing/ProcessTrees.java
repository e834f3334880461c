package org.panamaipc.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/** Finds and kills the processes a peer left behind. */
final class ProcessTrees {

    private ProcessTrees() {}

    /**
     * Tells whether a process still runs: alive and not a zombie.
     *
     * <p>{@link ProcessHandle#isAlive()} counts a zombie as alive, and a killed grandchild stays
     * a zombie until its new parent (init, which here reaps lazily) collects it; a zombie holds
     * no descriptor, memory or IPC attachment any more, so for tests it is gone.
     *
     * @param process the process
     * @return true if it exists and is not a zombie
     */
    static boolean isRunning(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // The state follows the command name, which is in parentheses and may hold spaces.
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    /**
     * Returns the running descendants of {@code process}: children, grandchildren and so on.
     *
     * @param process the root process
     * @return its running descendants; empty once it has died, for then they are orphaned
     */
    static List<ProcessHandle> runningDescendants(ProcessHandle process) {
        return process.descendants().filter(ProcessTrees::isRunning).toList();
    }

    /**
     * Sends SIGKILL to each process and waits until none runs any more.
     *
     * @param processes the processes, none of them a child whose exit status matters
     * @param deadline when to give up
     * @return true if all are gone in time
     */
    static boolean kill(Collection<ProcessHandle> processes, Deadline deadline) {
        processes.forEach(ProcessHandle::destroyForcibly);
        return deadline.poll(() -> processes.stream().noneMatch(ProcessTrees::isRunning));
    }
}
