package org.panamaipc.reliability;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.panamaipc.testing.Deadline;

/**
 * One case of the reliability suite as a JUnit dynamic test: it runs in a {@link Scope} with a
 * preemptive timeout (a case that does not finish is a hang), and afterwards checks that this
 * JVM holds no descriptor it did not hold before (else a leak). The words {@code hang:} and
 * {@code leaked:} in a failure are what the suite's summary counts.
 */
final class Case {
    /** How long one case may take on a loaded machine before it counts as a hang. */
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** The body of a case. */
    @FunctionalInterface
    interface Body {
        /**
         * Runs the case.
         *
         * @param scope where everything the case makes is undone
         * @throws Throwable on failure
         */
        void run(Scope scope) throws Throwable;
    }

    static {
        // The first temporary directory opens the JDK's random devices for good: not a case's leak.
        try {
            Files.delete(Files.createTempDirectory("rel-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Case() {
    }

    /**
     * A case.
     *
     * @param name what it tries, e.g. {@code SharedMemory.create(String, long): name=null}
     * @param body what it does
     * @return the dynamic test
     */
    static DynamicTest of(String name, Body body) {
        return of(name, TIMEOUT, body);
    }

    /**
     * A case with a time limit of its own (a soak of a million messages).
     *
     * @param name what it tries
     * @param timeout how long it may take before it counts as a hang
     * @param body what it does
     * @return the dynamic test
     */
    static DynamicTest of(String name, Duration timeout, Body body) {
        return DynamicTest.dynamicTest(name, () -> run(name, timeout, body));
    }

    /**
     * A case that fails for a reason this change does not fix: it runs as aborted, counted as
     * disabled, with the reason, until the fix lands and the entry that names it goes.
     *
     * @param name what it tries
     * @param reason where the fix belongs
     * @return the dynamic test
     */
    static DynamicTest disabled(String name, String reason) {
        return DynamicTest.dynamicTest(name, () -> Assumptions.abort(reason));
    }

    private static void run(String name, Duration timeout, Body body) throws Throwable {
        Set<String> before = descriptors();
        assertTimeoutPreemptively(timeout, () -> {
            try (Scope scope = new Scope()) {
                body.run(scope);
            }
            return null;
        }, () -> "hang: " + name + " did not finish within " + timeout);
        Set<String> leaked = new TreeSet<>();
        Deadline.after(Duration.ofSeconds(2)).poll(() -> {
            leaked.clear();
            leaked.addAll(descriptors());
            leaked.removeAll(before);
            return leaked.isEmpty();
        });
        if (!leaked.isEmpty()) {
            throw new AssertionError(name + " leaked: " + leaked);
        }
    }

    /** {@return this JVM's open descriptors as {@code "N -> target"}} */
    static Set<String> descriptors() {
        Set<String> fds = new TreeSet<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : entries.toList()) {
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    if (!target.startsWith("/proc/") || !target.endsWith("/fd")) { // the listing's own descriptor
                        fds.add(p.getFileName() + " -> " + target);
                    }
                } catch (IOException closedMeanwhile) {
                    // gone between the listing and the read: not held
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fds;
    }
}
