package org.panamaipc.bench.sync;

import java.io.IOException;
import java.time.Duration;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.bench.infra.RoundTripBenchmark;
import org.panamaipc.process.ChildProcess;
import org.panamaipc.sync.EventFd;

/**
 * eventfd, round trip: two eventfds handed to the peer JVM as descriptors 3 and 4 by the
 * library's {@code ChildProcess}; {@code signal(1)} the peer's, {@code await()} ours.
 * The peer ends when killed at tear-down or when this process ends.
 * C: {@code bench/c/eventfd.c} ({@code write} 1, {@code read}).
 */
public class EventFdRoundTrip extends RoundTripBenchmark {
    /** The value the peer signals once it has its descriptors. */
    static final long READY = 0x5245414459L;

    private EventFd ping;
    private EventFd pong;
    private ChildProcess child;
    private long seq;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        ping = EventFd.create(0, EventFd.Mode.COUNTER);
        pong = EventFd.create(0, EventFd.Mode.COUNTER);
        child = ChildProcess.builder(Peer.pinnedJvmCommand(placement, SyncPeer.class, "eventfd",
                        Long.toString(ProcessHandle.current().pid())))
                .mapFd(3, ping.fd())
                .mapFd(4, pong.fd())
                .start();
        long token = pong.await(Duration.ofSeconds(60));
        if (token != READY) {
            throw new IOException("eventfd peer did not become ready: token=" + token);
        }
        return null;
    }

    @Override
    protected long exchange() throws Exception {
        ping.signal(1);
        return pong.await() + ++seq;
    }

    @Override
    protected void tearDown() throws Exception {
        try {
            if (child != null) {
                child.kill();
                child.waitFor(Duration.ofSeconds(10));
                child.close();
            }
        } finally {
            if (ping != null) {
                ping.close();
            }
            if (pong != null) {
                pong.close();
            }
        }
    }
}
