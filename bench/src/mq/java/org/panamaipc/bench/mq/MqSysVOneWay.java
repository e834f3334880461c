package org.panamaipc.bench.mq;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.OneWayBenchmark;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.mq.SysVMessage;
import org.panamaipc.mq.SysVMessageQueue;

/**
 * System V message queues, one way: 64-byte {@code send(SysVMessage)} into a private queue
 * that a peer JVM drains with {@code receive(SysVMessage, TypeFilter)}. C: {@code bench/c/mq_sysv.c}.
 */
public class MqSysVOneWay extends OneWayBenchmark {
    private final Arena arena = Arena.ofShared();
    private final SysVMessage out = SysVMessage.allocate(arena, Messages.ONE_WAY_BYTES);
    private SysVMessageQueue down;
    private long seq;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        down = SysVMessageQueue.createPrivate();
        out.type(1).length(Messages.ONE_WAY_BYTES);
        return Peer.jvm(placement, MqPeer.class, "sysv-sink", Integer.toString(down.id()), "-");
    }

    @Override
    protected void send() throws Exception {
        out.text().set(ValueLayout.JAVA_LONG, 0, ++seq);
        down.send(out);
    }

    @Override
    protected void tearDown() throws Exception {
        if (down != null) {
            down.remove();
            down.close();
        }
        arena.close();
    }
}
