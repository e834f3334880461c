package org.panamaipc.bench.signal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.bench.infra.RoundTripBenchmark;
import org.panamaipc.signal.SignalRegistration;
import org.panamaipc.signal.Signals;
import org.panamaipc.signal.Signal;

/**
 * Signal delivery, round trip: {@code Signals.kill(peer, SIGUSR1)}; the peer JVM's
 * {@code Signals.handle} handler answers with {@code Signals.kill} back, and this side's
 * handler wakes the measuring thread (parked meanwhile). The handoff from the library's
 * handler thread to the waiting thread is part of what is measured, as it is for a user.
 * C: {@code bench/c/signal.c} ({@code sigwaitinfo}; {@code signalfd} beside it).
 *
 * <p>Which delivery {@code Signals.handle} chooses depends on the process: a JMH fork (and a
 * JVM started normally) does not have SIGUSR1 blocked in every thread, so the handler runs
 * through the JVM's signal dispatcher ({@code SignalRegistration.Delivery.JVM}, a new thread
 * per signal), not {@code signalfd}; the delivery used is printed to the JMH log.
 */
public class SignalRoundTrip extends RoundTripBenchmark {
    static final Signal SIGNAL = Signal.SIGUSR1;

    private final AtomicLong received = new AtomicLong();
    private volatile Thread waiter;
    private SignalRegistration registration;
    private long peerPid;
    private long seq;

    @Override
    protected Peer setUp(Placement placement) throws Exception {
        registration = Signals.handle(SIGNAL, info -> {
            received.incrementAndGet();
            Thread t = waiter;
            if (t != null) {
                LockSupport.unpark(t);
            }
        });
        System.err.println("[signal] delivery=" + registration.delivery());
        Peer peer = Peer.jvm(placement, SignalPeer.class, Long.toString(ProcessHandle.current().pid()));
        peerPid = peer.pid();
        return peer;
    }

    @Override
    protected long exchange() throws Exception {
        waiter = Thread.currentThread();
        long target = ++seq;
        Signals.kill(peerPid, SIGNAL);
        while (received.get() < target) {
            LockSupport.park(this);
        }
        return target;
    }

    @Override
    protected void tearDown() throws Exception {
        if (registration != null) {
            registration.close();
        }
    }
}
