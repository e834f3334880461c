package org.panamaipc.testing;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * A JUnit extension that fails a test which leaves IPC objects, descriptors or processes
 * behind.
 *
 * <p>Before each test class and each test method it takes a snapshot of:
 * <ul>
 *   <li>System V shared memory segments, semaphore sets and message queues owned by this
 *       user ({@code /proc/sysvipc}, what {@code ipcs} shows);
 *   <li>POSIX shared memory objects and named semaphores of this user in {@code /dev/shm},
 *       and POSIX message queues in {@code /dev/mqueue} where that is mounted;
 *   <li>open descriptors of this JVM ({@code /proc/self/fd} with their targets), except the
 *       jar files, JDK files and random devices the JVM opens for itself;
 *   <li>running descendant processes of this JVM.
 * </ul>
 * After the method (after its {@code @AfterEach} methods) and after the class (after its
 * {@code @AfterAll} methods) it compares, and fails the method or the class with one line per
 * new object, for example:
 * <pre>
 * PipeTest.transfersBytes() leaked:
 *   System V shm id=5 key=0x00000000
 *   /dev/shm/orders
 *   fd 37 -&gt; pipe:[123]
 * </pre>
 * A leak is reported once: by the method that leaked it, or else by the class.
 *
 * <p>Some things are released asynchronously (the JDK closes the pipes of a finished child
 * process on its reaper thread), so a leak must persist for a short settling time, by default
 * {@value #DEFAULT_SETTLE}, before it is reported; the JUnit configuration parameter
 * {@value #SETTLE_PARAMETER} (an ISO-8601 duration) changes it. The first use in a JVM
 * {@linkplain JdkWarmUp warms up} what the JDK opens lazily and keeps for good.
 *
 * <p>Use it through {@link IpcTest}. Tests must not run concurrently with each other
 * (JUnit's default). System V objects and POSIX named objects are shared by every process of
 * the IPC namespace, so the check counts only this run's: a System V object when the kernel
 * records one of the run's processes ({@link RunProcesses}: the JVM, the peers it started) as
 * its creator or last user, or records none; a POSIX shared memory object, named semaphore or
 * message queue when its name carries the run's prefix ({@link TestRun}), which every name
 * the tests create does. Other programs may create and remove objects of every kind while
 * the suite runs in the machine's own namespaces. What the check cannot see, then: a POSIX
 * object a test names without the prefix; a System V object that only an unregistered,
 * already finished process of the run touched. And an object nobody has used yet (a System V
 * queue nobody sent to, a semaphore set nobody operated on) that another program keeps
 * through the whole settling time is counted. A leak must be there at every look during the
 * settling time, so objects that come and go meanwhile are none.
 */
public final class LeakCheck implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    /** The configuration parameter that sets how long a leak must persist to be reported. */
    public static final String SETTLE_PARAMETER = "panamaipc.leakcheck.settle";

    /** How long a leak must persist to be reported, unless configured otherwise. */
    public static final String DEFAULT_SETTLE = "PT1S";

    /** Why a leak of a named object may not be this test's, for whoever reads the failure. */
    private static final String SHARED_HINT = "(counted as this run's: a System V object that one of the run's processes"
            + " created or used last, or that no process has used yet; a POSIX name with the run's prefix "
            + TestRun.PREFIX + ")";

    private static final Namespace NAMESPACE = Namespace.create(LeakCheck.class);
    private static final String CLASS_SNAPSHOT = "class snapshot";
    private static final String METHOD_SNAPSHOT = "method snapshot";
    private static final String REPORTED = "reported";

    /** Creates the extension; JUnit does this for {@code @ExtendWith(LeakCheck.class)}. */
    public LeakCheck() {}

    @Override
    public void beforeAll(ExtensionContext context) {
        JdkWarmUp.once();
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        reported(store);
        store.put(CLASS_SNAPSHOT, IpcSnapshot.take());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        JdkWarmUp.once();
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        reported(store);
        store.put(METHOD_SNAPSHOT, IpcSnapshot.take());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        check(context, METHOD_SNAPSHOT,
                context.getRequiredTestClass().getSimpleName() + "." + context.getDisplayName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        check(context, CLASS_SNAPSHOT, context.getRequiredTestClass().getSimpleName());
    }

    private static void check(ExtensionContext context, String snapshotKey, String what) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        IpcSnapshot before = store.remove(snapshotKey, IpcSnapshot.class);
        if (before == null) {
            return; // the before callback failed, and said so
        }
        Set<String> reported = reported(store);
        Duration settle = context.getConfigurationParameter(SETTLE_PARAMETER, Duration::parse)
                .orElse(Duration.parse(DEFAULT_SETTLE));
        List<String> leaks = leaksThatPersist(before, reported, Deadline.after(settle));
        if (!leaks.isEmpty()) {
            reported.addAll(leaks);
            String hint = leaks.stream().anyMatch(IpcSnapshot::isShared) ? "\n" + SHARED_HINT : "";
            throw new AssertionError(what + " leaked:\n  " + String.join("\n  ", leaks) + hint);
        }
    }

    /**
     * Returns the leaks already reported in this class or an enclosing one, which the store
     * finds in the nearest enclosing context that has them.
     */
    @SuppressWarnings("unchecked")
    private static Set<String> reported(ExtensionContext.Store store) {
        return store.getOrComputeIfAbsent(REPORTED, key -> ConcurrentHashMap.<String>newKeySet(), Set.class);
    }

    /**
     * Compares with {@code before} until nothing new is left or the deadline passes; a leak
     * is what was new at every comparison, so an object that comes and goes meanwhile is none.
     */
    private static List<String> leaksThatPersist(IpcSnapshot before, Set<String> reported, Deadline deadline) {
        AtomicReference<List<String>> leaks = new AtomicReference<>();
        deadline.poll(() -> {
            List<String> now = IpcSnapshot.take().leaksSince(before).stream()
                    .filter(leak -> !reported.contains(leak))
                    .toList();
            List<String> earlier = leaks.get();
            leaks.set(earlier == null ? now : earlier.stream().filter(now::contains).toList());
            return leaks.get().isEmpty();
        });
        return leaks.get();
    }
}
