package org.panamaipc.process;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.panamaipc.pipe.Pipe;

/**
 * A peer JVM, started with a low descriptor limit: takes every descriptor left, starts a child,
 * prints the failure and then the children it still has (from {@code /proc}), which must be none.
 */
public final class NoDescriptorsLeftPeer {
    private NoDescriptorsLeftPeer() {
    }

    /**
     * Runs the peer.
     *
     * @param args none
     * @throws IOException if {@code /proc} cannot be read
     */
    public static void main(String[] args) throws IOException {
        ChildProcess.Builder builder = ChildProcess.builder("sleep", "30")
                .openFd(1, Path.of("/dev/null"), StandardOpenOption.WRITE)
                .openFd(2, Path.of("/dev/null"), StandardOpenOption.WRITE);
        // load every class the start and its failure need while descriptors are free
        try (Pipe pipe = Pipe.open();
             ChildProcess warmUp = ChildProcess.builder("true").mapFd(3, pipe.sink()).closeFd(4)
                     .openFd(5, Path.of("/dev/null")).start()) {
            warmUp.waitFor();
        }
        try {
            PidFd.open(Integer.MAX_VALUE).close();
        } catch (IOException expected) {
            // ESRCH: the error path is loaded too
        }
        List<FileChannel> fillers = new ArrayList<>();
        String outcome;
        try {
            try {
                while (true) {
                    fillers.add(FileChannel.open(Path.of("/dev/null")));
                }
            } catch (IOException full) {
                // every descriptor is taken now
            }
            try (ChildProcess child = builder.start()) {
                outcome = "started " + child;
            } catch (IOException e) {
                outcome = "failed: " + e.getMessage();
            }
        } finally {
            for (FileChannel p : fillers) {
                p.close();
            }
        }
        System.out.println(outcome);
        System.out.println("children=" + children());
    }

    private static List<String> children() throws IOException {
        List<String> all = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                String c = Files.readString(t.resolve("children")).trim();
                if (!c.isEmpty()) {
                    all.addAll(List.of(c.split(" ")));
                }
            }
        }
        return all;
    }
}
