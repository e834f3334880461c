package org.panamaipc.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command that starts another JVM running a class of these examples the way this one
 * runs: on the module path if this is a named module, else on the class path, with native
 * access enabled for the library in either case.
 */
final class SecondJvm {

    private SecondJvm() {}

    /**
     * Builds the command.
     *
     * @param main the class whose {@code main} the other JVM runs
     * @param args its arguments
     * @return {@code java ... main args}
     */
    static List<String> command(Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (main.getModule().isNamed()) {
            command.addAll(List.of("--enable-native-access=org.panamaipc",
                    "--module-path", System.getProperty("jdk.module.path"),
                    "--module", main.getModule().getName() + "/" + main.getName()));
        } else {
            command.addAll(List.of("--enable-native-access=ALL-UNNAMED",
                    "--class-path", System.getProperty("java.class.path"), main.getName()));
        }
        command.addAll(List.of(args));
        return command;
    }

    /** {@return how this JVM runs the examples, for their output} */
    static String mode() {
        return SecondJvm.class.getModule().isNamed() ? "module path" : "class path";
    }
}
