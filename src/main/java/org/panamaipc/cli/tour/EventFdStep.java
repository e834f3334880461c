package org.panamaipc.cli.tour;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.panamaipc.OwnedFd;
import org.panamaipc.socket.ReceivedMessage;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixServerSocket;
import org.panamaipc.socket.UnixSocket;
import org.panamaipc.sync.EventFd;

/**
 * eventfd: the tour makes two counters and passes both descriptors to the peer over a Unix
 * socket; then each round adds the round number to one and the peer adds it back on the other.
 */
final class EventFdStep implements TourStep {
    static final int ROUNDS = 500;
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Override
    public String id() {
        return "eventfd";
    }

    @Override
    public String mechanism() {
        return "eventfd (passed over a socket)";
    }

    @Override
    public Exchange lead(Peer peer, Scratch scratch) throws Exception {
        Path path = scratch.path("eventfd.sock");
        long[] nanos = new long[ROUNDS];
        try (Arena arena = Arena.ofConfined();
             EventFd there = EventFd.create(0, EventFd.Mode.COUNTER);
             EventFd back = EventFd.create(0, EventFd.Mode.COUNTER);
             UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, UnixDomainSocketAddress.of(path))
                     .unlinkOnClose()) {
            peer.start(this, path.toString());
            try (UnixSocket s = server.accept(TIMEOUT)) {
                if (s == null) {
                    throw new IOException("the peer did not connect within " + TIMEOUT.toSeconds() + " s");
                }
                s.sendDescriptors(arena.allocate(1), there.fd(), back.fd());
                for (int i = 0; i < ROUNDS; i++) {
                    long t0 = System.nanoTime();
                    there.signal(i + 1);
                    long got = back.await(TIMEOUT);
                    nanos[i] = System.nanoTime() - t0;
                    if (got != i + 1) {
                        return Exchange.failed(what(), nanos, "round " + i + ": counter " + got + ", expected " + (i + 1));
                    }
                }
            }
        }
        peer.finish();
        return Exchange.verified(what(), nanos);
    }

    private static String what() {
        return ROUNDS + " counter round trips, each value checked";
    }

    @Override
    public void follow(List<String> args, PeerSide side) throws Exception {
        side.ready();
        try (Arena arena = Arena.ofConfined();
             UnixSocket s = UnixSocket.connect(SocketType.STREAM, UnixDomainSocketAddress.of(args.get(0)))) {
            MemorySegment buffer = arena.allocate(1);
            List<OwnedFd> fds;
            try (ReceivedMessage m = s.receiveMessage(buffer, 2, TIMEOUT)) {
                if (m == null || m.descriptors().size() != 2) {
                    throw new IOException("no two eventfds within " + TIMEOUT.toSeconds() + " s");
                }
                fds = List.of(m.descriptors().get(0).dup(), m.descriptors().get(1).dup());
            }
            try (EventFd requests = EventFd.adopt(fds.get(0), EventFd.Mode.COUNTER);
                 EventFd answers = EventFd.adopt(fds.get(1), EventFd.Mode.COUNTER)) {
                for (int i = 0; i < ROUNDS; i++) {
                    long v = requests.await(TIMEOUT);
                    if (v == 0) {
                        throw new IOException("round " + i + ": nothing within " + TIMEOUT.toSeconds() + " s");
                    }
                    answers.signal(v);
                }
            }
        }
    }
}
