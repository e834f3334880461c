package org.panamaipc.testing;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What makes the POSIX named objects of this test run recognisable among those of every
 * other program on the machine: a prefix, chosen at random once per test JVM, that every
 * name the tests create starts with.
 *
 * <p>The kernel records no creator for POSIX shared memory, named semaphores and message
 * queues (System V objects carry creator and last-user pids, which {@link RunProcesses}
 * attributes), so {@link LeakCheck} knows this run's POSIX objects by their names alone and
 * looks at no other: objects of other programs created and removed meanwhile are never
 * counted. A test names every object it creates through {@link #prefix} or
 * {@link #uniqueName}, and passes those names to its peers.
 *
 * <pre>{@code
 * String name = PosixMessageQueue.uniqueName(TestRun.prefix("orders"));  // /pit1a2b3c4d-orders-...
 * }</pre>
 */
public final class TestRun {

    /** The prefix of every name this run creates, e.g. {@code pit1a2b3c4d}. */
    public static final String PREFIX = "pit" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());

    /** How POSIX named semaphores appear in /dev/shm: {@code sem.} and the name. */
    private static final String SEMAPHORE_FILE_PREFIX = "sem.";

    private TestRun() {}

    /**
     * Returns a prefix for a library {@code uniqueName(prefix)} call.
     *
     * @param what what the object is for, e.g. {@code orders}
     * @return {@link #PREFIX}, a dash and {@code what}
     */
    public static String prefix(String what) {
        return PREFIX + "-" + what;
    }

    /**
     * Returns a POSIX name no other object has, for objects a test names by hand.
     *
     * @param what what the object is for; letters, digits, {@code -_.}
     * @return a slash, {@link #prefix}, a dash and 16 random hexadecimal digits
     */
    public static String uniqueName(String what) {
        return "/" + prefix(what) + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    /**
     * Tells whether an entry of /dev/shm or /dev/mqueue names an object of this run.
     *
     * @param entry the entry, e.g. {@code /dev/shm/sem.pit1a2b3c4d-jobs-...}
     * @return true if its name, without the {@code sem.} of a named semaphore, starts with
     *     {@link #PREFIX}
     */
    static boolean owns(Path entry) {
        String name = entry.getFileName().toString();
        if (name.startsWith(SEMAPHORE_FILE_PREFIX)) {
            name = name.substring(SEMAPHORE_FILE_PREFIX.length());
        }
        return name.startsWith(PREFIX + "-");
    }
}
