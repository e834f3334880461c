package org.panamaipc.bench.mq;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.panamaipc.bench.infra.Messages;
import org.panamaipc.bench.infra.Names;
import org.panamaipc.bench.infra.OneWayBenchmark;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.mq.PosixMessageQueue;

/**
 * POSIX message queues, one way: 64-byte {@code send(MemorySegment, int)} into a queue of 10
 * messages that a peer JVM drains with {@code receive(PosixMessage)}. C: {@code bench/c/mq_posix.c}.
 */
public class MqPosixOneWay extends OneWayBenchmark {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment out = arena.allocate(Messages.ONE_WAY_BYTES, 8);
    private String downName;
    private PosixMessageQueue down;
    private long seq;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        downName = "/" + Names.unique("mq") + "-down";
        down = PosixMessageQueue.createExclusively(downName, MqPeer.CAPACITY, Messages.ONE_WAY_BYTES);
        return Peer.jvm(placement, MqPeer.class, "posix-sink", downName, "-");
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
