package org.panamaipc.cli.tour;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.panamaipc.signal.Signal;
import org.panamaipc.signal.SignalInfo;
import org.panamaipc.signal.SignalRegistration;
import org.panamaipc.signal.Signals;

/**
 * Signals: SIGUSR1 to the peer, whose handler (a Java thread, not a native handler) sends
 * SIGUSR1 back. Handlers are installed for the step only and removed after it.
 */
final class SignalStep implements TourStep {
    static final int ROUNDS = 20;
    static final Signal SIGNAL = Signal.SIGUSR1;

    @Override
    public String id() {
        return "signal";
    }

    @Override
    public String mechanism() {
        return "signals (SIGUSR1)";
    }

    @Override
    public Exchange lead(Peer peer, Scratch scratch) throws Exception {
        long[] nanos = new long[ROUNDS];
        LinkedBlockingQueue<SignalInfo> received = new LinkedBlockingQueue<>();
        SignalRegistration registration = Signals.handle(SIGNAL, received::add);
        try {
            peer.start(this, Long.toString(ProcessHandle.current().pid()));
            for (int i = 0; i < ROUNDS; i++) {
                long t0 = System.nanoTime();
                Signals.kill(peer.pid(), SIGNAL);
                SignalInfo info = received.poll(10, TimeUnit.SECONDS);
                nanos[i] = System.nanoTime() - t0;
                if (info == null || info.signal() != SIGNAL) {
                    peer.send("end");
                    return Exchange.failed(what(), nanos, "round " + i + ": no " + SIGNAL + " came back");
                }
            }
            peer.send("end");
            peer.finish();
        } finally {
            registration.close();
        }
        return Exchange.verified(what(), nanos);
    }

    private static String what() {
        return ROUNDS + " signals there and back, each answered by a handler";
    }

    @Override
    public void follow(List<String> args, PeerSide side) throws Exception {
        long leader = Long.parseLong(args.get(0));
        IOException[] failure = new IOException[1];
        SignalRegistration registration = Signals.handle(SIGNAL, info -> {
            try {
                Signals.kill(leader, SIGNAL);
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        try {
            side.ready();
            String line = side.hear();
            if (!line.equals("end")) {
                throw new IOException("expected end, got " + line);
            }
        } finally {
            registration.close();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
    }
}
