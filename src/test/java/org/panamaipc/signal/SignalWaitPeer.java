package org.panamaipc.signal;

import java.time.Duration;
import org.panamaipc.Interest;
import org.panamaipc.WaitSet;

/**
 * A peer JVM that waits for a signal in a {@link WaitSet} instead of in its handler:
 * {@code SignalWaitPeer COUNT NAME} prints {@code ready DELIVERY} once its registration is in
 * the set, then {@code took N} once it has taken COUNT deliveries in all, and exits.
 */
public final class SignalWaitPeer {
    private SignalWaitPeer() {
    }

    public static void main(String[] args) throws Exception {
        long count = Long.parseLong(args[0]);
        try (SignalRegistration r = Signals.handle(Signal.named(args[1]), info -> { });
             WaitSet set = WaitSet.create()) {
            set.register(r, Interest.SIGNALED);
            System.out.println("ready " + r.delivery());
            System.out.flush();
            long taken = 0;
            while (taken < count) {
                if (set.select(Duration.ofSeconds(30)).isEmpty()) {
                    System.out.println("timeout after " + taken);
                    System.exit(2);
                }
                taken += r.takeDeliveries();
            }
            System.out.println("took " + taken);
        }
    }
}
