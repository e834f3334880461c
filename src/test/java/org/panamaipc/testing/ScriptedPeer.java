package org.panamaipc.testing;

import java.io.IOException;

/**
 * A peer JVM that the harness's own tests drive one command per line:
 *
 * <ul>
 *   <li>{@code echo TEXT} prints TEXT;
 *   <li>{@code err TEXT} prints TEXT to stderr;
 *   <li>{@code env NAME} prints the environment variable NAME;
 *   <li>{@code property NAME} prints the system property NAME;
 *   <li>{@code module} prints the name of the module the peer runs in ({@code null} on the
 *       class path);
 *   <li>{@code spawn} starts {@code sleep 600} as a child process and prints its pid;
 *   <li>{@code fail TEXT} throws an exception with message TEXT (exit code 1);
 *   <li>{@code exit N} exits with status N.
 * </ul>
 *
 * <p>The program arguments are printed to stderr first, one line each; then it prints
 * {@value Peer#READY}. It returns when stdin ends.
 */
public final class ScriptedPeer {

    private ScriptedPeer() {}

    /**
     * Runs the peer.
     *
     * @param args lines to print to stderr before {@value Peer#READY}
     * @throws IOException if a child process cannot be started
     */
    public static void main(String[] args) throws IOException {
        for (String arg : args) {
            System.err.println(arg);
        }
        Peer.ready();
        for (String line; (line = Peer.readLine()) != null; ) {
            int space = line.indexOf(' ');
            String command = space < 0 ? line : line.substring(0, space);
            String argument = space < 0 ? "" : line.substring(space + 1);
            switch (command) {
                case "echo" -> Peer.println(argument);
                case "err" -> System.err.println(argument);
                case "env" -> Peer.println(System.getenv(argument));
                case "property" -> Peer.println(System.getProperty(argument));
                case "module" -> Peer.println(ScriptedPeer.class.getModule().getName());
                case "spawn" -> Peer.println(new ProcessBuilder("sleep", "600").start().pid());
                case "fail" -> throw new IllegalStateException(argument);
                case "exit" -> System.exit(Integer.parseInt(argument));
                default -> throw new IllegalArgumentException("unknown command: " + line);
            }
        }
    }
}
