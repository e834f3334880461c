package org.panamaipc.bench.signal;

import java.io.IOException;
import org.openjdk.jmh.annotations.Fork;
import org.panamaipc.bench.infra.Jvm;
import org.panamaipc.bench.infra.Peer;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.signal.SignalRegistration;

/**
 * Signal delivery through {@code signalfd}, round trip: as {@link SignalRoundTrip}, but the
 * JMH fork and the peer JVM are started by {@code bench/jvm-blocking-sigusr1}, which blocks
 * SIGUSR1 before it execs the JVM, so the signal is blocked in every thread and
 * {@code Signals.handle} reads it from a {@code signalfd} on its reader thread
 * ({@code SignalRegistration.Delivery.SIGNALFD}; set-up fails if either side took another
 * path). The launcher is named relative to the repository root: run JMH from there, as
 * {@code bench/run.sh} does. C: {@code bench/c/signal.c signalfd}.
 */
@Fork(value = 1, jvm = SignalFdRoundTrip.LAUNCHER, jvmArgsAppend = Jvm.NATIVE_ACCESS)
public class SignalFdRoundTrip extends SignalRoundTrip {
    /** Starts a JVM with SIGUSR1 blocked; relative to the repository root. */
    static final String LAUNCHER = "bench/jvm-blocking-sigusr1";

    @Override
    protected SignalRegistration.Delivery delivery() {
        return SignalRegistration.Delivery.SIGNALFD;
    }

    @Override
    protected Peer startPeer(Placement placement, String... args) throws IOException {
        return Peer.jvmLaunchedBy(placement, LAUNCHER, SignalPeer.class, args);
    }
}
