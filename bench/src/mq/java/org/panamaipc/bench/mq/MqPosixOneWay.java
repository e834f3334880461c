package org.panamaipc.bench.mq;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.openjdk.jmh.annotations.Param;
import org.panamaipc.bench.infra.Names;
import org.panamaipc.bench.infra.OneWayBenchmark;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.mq.PosixMessageQueue;

/**
 * POSIX message queues, one way: {@code size}-byte {@code send(MemorySegment, int)} into a
 * queue of 10 such messages that a peer JVM drains with {@code receive(PosixMessage)}.
 * C: {@code bench/c/mq_posix.c} ({@code tput}, {@code tput.8192}).
 */
public class MqPosixOneWay extends OneWayBenchmark {
    private final Arena arena = Arena.ofShared();
    private MemorySegment out;
    private String downName;
    private PosixMessageQueue down;
    private long seq;

    /** Bytes per message: 64, or 8192 (the default {@code msgsize_max}). */
    @Param({"64", "8192"})
    public int size;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        out = arena.allocate(size, 8);
        downName = "/" + Names.unique("mq") + "-down";
        down = PosixMessageQueue.create(downName, MqPeer.CAPACITY, size);
        return Peer.jvm(placement, MqPeer.class, "posix-sink", downName, "-", Integer.toString(size));
    }

    @Override
    protected void send() throws Exception {
        out.set(ValueLayout.JAVA_LONG, 0, ++seq);
        down.send(out, 0);
    }

    @Override
    protected void tearDown() throws Exception {
        if (down != null) {
            down.close();
        }
        if (downName != null) {
            PosixMessageQueue.unlinkIfExists(downName);
        }
        arena.close();
    }
}
