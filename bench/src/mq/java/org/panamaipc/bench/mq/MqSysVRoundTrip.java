package org.panamaipc.bench.mq;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.bench.infra.RoundTripBenchmark;
import org.panamaipc.mq.SysVMessage;
import org.panamaipc.mq.SysVMessageQueue;
import org.panamaipc.mq.TypeFilter;

/**
 * System V message queues, round trip: {@code send(SysVMessage)} of 8 bytes on one private
 * queue, {@code receive(SysVMessage, TypeFilter.any())} of the answer on another; the peer a
 * JVM doing the same. C: {@code bench/c/mq_sysv.c}.
 */
public class MqSysVRoundTrip extends RoundTripBenchmark {
    private final Arena arena = Arena.ofShared();
    private final SysVMessage out = SysVMessage.allocate(arena, Messages.ONE_WAY_BYTES);
    private final SysVMessage in = SysVMessage.allocate(arena, Messages.ONE_WAY_BYTES);
    private final TypeFilter any = TypeFilter.any();
    private SysVMessageQueue down;
    private SysVMessageQueue up;
    private long seq;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        down = SysVMessageQueue.createPrivate();
        up = SysVMessageQueue.createPrivate();
        out.type(1).length(Messages.ROUND_TRIP_BYTES);
        return Peer.jvm(placement, MqPeer.class, "sysv-echo", Integer.toString(down.id()), Integer.toString(up.id()));
    }

    @Override
    protected long exchange() throws Exception {
        out.text().set(ValueLayout.JAVA_LONG, 0, ++seq);
        down.send(out);
        up.receive(in, any);
        return in.text().get(ValueLayout.JAVA_LONG, 0);
    }

    @Override
    protected void tearDown() throws Exception {
        for (SysVMessageQueue q : new SysVMessageQueue[] {down, up}) {
            if (q != null) {
                q.remove();
                q.close();
            }
        }
        arena.close();
    }
}
