package org.panamaipc.examples;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.panamaipc.process.ChildProcess;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.Memfd;
import org.panamaipc.socket.SocketPair;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixSocket;

/**
 * Descriptor passing with a C peer: Java compiles {@code upcase_peer.c} with {@code gcc},
 * starts it with one end of a Unix socket pair as its descriptor 3, writes text into a
 * memfd and sends the memfd's descriptor over the socket ({@code SCM_RIGHTS}); the C program
 * maps the same memory, upper-cases the text and answers one byte.
 */
public final class DescriptorsWithC {

    private DescriptorsWithC() {}

    /**
     * Runs the example.
     *
     * @param args none
     * @throws Exception if the example fails
     */
    public static void main(String[] args) throws Exception {
        Path source = SharedMemoryWithPython.extract("upcase_peer.c");
        Path program = Path.of(source + ".bin");
        try {
            Process gcc = new ProcessBuilder("gcc", "-O2", "-Wall", "-o", program.toString(), source.toString())
                    .inheritIO().start();
            if (gcc.waitFor() != 0) {
                throw new IllegalStateException("gcc failed");
            }
            exchange(program);
        } finally {
            Files.deleteIfExists(program);
            Files.delete(source);
        }
    }

    private static void exchange(Path program) throws Exception {
        try (SocketPair pair = UnixSocket.pair(SocketType.STREAM);
             Memfd memfd = Memfd.create("greeting", 4096);
             Mapping mapping = memfd.map();
             Arena arena = Arena.ofConfined();
             ChildProcess peer = ChildProcess.builder(program.toString()).mapFd(3, pair.second().fd()).start()) {
            pair.second().close();                                    // the peer has its own copy
            mapping.segment().setString(0, "hello from java, via a descriptor");
            MemorySegment one = arena.allocate(1);
            pair.first().sendDescriptors(one, memfd.fd());            // SCM_RIGHTS
            byte[] answer = new byte[1];
            if (pair.first().receive(answer) != 1) {
                throw new IllegalStateException("the C peer closed the socket: " + peer.waitFor(Duration.ofSeconds(5)));
            }
            System.out.println("memfd now reads: " + mapping.segment().getString(0));
            System.out.println("C peer " + peer.waitFor(Duration.ofSeconds(30)) + " (" + SecondJvm.mode() + ")");
        }
    }
}
