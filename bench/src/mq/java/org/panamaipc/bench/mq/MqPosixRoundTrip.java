package org.panamaipc.bench.mq;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.Names;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.bench.infra.RoundTripBenchmark;
import org.panamaipc.mq.PosixMessage;
import org.panamaipc.mq.PosixMessageQueue;

/**
 * POSIX message queues, round trip: {@code send(MemorySegment, int)} of 8 bytes on one queue,
 * {@code receive(PosixMessage)} of the answer on another; the peer a JVM doing the same.
 * C: {@code bench/c/mq_posix.c}.
 */
public class MqPosixRoundTrip extends RoundTripBenchmark {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment out = arena.allocate(Messages.ROUND_TRIP_BYTES, 8);
    private final PosixMessage in = PosixMessage.allocate(arena, Messages.ONE_WAY_BYTES);
    private String downName;
    private String upName;
    private PosixMessageQueue down;
    private PosixMessageQueue up;
    private long seq;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        String name = "/" + Names.unique("mq");
        downName = name + "-down";
        upName = name + "-up";
        down = PosixMessageQueue.create(downName, MqPeer.CAPACITY, Messages.ONE_WAY_BYTES);
        up = PosixMessageQueue.create(upName, MqPeer.CAPACITY, Messages.ONE_WAY_BYTES);
        return Peer.jvm(placement, MqPeer.class, "posix-echo", downName, upName);
    }

    @Override
    protected long exchange() throws Exception {
        out.set(ValueLayout.JAVA_LONG, 0, ++seq);
        down.send(out, 0);
        up.receive(in);
        return in.buffer().get(ValueLayout.JAVA_LONG, 0);
    }

    @Override
    protected void tearDown() throws Exception {
        if (down != null) {
            down.close();
        }
        if (up != null) {
            up.close();
        }
        if (downName != null) {
            PosixMessageQueue.unlinkIfExists(downName);
            PosixMessageQueue.unlinkIfExists(upName);
        }
        arena.close();
    }
}
