package org.panamaipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Sys;

/**
 * {@link Errno} holds every error number the C library knows, with the C library's own
 * {@code strerror} text, the header's value for each name, and the names Python's
 * {@code errno} module (built from the same headers) gives them.
 */
class ErrnoTest {
    /** The kernel's bound for error numbers returned as {@code -errno} (MAX_ERRNO). */
    private static final int MAX_ERRNO = 4095;
    private static final Map<String, Errno> ALIASES = Map.of(
            "EWOULDBLOCK", Errno.EAGAIN, "EDEADLOCK", Errno.EDEADLK, "ENOTSUP", Errno.EOPNOTSUPP);

    @Test
    void everyNumberTheCLibraryKnowsIsAConstantWithItsStrerrorText() {
        List<String> mismatches = new ArrayList<>();
        int known = 0;
        for (int n = 1; n <= MAX_ERRNO; n++) {
            String c = Sys.strerror(n);
            Errno e = Errno.of(n);
            if (c.equals("Unknown error " + n)) {
                if (e != null) {
                    mismatches.add(n + ": the C library knows no such error, Errno has " + e.name());
                }
                continue;
            }
            known++;
            if (e == null) {
                mismatches.add(n + ": missing, strerror says \"" + c + "\"");
            } else if (!e.message().equals(c)) {
                mismatches.add(e.name() + ": \"" + e.message() + "\", strerror says \"" + c + "\"");
            }
        }
        assertThat(known).isEqualTo(Errno.values().length);
        assertThat(mismatches).isEmpty();
    }

    /**
     * A constant of the bindings by name. Through a method handle looked up on {@code LibC}:
     * jextract splits a large header class into package-private parts ({@code LibC_1}) that
     * {@code LibC} extends, whose inherited methods reflection may not invoke.
     */
    private static int constant(String name) throws ReflectiveOperationException {
        try {
            return (int) java.lang.invoke.MethodHandles.lookup()
                    .findStatic(LibC.class, name, java.lang.invoke.MethodType.methodType(int.class)).invokeExact();
        } catch (ReflectiveOperationException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Test
    void everyConstantHasTheValueItsNameHasInTheHeaders() throws ReflectiveOperationException {
        List<String> mismatches = new ArrayList<>();
        for (Errno e : Errno.values()) {
            int header = constant(e.name());
            if (header != e.number()) {
                mismatches.add(e.name() + ": " + e.number() + ", <errno.h> says " + header);
            }
            if (Errno.of(e.number()) != e) {
                mismatches.add(e.name() + ": of(" + e.number() + ") gives " + Errno.of(e.number()));
            }
        }
        ALIASES.forEach((alias, canonical) -> {
            try {
                assertThat(constant(alias)).as(alias).isEqualTo(canonical.number());
            } catch (ReflectiveOperationException ex) {
                throw new AssertionError(alias, ex);
            }
        });
        assertThat(mismatches).isEmpty();
    }

    @Test
    void unknownNumbersAreDescribedByNumber() {
        assertThat(Errno.of(0)).isNull();
        assertThat(Errno.of(-2)).isNull();
        assertThat(Errno.of(41)).isNull();
        assertThat(Errno.of(MAX_ERRNO)).isNull();
        assertThat(Errno.describe(41)).isEqualTo("errno=41");
        assertThat(Errno.describe(2)).isEqualTo("ENOENT (No such file or directory)");
    }

    @Test
    @Timeout(60)
    void namesAndTextsAgreeWithPython() throws Exception {
        List<String> lines = python("""
                import errno, os
                for name in dir(errno):
                    if name.startswith('E'):
                        n = getattr(errno, name)
                        print(name, n, os.strerror(n), sep='\\t')
                """);
        assumeTrue(lines != null, "python3 is not installed");

        Map<String, Integer> pythonNames = new TreeMap<>();
        List<String> mismatches = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split("\t");
            String name = f[0];
            int number = Integer.parseInt(f[1]);
            pythonNames.put(name, number);
            Errno named = ALIASES.containsKey(name) ? ALIASES.get(name) : byName(name);
            if (named == null || named.number() != number) {
                mismatches.add(name + "=" + number + " in Python, Errno has " + named);
            } else if (!named.message().equals(f[2])) {
                mismatches.add(name + ": \"" + named.message() + "\", os.strerror says \"" + f[2] + "\"");
            }
        }
        assertThat(pythonNames).as("python's errno names").hasSizeGreaterThan(120);
        assertThat(mismatches).isEmpty();
    }

    private static Errno byName(String name) {
        return Arrays.stream(Errno.values()).filter(e -> e.name().equals(name)).findFirst().orElse(null);
    }

    /** Runs a python3 script; {@return its output lines, or null when there is no python3} */
    private static List<String> python(String script) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", script).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException noPython) {
            return null;
        }
        try {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("python3 finished").isTrue();
            assertThat(p.exitValue()).as("python3 exit status").isZero();
            return out.lines().toList();
        } finally {
            p.destroyForcibly();
        }
    }
}
