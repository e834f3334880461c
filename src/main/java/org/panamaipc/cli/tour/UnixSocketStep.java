package org.panamaipc.cli.tour;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixServerSocket;
import org.panamaipc.socket.UnixSocket;

/** Unix domain stream sockets: the tour listens, the peer connects, and they talk. */
final class UnixSocketStep implements TourStep {
    static final int ROUNDS = 200;
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Override
    public String id() {
        return "socket";
    }

    @Override
    public String mechanism() {
        return "Unix domain socket";
    }

    @Override
    public Exchange lead(Peer peer, Scratch scratch) throws Exception {
        Path path = scratch.path("tour.sock");
        long[] nanos = new long[ROUNDS];
        String who;
        try (UnixServerSocket server = UnixServerSocket.create(SocketType.STREAM, UnixDomainSocketAddress.of(path))
                .unlinkOnClose()) {
            peer.start(this, path.toString());
            try (UnixSocket s = accept(server)) {
                long pid = s.peerCredentials().pid();
                if (pid != peer.pid()) {
                    return Exchange.failed(what(""), nanos, "SO_PEERCRED says pid " + pid + ", the peer is " + peer.pid());
                }
                who = ", peer pid from SO_PEERCRED";
                byte[] reply = new byte[Rounds.SIZE];
                for (int i = 0; i < ROUNDS; i++) {
                    byte[] payload = Rounds.payload(i);
                    long t0 = System.nanoTime();
                    Rounds.writeFully(s::send, payload);
                    Rounds.readFully(s::receive, reply);
                    nanos[i] = System.nanoTime() - t0;
                    if (!Rounds.isAnswer(payload, reply)) {
                        return Exchange.failed(what(""), nanos, "round " + i + ": wrong answer");
                    }
                }
            }
        }
        peer.finish();
        return Exchange.verified(what(who), nanos);
    }

    /** The peer's connection, accepted within {@link #TIMEOUT}. */
    static UnixSocket accept(UnixServerSocket server) throws IOException {
        UnixSocket s = server.accept(TIMEOUT);
        if (s == null) {
            throw new IOException("the peer did not connect within " + TIMEOUT.toSeconds() + " s");
        }
        return s;
    }

    private static String what(String who) {
        return ROUNDS + " round trips of " + Rounds.SIZE + " bytes" + who;
    }

    @Override
    public void follow(List<String> args, PeerSide side) throws Exception {
        side.ready();
        try (UnixSocket s = UnixSocket.connect(SocketType.STREAM, UnixDomainSocketAddress.of(args.get(0)))) {
            byte[] b = new byte[Rounds.SIZE];
            for (int i = 0; i < ROUNDS; i++) {
                Rounds.readFully(s::receive, b);
                Rounds.writeFully(s::send, Rounds.answer(b));
            }
        }
    }
}
