package org.panamaipc.cli.tour;

import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixServerSocket;
import org.panamaipc.socket.UnixSocket;

/**
 * Unix domain seqpacket sockets: connected like a stream, but every send arrives as one
 * message with its boundary kept. The peer answers each payload with two messages, which
 * must arrive as two.
 */
final class SeqpacketSocketStep implements TourStep {
    static final int ROUNDS = 200;

    @Override
    public String id() {
        return "seqpacket";
    }

    @Override
    public String mechanism() {
        return "Unix seqpacket socket";
    }

    @Override
    public Exchange lead(Peer peer, Scratch scratch) throws Exception {
        Path path = scratch.path("tour-seqpacket.sock");
        long[] nanos = new long[ROUNDS];
        try (UnixServerSocket server = UnixServerSocket.create(SocketType.SEQPACKET, UnixDomainSocketAddress.of(path))
                .unlinkOnClose()) {
            peer.start(this, path.toString());
            try (UnixSocket s = UnixSocketStep.accept(server)) {
                byte[] buffer = new byte[2 * Rounds.SIZE];
                for (int i = 0; i < ROUNDS; i++) {
                    byte[] payload = Rounds.payload(i);
                    byte[] answer = Rounds.answer(payload);
                    long t0 = System.nanoTime();
                    s.send(payload);
                    int first = s.receive(buffer);
                    boolean firstRight = first == Rounds.SIZE / 2
                            && java.util.Arrays.equals(buffer, 0, first, answer, 0, first);
                    int second = s.receive(buffer);
                    nanos[i] = System.nanoTime() - t0;
                    if (!firstRight || second != Rounds.SIZE / 2
                            || !java.util.Arrays.equals(buffer, 0, second, answer, Rounds.SIZE / 2, Rounds.SIZE)) {
                        return Exchange.failed(what(), nanos, "round " + i + ": the two halves did not arrive as two"
                                + " messages (" + first + " and " + second + " bytes)");
                    }
                }
            }
        }
        peer.finish();
        return Exchange.verified(what(), nanos);
    }

    private static String what() {
        return ROUNDS + " round trips of " + Rounds.SIZE + " bytes answered in two messages, boundaries kept";
    }

    @Override
    public void follow(List<String> args, PeerSide side) throws Exception {
        side.ready();
        try (UnixSocket s = UnixSocket.connect(SocketType.SEQPACKET, UnixDomainSocketAddress.of(args.get(0)))) {
            byte[] b = new byte[Rounds.SIZE];
            for (int i = 0; i < ROUNDS; i++) {
                Rounds.readFully(s::receive, b);
                byte[] answer = Rounds.answer(b);
                s.send(answer, 0, Rounds.SIZE / 2);
                s.send(answer, Rounds.SIZE / 2, Rounds.SIZE / 2);
            }
        }
    }
}
