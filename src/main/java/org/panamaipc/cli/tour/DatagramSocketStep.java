package org.panamaipc.cli.tour;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.panamaipc.socket.ReceivedMessage;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixSocket;
import org.panamaipc.socket.UnixSocketOptions;

/**
 * Unix domain datagram sockets: each end binds a path of its own, and every message is one
 * datagram, received whole. The first one tells the tour the peer's address.
 */
final class DatagramSocketStep implements TourStep {
    static final int ROUNDS = 200;

    @Override
    public String id() {
        return "dgram";
    }

    @Override
    public String mechanism() {
        return "Unix datagram socket";
    }

    @Override
    public Exchange lead(Peer peer, Scratch scratch) throws Exception {
        Path mine = scratch.path("tour-dgram.sock");
        Path theirs = scratch.path("tour-dgram-peer.sock");
        long[] nanos = new long[ROUNDS];
        try (UnixSocket s = UnixSocket.bind(SocketType.DATAGRAM, UnixDomainSocketAddress.of(mine)).unlinkOnClose();
             Arena arena = Arena.ofConfined()) {
            scratch.onCleanup(() -> java.nio.file.Files.deleteIfExists(theirs));
            s.setOption(UnixSocketOptions.SO_RCVTIMEO, UnixSocketStep.TIMEOUT); // a lost peer sends no end of file
            peer.start(this, mine.toString(), theirs.toString());
            MemorySegment hello = arena.allocate(Rounds.SIZE);
            try (ReceivedMessage m = s.receiveFrom(hello)) {
                if (!UnixDomainSocketAddress.of(theirs).equals(m.sender())) {
                    return Exchange.failed(what(), nanos, "the first datagram came from " + m.sender() + ", not " + theirs);
                }
            }
            s.connect(UnixDomainSocketAddress.of(theirs));
            byte[] reply = new byte[2 * Rounds.SIZE];
            for (int i = 0; i < ROUNDS; i++) {
                byte[] payload = Rounds.payload(i);
                long t0 = System.nanoTime();
                s.send(payload);
                int n = s.receive(reply);
                nanos[i] = System.nanoTime() - t0;
                if (n != Rounds.SIZE || !Rounds.isAnswer(payload, java.util.Arrays.copyOf(reply, n))) {
                    return Exchange.failed(what(), nanos, "round " + i + ": wrong answer (" + n + " bytes)");
                }
            }
        }
        peer.finish();
        return Exchange.verified(what(), nanos);
    }

    private static String what() {
        return ROUNDS + " round trips of one " + Rounds.SIZE + "-byte datagram, sender's address from recvmsg";
    }

    @Override
    public void follow(List<String> args, PeerSide side) throws Exception {
        Path own = Path.of(args.get(1));
        try (UnixSocket s = UnixSocket.bind(SocketType.DATAGRAM, UnixDomainSocketAddress.of(own)).unlinkOnClose()) {
            s.connect(UnixDomainSocketAddress.of(args.get(0)));
            side.ready();
            s.send(new byte[] {'h', 'i'});
            byte[] b = new byte[Rounds.SIZE];
            for (int i = 0; i < ROUNDS; i++) {
                int n = s.receive(b);
                s.send(Rounds.answer(java.util.Arrays.copyOf(b, n)));
            }
        }
    }
}
