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
 * <p>This class measures the JVM's dispatcher path ({@code SignalRegistration.Delivery.JVM},
 * the JVM's native handler and a new dispatcher thread per signal), which {@code Signals.handle}
 * takes in a JVM started normally, without SIGUSR1 blocked in every thread; it checks that
 * both sides took it. {@link SignalFdRoundTrip} measures the {@code signalfd} path, its
 * JMH fork and peer started with SIGUSR1 blocked.
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
        if (registration.delivery() != delivery()) {
            throw new IllegalStateException("Signals.handle chose delivery=" + registration.delivery()
                    + ", this benchmark measures delivery=" + delivery());
        }
        Peer peer = startPeer(placement, Long.toString(ProcessHandle.current().pid()), delivery().name());
        peerPid = peer.pid();
        return peer;
    }

    /** {@return the delivery this benchmark measures, on both sides} */
    protected SignalRegistration.Delivery delivery() {
        return SignalRegistration.Delivery.JVM;
    }

    /**
     * Starts the peer JVM.
     *
     * @param placement where it runs
     * @param args {@link SignalPeer}'s arguments
     * @return the ready peer
     * @throws java.io.IOException when it cannot be started
     */
    protected Peer startPeer(Placement placement, String... args) throws java.io.IOException {
        return Peer.jvm(placement, SignalPeer.class, args);
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
