package org.panamaipc.testing;

import java.io.File;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Starts a peer JVM: a {@code main} class from the test sources, run by the same JDK as the
 * test with the library, the test classes and native access.
 *
 * <p>The peer runs the way the test JVM does: when the tests run in the module
 * {@code org.panamaipc} (patched in by Surefire), the peer gets the same module path, the
 * test classes patched into the module, and {@code -m org.panamaipc/<main>}; when they run on
 * the class path (some IDEs), the peer gets the same class path. Its {@code main} may use only
 * the JDK and the library, with {@link Peer} for the line protocol: JUnit and AssertJ are not
 * there.
 *
 * <p>Peers start with flags that shorten JVM start-up, which dominates a cross-process test
 * ({@link #STARTUP_FLAGS}); {@link Builder#jvmArgs} come after them and so override them.
 * {@code --patch-module} turns class data sharing off, which makes a peer in the module
 * start markedly slower than one on the class path; {@link Builder#onClassPath()} trades
 * the module for that speed.
 *
 * <pre>{@code
 * try (PeerProcess peer = PeerJvm.start(EchoPeer.class, "--verbose")) {
 *     peer.expectReady();
 * }
 * }</pre>
 */
public final class PeerJvm {

    /**
     * The flags every peer JVM starts with: the serial collector and only the C1 compiler
     * (a peer is short-lived, so tiered compilation and GC threads cost more than they save
     * on 2 cores), no perf-data file in /tmp, assertions on, UTF-8 on stdout and stderr (the
     * line protocol's encoding).
     */
    public static final List<String> STARTUP_FLAGS = List.of(
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-XX:-UsePerfData",
            "-ea",
            "-Dstdout.encoding=UTF-8",
            "-Dstderr.encoding=UTF-8");

    private PeerJvm() {}

    /**
     * Starts {@code main} in a peer JVM with the default options.
     *
     * @param main the class whose {@code main} the peer runs; in the test sources
     * @param args the program arguments
     * @return the running peer
     */
    public static PeerProcess start(Class<?> main, String... args) {
        return builder(main).start(args);
    }

    /**
     * Returns a builder to start {@code main} with extra JVM arguments or environment.
     *
     * @param main the class whose {@code main} the peer runs; in the test sources
     * @return a new builder
     */
    public static Builder builder(Class<?> main) {
        return new Builder(main);
    }

    /** Options of a peer JVM; each {@link #start} launches a new peer. */
    public static final class Builder {

        private final Class<?> main;
        private final List<String> jvmArgs = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private boolean classPath;
        private boolean nativeAccess = true;

        private Builder(Class<?> main) {
            this.main = Objects.requireNonNull(main, "main");
        }

        /**
         * Adds JVM arguments, placed after {@link #STARTUP_FLAGS} and before the main class.
         *
         * @param args e.g. {@code "-Xmx64m"}, {@code "-Dkey=value"}
         * @return this builder
         */
        public Builder jvmArgs(String... args) {
            jvmArgs.addAll(List.of(args));
            return this;
        }

        /**
         * Sets an environment variable of the peer, which otherwise inherits the test's.
         *
         * @param name the variable
         * @param value its value
         * @return this builder
         */
        public Builder env(String name, String value) {
            environment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Runs the peer with the library and the test classes on the class path, even when
         * the tests run in the module.
         *
         * <p>The peer then starts faster ({@code --patch-module} turns class data sharing
         * off: on 2 cores, about 0.35 s instead of 0.5 s for a peer that makes a downcall),
         * but the library runs in the unnamed module: use it for peers that exercise the
         * public API only.
         *
         * @return this builder
         */
        public Builder onClassPath() {
            classPath = true;
            return this;
        }

        /**
         * Starts the peer without {@code --enable-native-access}, to see what a user who
         * forgot it sees.
         *
         * @return this builder
         */
        public Builder withoutNativeAccess() {
            nativeAccess = false;
            return this;
        }

        /**
         * Returns the command line that {@link #start} runs, for diagnostics.
         *
         * @param args the program arguments
         * @return the command: java executable, JVM arguments, main class, program arguments
         */
        public List<String> command(String... args) {
            List<String> command = new ArrayList<>();
            command.add(javaExecutable());
            command.addAll(STARTUP_FLAGS);
            command.addAll(jvmArgs);
            command.addAll(classPath ? classPathArguments(main) : launchArguments(main));
            if (!nativeAccess) {
                command.removeIf(argument -> argument.startsWith("--enable-native-access="));
            }
            command.addAll(List.of(args));
            return command;
        }

        /**
         * Starts a peer JVM.
         *
         * @param args the program arguments
         * @return the running peer
         */
        public PeerProcess start(String... args) {
            ProcessBuilder builder = new ProcessBuilder(command(args));
            builder.environment().putAll(environment);
            return PeerProcess.start(main.getSimpleName(), builder);
        }
    }

    /** The java launcher of the JDK that runs the tests. */
    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Runs main the way the tests run: in the library's module, or else on the class path. */
    private static List<String> launchArguments(Class<?> main) {
        Module module = PeerJvm.class.getModule();
        if (!module.isNamed()) {
            return List.of("-cp", System.getProperty("java.class.path"),
                    "--enable-native-access=ALL-UNNAMED", main.getName());
        }
        if (main.getModule() != module) {
            throw new IllegalArgumentException(main + " is not in module " + module.getName());
        }
        String name = module.getName();
        Path moduleLocation = moduleLocation(module);
        Path testClasses = codeLocation(PeerJvm.class);
        List<String> arguments = new ArrayList<>(List.of(
                "--module-path", System.getProperty("jdk.module.path", moduleLocation.toString())));
        if (!testClasses.equals(moduleLocation)) {
            arguments.addAll(List.of("--patch-module", name + "=" + testClasses));
        }
        arguments.addAll(List.of(
                "--add-modules", name,
                "--enable-native-access=" + name,
                "-m", name + "/" + main.getName()));
        return arguments;
    }

    /** Runs main on the class path, with the library and the test classes. */
    private static List<String> classPathArguments(Class<?> main) {
        Module module = PeerJvm.class.getModule();
        if (!module.isNamed()) {
            return launchArguments(main);
        }
        String classPath = String.join(File.pathSeparator,
                codeLocation(PeerJvm.class).toString(),
                System.getProperty("jdk.module.path", moduleLocation(module).toString()));
        return List.of("-cp", classPath, "--enable-native-access=ALL-UNNAMED", main.getName());
    }

    /** Where the module's own classes are: a directory or a jar on the module path. */
    private static Path moduleLocation(Module module) {
        URI location = module.getLayer().configuration().findModule(module.getName())
                .map(ResolvedModule::reference)
                .flatMap(ModuleReference::location)
                .orElseThrow(() -> new IllegalStateException("no location for module " + module.getName()));
        return Path.of(location);
    }

    /** Where a class was loaded from; for a test class, the patch directory. */
    private static Path codeLocation(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null) {
            throw new IllegalStateException("no code source for " + type);
        }
        try {
            return Path.of(source.getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bad code source location of " + type, e);
        }
    }
}
