package org.panamaipc.bench.signal;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.panamaipc.bench.infra.PeerSupport;
import org.panamaipc.signal.Signals;

/** Peer of {@link SignalRoundTrip}: answers each SIGUSR1 with SIGUSR1 to the benchmark's pid. */
public final class SignalPeer {
    private SignalPeer() {
    }

    /**
     * Runs the peer until the benchmark closes its standard input.
     *
     * @param args {@code benchmarkPid}
     * @throws IOException when the handler cannot be installed
     * @throws InterruptedException never: the main thread sleeps until the JVM halts
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        long benchmark = Long.parseLong(args[0]);
        Signals.handle(SignalRoundTrip.SIGNAL, info -> {
            try {
                Signals.kill(benchmark, SignalRoundTrip.SIGNAL);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        PeerSupport.ready();
        Thread.sleep(Long.MAX_VALUE);
    }
}
