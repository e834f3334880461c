package org.panamaipc.cli.tour;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The tour's handle on its peer process: a second JVM running {@link TourPeer} from the same
 * code, driven by lines on its standard input and answering on its standard output.
 */
final class Peer implements AutoCloseable {
    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(15);
    private static final String EOF = "\0eof";

    private final Process process;
    private final PrintStream toPeer;
    private final LinkedBlockingQueue<String> fromPeer = new LinkedBlockingQueue<>();
    private final StringBuffer stderr = new StringBuffer();
    private boolean busy;

    private Peer(Process process) {
        this.process = process;
        this.toPeer = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon().name("tour-peer-out").start(() -> pump(process, fromPeer));
        Thread.ofPlatform().daemon().name("tour-peer-err").start(() -> {
            try (var in = process.getErrorStream()) {
                stderr.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the peer is gone
            }
        });
    }

    private static void pump(Process process, LinkedBlockingQueue<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the peer is gone
        }
        lines.add(EOF);
    }

    /** Starts the peer JVM with the class or module path of this one and waits for its hello. */
    static Peer launch() throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        String modulePath = System.getProperty("jdk.module.path");
        if (modulePath != null && TourPeer.class.getModule().isNamed()) {
            command.add("--enable-native-access=org.panamaipc");
            command.add("-p");
            command.add(modulePath);
            command.add("-m");
            command.add("org.panamaipc/" + TourPeer.class.getName());
        } else {
            command.add("--enable-native-access=ALL-UNNAMED");
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(TourPeer.class.getName());
        }
        Peer peer = new Peer(new ProcessBuilder(command).start());
        try {
            peer.expect("hello");
        } catch (IOException | RuntimeException e) {
            peer.close();
            throw e;
        }
        return peer;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Tells the peer to run its end of {@code step} with {@code args} and waits until it is ready. */
    void start(TourStep step, String... args) throws IOException {
        busy = true;
        send("step\t" + step.id() + (args.length == 0 ? "" : "\t" + String.join("\t", args)));
        expect("ready");
    }

    /** Sends one line to the peer's step. */
    void send(String line) {
        toPeer.println(line);
    }

    /** Waits for the peer's next line, which must start with {@code prefix}; returns it. */
    String expect(String prefix) throws IOException {
        String line;
        try {
            line = fromPeer.poll(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the peer");
        }
        if (line == null) {
            throw new IOException("the peer did not answer within " + REPLY_TIMEOUT.toSeconds() + " s (waiting for \"" + prefix + "\")");
        }
        if (line.equals(EOF)) {
            throw new IOException("the peer exited: " + lastLine(stderr.toString()));
        }
        if (line.equals("done") || line.startsWith("error ")) {
            busy = false;
        }
        if (line.startsWith("error ")) {
            throw new IOException("peer: " + line.substring(6));
        }
        if (!line.startsWith(prefix)) {
            throw new IOException("the peer said \"" + line + "\", expected \"" + prefix + "...\"");
        }
        return line;
    }

    /** Waits for the peer's step to end. */
    void finish() throws IOException {
        expect("done");
    }

    /**
     * After a step failed on the tour's side: waits for the peer's end of it to finish (every
     * peer end gives up within its own timeouts), so the next step starts in step.
     *
     * @return whether the peer is back in step
     */
    boolean resynchronize() {
        if (!busy) {
            return true;
        }
        long deadline = System.nanoTime() + REPLY_TIMEOUT.toNanos();
        try {
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                String line = fromPeer.poll(left, TimeUnit.NANOSECONDS);
                if (line == null || line.equals(EOF)) {
                    return false;
                }
                if (line.equals("done") || line.startsWith("error ")) {
                    busy = false;
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private static String lastLine(String text) {
        String t = text.strip();
        int nl = t.lastIndexOf('\n');
        return t.isEmpty() ? "(no message)" : nl < 0 ? t : t.substring(nl + 1);
    }

    /** Asks the peer to exit and waits for it; kills it if it does not go. Leaves no process behind. */
    @Override
    public void close() {
        try {
            toPeer.println("exit");
            toPeer.close();
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    void kill() {
        process.destroyForcibly();
    }
}
