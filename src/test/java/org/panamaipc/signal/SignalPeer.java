package org.panamaipc.signal;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A peer JVM that handles signals and prints each one it receives:
 * {@code SignalPeer COUNT NAME...} prints {@code ready DELIVERY...} once its handlers are
 * installed, then {@code got NAME code=C pid=P uid=U value=V detailed=D} for each of the
 * first COUNT deliveries, and exits.
 */
public final class SignalPeer {
    private SignalPeer() {
    }

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        LinkedBlockingQueue<SignalInfo> received = new LinkedBlockingQueue<>();
        StringBuilder ready = new StringBuilder("ready");
        java.util.List<SignalRegistration> registrations = new java.util.ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            SignalRegistration r = Signals.handle(Signal.named(args[i]), received::add);
            registrations.add(r);
            if (!r.fd().isOpen()) {
                throw new IllegalStateException("the count of deliveries of " + r + " is closed");
            }
            ready.append(' ').append(r.delivery());
        }
        System.out.println(ready);
        System.out.flush();
        for (int i = 0; i < count; i++) {
            SignalInfo info = received.poll(30, TimeUnit.SECONDS);
            if (info == null) {
                System.out.println("timeout");
                System.exit(2);
            }
            System.out.println("got " + info.signal().name() + " code=" + info.code() + " pid=" + info.senderPid()
                    + " uid=" + info.senderUid() + " value=" + info.value() + " detailed=" + info.detailed());
            System.out.flush();
        }
        registrations.forEach(SignalRegistration::close);
    }
}
