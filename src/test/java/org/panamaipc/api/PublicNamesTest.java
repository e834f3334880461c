package org.panamaipc.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panamaipc.testing.IpcTest;

/**
 * Every exported package can be imported with a wildcard beside the others and beside what
 * {@code ipc shell} (jshell) imports, and every public type is still reachable by its simple
 * name: no two public types share one.
 */
@IpcTest
class PublicNamesTest {
    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern EXPORT = Pattern.compile("^\\s*exports\\s+(org\\.panamaipc[a-z.]*);", Pattern.MULTILINE);
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "^public\\s+(?:(?:abstract|final|sealed|non-sealed|static)\\s+)*(?:class|interface|record|enum|@interface)\\s+(\\w+)",
            Pattern.MULTILINE);
    /** jshell's DEFAULT startup, then what the {@code ipc} launcher adds. */
    private static final List<String> SHELL_IMPORTS = List.of("java.io", "java.math", "java.net", "java.nio.file",
            "java.util", "java.util.concurrent", "java.util.function", "java.util.prefs", "java.util.regex",
            "java.util.stream", "java.lang.foreign");

    private static List<String> exportedPackages() throws IOException {
        String moduleInfo = Files.readString(SOURCES.resolve("module-info.java"));
        List<String> packages = new ArrayList<>();
        Matcher m = EXPORT.matcher(moduleInfo);
        while (m.find()) {
            packages.add(m.group(1));
        }
        return packages;
    }

    /** Simple name to the fully qualified names of the public top-level types that have it. */
    private static Map<String, List<String>> publicTypes() throws IOException {
        Map<String, List<String>> types = new TreeMap<>();
        for (String pkg : exportedPackages()) {
            Path dir = SOURCES.resolve(pkg.replace('.', '/'));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = PUBLIC_TYPE.matcher(Files.readString(f));
                    if (m.find()) {
                        types.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(pkg + "." + m.group(1));
                    }
                }
            }
        }
        return types;
    }

    @Test
    void noTwoPublicTypesShareASimpleName() throws IOException {
        Map<String, List<String>> types = publicTypes();
        assertThat(types).hasSizeGreaterThan(50);
        assertThat(types.values()).allSatisfy(names -> assertThat(names).hasSize(1));
    }

    @Test
    void everyPackageImportedWithAWildcardCompiles(@TempDir Path dir) throws Exception {
        StringBuilder src = new StringBuilder();
        for (String pkg : SHELL_IMPORTS) {
            src.append("import ").append(pkg).append(".*;\n");
        }
        for (String pkg : exportedPackages()) {
            src.append("import ").append(pkg).append(".*;\n");
        }
        src.append("import java.time.Duration;\n\nclass EveryName {\n    Class<?>[] all = {\n");
        for (String simple : publicTypes().keySet()) {
            src.append("        ").append(simple).append(".class,\n");
        }
        src.append("    };\n}\n");
        Path file = dir.resolve("EveryName.java");
        Files.writeString(file, src);

        Path javac = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("javac");
        Process p = new ProcessBuilder(javac.toString(), "-d", dir.resolve("out").toString(),
                "--class-path", Path.of("target/classes").toAbsolutePath().toString(), file.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).isEmpty();
        assertThat(p.exitValue()).isZero();
    }
}
