package org.panamaipc.bench.mq;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import org.openjdk.jmh.annotations.Param;
import org.panamaipc.bench.infra.OneWayBenchmark;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.mq.SysVMessage;
import org.panamaipc.mq.SysVMessageQueue;

/**
 * System V message queues, one way: {@code size}-byte {@code send(SysVMessage)} into a
 * private queue that a peer JVM drains with {@code receive(SysVMessage, TypeFilter)}.
 * C: {@code bench/c/mq_sysv.c} ({@code tput}, {@code tput.8192}).
 */
public class MqSysVOneWay extends OneWayBenchmark {
    private final Arena arena = Arena.ofShared();
    private SysVMessage out;
    private SysVMessageQueue down;
    private long seq;

    /** Bytes per message: 64, or 8192 (the default {@code msgmax}). */
    @Param({"64", "8192"})
    public int size;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        out = SysVMessage.allocate(arena, size);
        down = SysVMessageQueue.createPrivate();
        out.type(1).length(size);
        return Peer.jvm(placement, MqPeer.class, "sysv-sink", Integer.toString(down.id()), "-", Integer.toString(size));
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
