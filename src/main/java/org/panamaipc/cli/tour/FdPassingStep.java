package org.panamaipc.cli.tour;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.Memfd;
import org.panamaipc.socket.ReceivedMessage;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixServerSocket;
import org.panamaipc.socket.UnixSocket;

/**
 * Descriptor passing: each round the tour fills a new memfd and passes its descriptor over a
 * Unix socket (SCM_RIGHTS); the peer maps what it received and answers with its contents.
 */
final class FdPassingStep implements TourStep {
    static final int ROUNDS = 50;
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Override
    public String id() {
        return "fd";
    }

    @Override
    public String mechanism() {
        return "descriptor passing (memfd)";
    }

    @Override
    public Exchange lead(Peer peer, Scratch scratch) throws Exception {
        Path path = scratch.path("fd.sock");
        long[] nanos = new long[ROUNDS];
        try (Arena arena = Arena.ofConfined();
             UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, UnixDomainSocketAddress.of(path))
                     .unlinkOnClose()) {
            peer.start(this, path.toString());
            MemorySegment one = arena.allocate(1);
            try (UnixSocket s = server.accept(TIMEOUT)) {
                if (s == null) {
                    throw new IOException("the peer did not connect within " + TIMEOUT.toSeconds() + " s");
                }
                byte[] reply = new byte[Rounds.SIZE];
                for (int i = 0; i < ROUNDS; i++) {
                    byte[] payload = Rounds.payload(i);
                    try (Memfd memfd = Memfd.create("ipc-tour-" + i, Rounds.SIZE)) {
                        try (Mapping m = memfd.map()) {
                            Rounds.put(m.segment(), 0, payload);
                        }
                        long t0 = System.nanoTime();
                        s.sendDescriptors(one, memfd.fd());
                        Rounds.readFully(s::receive, reply);
                        nanos[i] = System.nanoTime() - t0;
                    }
                    if (!Rounds.isAnswer(payload, reply)) {
                        return Exchange.failed(what(), nanos, "round " + i + ": wrong answer");
                    }
                }
            }
        }
        peer.finish();
        return Exchange.verified(what(), nanos);
    }

    private static String what() {
        return ROUNDS + " memfds passed, mapped and read by the peer";
    }

    @Override
    public void follow(List<String> args, PeerSide side) throws Exception {
        side.ready();
        try (Arena arena = Arena.ofConfined();
             UnixSocket s = UnixSocket.connect(SocketType.STREAM, UnixDomainSocketAddress.of(args.get(0)))) {
            MemorySegment buffer = arena.allocate(1);
            for (int i = 0; i < ROUNDS; i++) {
                byte[] contents;
                try (ReceivedMessage m = s.receiveMessage(buffer, 1, TIMEOUT)) {
                    if (m == null || m.descriptors().size() != 1) {
                        throw new IOException("round " + i + ": no descriptor within " + TIMEOUT.toSeconds() + " s");
                    }
                    try (Memfd memfd = Memfd.adopt(m.descriptors().getFirst().dup()); Mapping map = memfd.map()) {
                        contents = Rounds.bytes(map.segment(), 0, Rounds.SIZE);
                    }
                }
                Rounds.writeFully(s::send, Rounds.answer(contents));
            }
        }
    }
}
