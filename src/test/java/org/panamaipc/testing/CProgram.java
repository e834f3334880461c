package org.panamaipc.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Builds a C peer from {@code src/test/resources/c} with gcc; aborts the test class where gcc is missing. */
public final class CProgram {
    private CProgram() {
    }

    /**
     * Compiles {@code /c/NAME.c} from the test resources into {@code dir/NAME} ({@code gcc -O2 -Wall}).
     *
     * @param name the program's name, without {@code .c}
     * @param dir where the source and the program go
     * @return the program
     * @throws Exception if gcc fails (with its output) or cannot be waited for
     */
    public static Path compile(String name, Path dir) throws Exception {
        Path source = dir.resolve(name + ".c");
        try (InputStream in = CProgram.class.getResourceAsStream("/c/" + name + ".c")) {
            Files.write(source, in.readAllBytes());
        }
        Path program = dir.resolve(name);
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-O2", "-Wall", "-o", program.toString(), source.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException noGcc) {
            Assumptions.abort("gcc is not installed");
            return null;
        }
        String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gcc.waitFor()).as("gcc: " + out).isZero();
        return program;
    }
}
