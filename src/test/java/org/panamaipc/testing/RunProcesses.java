package org.panamaipc.testing;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The processes of this test run: the test JVM, every peer the harness started, and every
 * descendant of the JVM any leak check has seen. {@link LeakCheck} counts a System V object
 * as this run's when the kernel names one of them as its creator or last user.
 *
 * <p>A process the run started without the harness and that ended between two checks
 * (a {@code sh -c 'ipcmk ...'} grandchild, say) is not known here: objects only it touched
 * are taken for another program's. Start processes that create objects through
 * {@link PeerProcess} (or {@link PeerJvm}, {@link PythonPeer}), which registers them.
 */
public final class RunProcesses {

    private static final Set<Long> PIDS = ConcurrentHashMap.newKeySet();

    static {
        PIDS.add(ProcessHandle.current().pid());
    }

    private RunProcesses() {}

    /**
     * Records a process this run started.
     *
     * @param pid its process id
     */
    public static void started(long pid) {
        PIDS.add(pid);
    }

    /**
     * Records processes seen among the JVM's descendants.
     *
     * @param pids their process ids
     */
    static void seen(Collection<Long> pids) {
        PIDS.addAll(pids);
    }

    /**
     * Tells whether any of these processes belongs to this run.
     *
     * @param pids process ids the kernel recorded for an object; 0 (none recorded) is ignored
     * @return true if one of them is the JVM, a peer it started or a descendant seen
     */
    static boolean includesAny(Collection<Long> pids) {
        return pids.stream().anyMatch(PIDS::contains);
    }
}
