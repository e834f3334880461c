package org.panamaipc.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.panamaipc.OwnedFd;
import org.panamaipc.shm.MappedFile;
import org.panamaipc.socket.ReceivedMessage;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixServerSocket;
import org.panamaipc.socket.UnixSocket;

/** {@code ipc fd}: passing open files between processes over a Unix socket (SCM_RIGHTS). */
final class FdCommands {
    private FdCommands() {
    }

    static List<Command> commands() {
        return List.of(
                new Cmd("fd send", "fd send SOCKET_PATH FILE...", """
                        Opens each FILE read-only, connects to the Unix stream socket at SOCKET_PATH
                        and passes all the descriptors in one message (SCM_RIGHTS).
                        """, Set.of(), Set.of(), FdCommands::send),
                new Cmd("fd recv", "fd recv SOCKET_PATH [--cat] [--timeout DURATION]", """
                        Listens on a new Unix stream socket at SOCKET_PATH (removed again on exit),
                        accepts one connection and receives one message of descriptors. For each
                        it prints one line: its index, what it refers to (readlink of
                        /proc/self/fd/N) and its size in bytes ("-" when it has none); --cat also
                        prints each one's contents after its line. "listening on SOCKET_PATH"
                        goes to stderr once the socket accepts connections. A message that carries
                        no descriptor, or a peer that closes without sending, is an error (exit 1).
                        """, Set.of("timeout"), Set.of("cat"), FdCommands::receive));
    }

    static int send(Args args, Io io) throws Exception {
        args.expect(2, Integer.MAX_VALUE);
        List<String> files = args.positional().subList(1, args.positional().size());
        if (files.size() > UnixSocket.MAX_DESCRIPTORS) {
            throw new UsageException("at most " + UnixSocket.MAX_DESCRIPTORS + " files fit in one message");
        }
        List<MappedFile> opened = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            for (String f : files) {
                opened.add(MappedFile.openReadOnly(Path.of(f)));
            }
            List<OwnedFd> fds = opened.stream().map(MappedFile::fd).toList();
            try (UnixSocket s = UnixSocket.connect(SocketType.STREAM, UnixDomainSocketAddress.of(args.get(0)))) {
                MemorySegment data = arena.allocate(1);
                data.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) fds.size());
                s.sendDescriptors(data, fds);
            }
        } finally {
            opened.forEach(MappedFile::close);
        }
        return Main.OK;
    }

    static int receive(Args args, Io io) throws Exception {
        args.expect(1, 1);
        var timeout = args.duration("timeout");
        try (UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM,
                UnixDomainSocketAddress.of(args.get(0))).unlinkOnClose()) {
            io.err().println("listening on " + args.get(0));
            try (UnixSocket s = timeout == null ? server.accept() : server.accept(timeout)) {
                if (s == null) {
                    io.err().println("ipc fd recv: no connection within " + args.option("timeout"));
                    return Main.FAILED;
                }
                try (Arena arena = Arena.ofConfined();
                     ReceivedMessage m = timeout == null
                             ? s.receiveMessage(arena.allocate(16), UnixSocket.MAX_DESCRIPTORS)
                             : s.receiveMessage(arena.allocate(16), UnixSocket.MAX_DESCRIPTORS, timeout)) {
                    if (m == null) {
                        io.err().println("ipc fd recv: no message within " + args.option("timeout"));
                        return Main.FAILED;
                    }
                    List<OwnedFd> fds = m.descriptors();
                    if (fds.isEmpty() && !m.descriptorsTruncated()) {
                        io.err().println("ipc fd recv: " + (m.length() <= 0
                                ? "the peer closed the connection without sending a message"
                                : "the message (" + m.length() + " bytes of data) carried no descriptor"));
                        return Main.FAILED;
                    }
                    for (int i = 0; i < fds.size(); i++) {
                        Path link = Path.of("/proc/self/fd/" + fds.get(i).get());
                        String target = Files.readSymbolicLink(link).toString();
                        String size = Files.isRegularFile(link) ? Long.toString(Files.size(link)) : "-";
                        io.out().println(i + "\t" + target + "\t" + size);
                        if (args.has("cat") && Files.isRegularFile(link)) {
                            io.out().write(Files.readAllBytes(link));
                            io.out().flush();
                        }
                    }
                    if (m.descriptorsTruncated()) {
                        io.err().println("ipc fd recv: more descriptors were sent than fit (MSG_CTRUNC)");
                        return Main.FAILED;
                    }
                }
            }
        }
        return Main.OK;
    }
}
