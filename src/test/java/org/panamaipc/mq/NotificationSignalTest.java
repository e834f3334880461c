package org.panamaipc.mq;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.panamaipc.signal.Signal;
import org.panamaipc.signal.SignalInfo;
import org.panamaipc.signal.SignalRegistration;
import org.panamaipc.signal.Signals;
import org.panamaipc.testing.IpcTest;

/**
 * {@code mq_notify} with signal delivery to this JVM, caught through the library's own
 * signal handling. SIGWINCH is used: its default action is to ignore it.
 */
@IpcTest
@ResourceLock("signals")
class NotificationSignalTest {
    /** {@code si_code} of a signal sent by a message queue notification. */
    private static final int SI_MESGQ = -3;

    private final String name = Peers.uniqueName("notify");

    @AfterEach
    void cleanUp() throws IOException {
        PosixMessageQueue.unlinkIfExists(name);
    }

    @Test
    void aMessageArrivingOnAnEmptyQueueSendsTheRegisteredSignalOnce() throws Exception {
        LinkedBlockingQueue<SignalInfo> received = new LinkedBlockingQueue<>();
        try (SignalRegistration r = Signals.handle(Signal.SIGWINCH, received::add);
             PosixMessageQueue q = PosixMessageQueue.create(name, 4, 16)) {
            q.registerNotification(Signal.SIGWINCH.number(), 4242);
            q.send("first".getBytes(StandardCharsets.UTF_8), 1);
            SignalInfo info = received.poll(10, TimeUnit.SECONDS);
            assertThat(info).as("SIGWINCH delivered").isNotNull();
            assertThat(info.signal()).isSameAs(Signal.SIGWINCH);
            if (info.detailed()) {
                assertThat(info.code()).isEqualTo(SI_MESGQ);
                assertThat(info.senderPid()).isEqualTo(ProcessHandle.current().pid());
                assertThat(info.value()).isEqualTo(4242);
            }
            // One-shot: the registration is gone, so registering again succeeds.
            q.registerNotificationWithoutSignal();
            q.cancelNotification();
        }
    }
}
