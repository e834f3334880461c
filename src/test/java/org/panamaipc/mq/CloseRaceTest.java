package org.panamaipc.mq;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.panamaipc.Interest;
import org.panamaipc.ObjectRemovedException;
import org.panamaipc.WaitSet;
import org.panamaipc.testing.IpcTest;

/**
 * close() racing threads that send, receive and wait on the same queue, at random moments:
 * every thread must end promptly with a result or a closed-style exception, never hang, and
 * the JVM must not crash.
 */
@IpcTest
class CloseRaceTest {
    private static final int ROUNDS = 60;

    /** One thread's loop; ends by throwing. */
    interface Loop {
        void run() throws Exception;
    }

    private static Thread loop(List<Throwable> endings, Loop body) {
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                while (true) {
                    body.run();
                }
            } catch (Throwable t) {
                synchronized (endings) {
                    endings.add(t);
                }
            }
        });
    }

    private static void assertClosedStyle(List<Throwable> endings) {
        for (Throwable t : endings) {
            assertThat(t).isInstanceOfAny(AsynchronousCloseException.class, IllegalStateException.class);
        }
    }

    @Test
    void posixCloseRacingSendersReceiversAndWaitSets() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String name = Peers.uniqueName("race");
            List<Throwable> endings = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            try (PosixMessageQueue q = PosixMessageQueue.create(name, 2, 16);
                 WaitSet set = WaitSet.create()) {
                set.register(q, Interest.READABLE);
                PosixMessageQueue.unlink(name);
                byte[] data = new byte[8];
                threads.add(loop(endings, () -> q.send(data, 1)));
                threads.add(loop(endings, () -> q.receive(PosixMessage.allocate(Arena.ofAuto(), 16))));
                threads.add(loop(endings, () -> q.receive(Duration.ofMillis(ThreadLocalRandom.current().nextInt(3)))));
                threads.add(loop(endings, () -> q.awaitReadable(Duration.ofSeconds(30))));
                threads.add(loop(endings, () -> set.select(Duration.ofSeconds(30))));
                Thread.onSpinWait();
                if (ThreadLocalRandom.current().nextBoolean()) {
                    Thread.yield();
                }
                q.close(); // the set reports the queue's key once, then waits on nothing until it closes
                set.close();
                for (Thread t : threads) {
                    assertThat(t.join(Duration.ofSeconds(10))).as("thread ends after close").isTrue();
                }
            }
            assertThat(endings).hasSize(threads.size());
            assertClosedStyle(endings);
        }
    }

    @Test
    void sysvCloseRacingSendersAndTimedReceivers() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            List<Throwable> endings = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            SysVMessageQueue q = SysVMessageQueue.createPrivate();
            try {
                q.setMaxBytes(16);
                SysVMessage in = SysVMessage.allocate(Arena.ofAuto(), 16);
                threads.add(loop(endings, () -> q.send(1, new byte[8])));
                threads.add(loop(endings, () -> q.receive(TypeFilter.exactly(2))));
                threads.add(loop(endings, () -> q.receive(in, TypeFilter.any(),
                        Duration.ofMillis(ThreadLocalRandom.current().nextInt(3)))));
                threads.add(loop(endings, () -> q.send(1, new byte[8], Duration.ofMillis(1))));
                if (ThreadLocalRandom.current().nextBoolean()) {
                    Thread.yield();
                }
                q.close();
                for (Thread t : threads) {
                    assertThat(t.join(Duration.ofSeconds(10))).as("thread ends after close").isTrue();
                }
            } finally {
                SysVMessageQueue.openId(q.id()).remove();
            }
            assertThat(endings).hasSize(threads.size());
            assertClosedStyle(endings);
        }
    }

    @Test
    void sysvRemoveRacingBlockedThreadsEndsThemWithObjectRemoved() throws Exception {
        for (int round = 0; round < ROUNDS / 2; round++) {
            List<Throwable> endings = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            try (SysVMessageQueue q = SysVMessageQueue.createPrivate()) {
                q.setMaxBytes(8);
                threads.add(loop(endings, () -> q.send(1, new byte[8])));
                threads.add(loop(endings, () -> q.receive(TypeFilter.exactly(2))));
                threads.add(loop(endings, () -> q.receive(TypeFilter.exactly(3), Duration.ofSeconds(30))));
                q.remove();
                for (Thread t : threads) {
                    assertThat(t.join(Duration.ofSeconds(10))).as("thread ends after remove").isTrue();
                }
            }
            assertThat(endings).hasSize(threads.size()).allSatisfy(t -> assertThat(t).isInstanceOf(ObjectRemovedException.class));
        }
    }
}
