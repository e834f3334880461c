package org.panamaipc.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.panamaipc.Interest;
import org.panamaipc.WaitSet;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.testing.Blocked;
import org.panamaipc.testing.Deadline;
import org.panamaipc.testing.IpcTest;

/**
 * Closing a POSIX message queue releases everything waiting on it at once, not at the wait's
 * timeout: a {@link WaitSet} select over it (untimed, timed, on a virtual thread), which
 * reports the queue's key, and the queue's own {@code awaitReadable}.
 */
@IpcTest
class QueueCloseWakesWaitersTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration LONG = Duration.ofMinutes(5);

    private final String name = PosixMessageQueue.uniqueName("closewake");

    @AfterEach
    void unlink() throws IOException {
        PosixMessageQueue.unlinkIfExists(name);
    }

    @Test
    void closingTheQueueReleasesAnUntimedSelectWhichReportsItsKey() throws Exception {
        try (WaitSet set = WaitSet.create()) {
            PosixMessageQueue q = PosixMessageQueue.create(name, 4, 64);
            WaitSet.Key key = set.register(q, Interest.READABLE);
            Blocked<List<WaitSet.Key>> blocked = Blocked.start(Blocked.EPOLL_WAIT, set::select);
            q.close();
            assertThat(blocked.get(WAIT)).containsExactly(key);
            assertThat(key.isValid()).isFalse();
            assertThat(set.keys()).isEmpty();
        }
    }

    @Test
    void closingTheQueueReleasesATimedSelectLongBeforeItsTimeout() throws Exception {
        try (WaitSet set = WaitSet.create()) {
            PosixMessageQueue q = PosixMessageQueue.create(name, 4, 64);
            WaitSet.Key key = set.register(q, Interest.READABLE);
            Blocked<List<WaitSet.Key>> blocked = Blocked.start(Blocked.POLL, () -> set.select(LONG));
            q.close();
            assertThat(blocked.get(WAIT)).containsExactly(key);
        }
    }

    @Test
    void closingTheQueueReleasesAVirtualThreadInSelect() throws Exception {
        try (WaitSet set = WaitSet.create()) {
            PosixMessageQueue q = PosixMessageQueue.create(name, 4, 64);
            WaitSet.Key key = set.register(q, Interest.READABLE);
            CompletableFuture<List<WaitSet.Key>> selected = new CompletableFuture<>();
            Thread vt = Thread.ofVirtual().start(() -> {
                try {
                    selected.complete(set.select(LONG));
                } catch (Throwable t) {
                    selected.completeExceptionally(t);
                }
            });
            Deadline.after(WAIT).await(() -> vt.getState() == Thread.State.WAITING
                    || vt.getState() == Thread.State.TIMED_WAITING, "the select to park");
            q.close();
            assertThat(selected.get(WAIT.toSeconds(), TimeUnit.SECONDS)).containsExactly(key);
            vt.join();
        }
    }

    @Test
    void closingTheQueueReleasesItsOwnAwaitReadable() throws Exception {
        PosixMessageQueue q = PosixMessageQueue.create(name, 4, 64);
        Blocked<Boolean> blocked = Blocked.start(Blocked.POLL, () -> q.awaitReadable(LONG));
        q.close();
        assertThatThrownBy(() -> blocked.get(WAIT)).hasCauseInstanceOf(AsynchronousCloseException.class);
    }
}
