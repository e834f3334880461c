package org.panamaipc.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.posix_spawn_file_actions_t;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.SharedMemory;
import org.panamaipc.testing.Blocked;
import org.panamaipc.testing.BlockingChecks;
import org.panamaipc.testing.Deadline;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerJvm;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.TestRun;

@IpcTest
class EventFdTest {
    private final String shmName = SharedMemory.uniqueName(TestRun.prefix("efd"));

    @AfterEach
    void unlink() throws IOException {
        SharedMemory.unlinkIfExists(shmName);
    }

    @Test
    void counterModeTakesEverythingAtOnce() throws IOException {
        try (EventFd event = EventFd.create(2, EventFd.Mode.COUNTER)) {
            event.signal(3);
            assertThat(event.tryAwait()).isEqualTo(5);
            assertThat(event.tryAwait()).isZero();
            assertThat(event.await(Duration.ofMillis(30))).isZero();
            assertThat(event.mode()).isEqualTo(EventFd.Mode.COUNTER);
        }
    }

    @Test
    void semaphoreModeTakesOneAtATime() throws IOException {
        try (EventFd event = EventFd.create(0, EventFd.Mode.SEMAPHORE)) {
            event.signal(2);
            assertThat(event.await()).isEqualTo(1);
            assertThat(event.tryAwait()).isEqualTo(1);
            assertThat(event.tryAwait()).isZero();
        }
    }

    @Test
    void aFullCounterRefusesAWriteWithoutBlocking() throws IOException {
        try (EventFd event = EventFd.create(0, EventFd.Mode.COUNTER)) {
            event.signal(Long.MAX_VALUE);
            event.signal(Long.MAX_VALUE); // the counter is now 2^64 - 2, its maximum
            assertThat(event.trySignal(1)).isFalse();
            assertThat(event.signal(1, Duration.ofMillis(30))).isFalse();
            assertThat(event.tryAwait()).isEqualTo(EventFd.MAX_VALUE);
            assertThatThrownBy(() -> event.signal(-1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> EventFd.create(-1, EventFd.Mode.COUNTER))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> event.await(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void closeReleasesAWaiter() throws Exception {
        EventFd event = EventFd.create(0, EventFd.Mode.COUNTER);
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                event.await();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        // the engine counts the thread once it is in the call: a close before that is a plain
        // use after close, not the release this test is about
        Deadline.after(Duration.ofSeconds(10)).await(() -> event.waiting() == 1, "the waiter is in the call");
        event.close();
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(AsynchronousCloseException.class);
        assertThatThrownBy(event::tryAwait).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aChildInheritsTheDescriptorAndSignalsThroughIt() throws Exception {
        try (EventFd event = EventFd.create(0, EventFd.Mode.COUNTER); Arena arena = Arena.ofConfined()) {
            String script = "import os\nos.eventfd_write(3, 41)\nos.eventfd_write(3, 1)\n";
            MemorySegment actions = arena.allocate(posix_spawn_file_actions_t.layout());
            assertThat(LibC.posix_spawn_file_actions_init(actions)).isZero();
            try {
                assertThat(LibC.posix_spawn_file_actions_adddup2(actions, event.fd().get(), 3)).isZero();
                String[] argv = {"python3", "-c", script};
                MemorySegment argvArray = arena.allocate(ValueLayout.ADDRESS, argv.length + 1);
                for (int i = 0; i < argv.length; i++) {
                    argvArray.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(argv[i]));
                }
                MemorySegment envp = arena.allocate(ValueLayout.ADDRESS, 2);
                envp.setAtIndex(ValueLayout.ADDRESS, 0, arena.allocateFrom("PATH=" + System.getenv("PATH")));
                MemorySegment pid = arena.allocate(ValueLayout.JAVA_INT);
                assertThat(LibC.posix_spawnp(pid, argvArray.getAtIndex(ValueLayout.ADDRESS, 0), actions,
                        MemorySegment.NULL, argvArray, envp)).isZero();
                MemorySegment status = arena.allocate(ValueLayout.JAVA_INT);
                int waited = -1;
                for (int attempt = 0; attempt < 100 && waited == -1; attempt++) { // -1: EINTR
                    waited = LibC.waitpid(pid.get(ValueLayout.JAVA_INT, 0), status, 0);
                }
                assertThat(status.get(ValueLayout.JAVA_INT, 0)).as("wait status").isZero();
            } finally {
                LibC.posix_spawn_file_actions_destroy(actions);
            }
            assertThat(event.await(Duration.ofSeconds(10))).isEqualTo(42);
        }
    }

    @Test
    void aPeerJvmThatCopiedTheDescriptorsPlaysPingPongTenThousandTimes() throws IOException {
        try (SharedMemory shm = SharedMemory.create(shmName, PingPong.SHM_SIZE); Mapping m = shm.map();
             EventFd a = EventFd.create(0, EventFd.Mode.SEMAPHORE);
             EventFd b = EventFd.create(0, EventFd.Mode.SEMAPHORE);
             PeerProcess peer = PeerJvm.start(SyncPeer.class, "pingpong", "eventfd", "10000", shmName,
                     Integer.toString(a.fd().get()), Integer.toString(b.fd().get()));
             PingPong.Turns turns = PingPong.eventFd(a, b, true)) {
            peer.expectReady();
            PingPong.play(turns, m.segment(), 10_000, true);
            peer.expectLine("done");
        }
    }

    @Test
    void interruptEndsAnAwaitTakingNothingAndTheEventFdStaysUsable() throws Exception {
        try (EventFd event = EventFd.create(0, EventFd.Mode.COUNTER)) {
            // untimed: the one blocking read(2), as in C; timed: poll
            BlockingChecks.interruptEndsTheCallPromptly(Blocked.READ, event::waiting, event::await,
                    InterruptedIOException.class);
            BlockingChecks.interruptEndsTheCallPromptly(Blocked.POLL, event::waiting, () -> event.await(Duration.ofSeconds(30)),
                    InterruptedIOException.class);
            assertThat(event.isOpen()).isTrue();
            event.signal(2);
            assertThat(event.await(Duration.ofSeconds(1))).isEqualTo(2); // nothing was taken before
        }
    }

    @Test
    void anUntimedAwaitIsOneBlockingReadThatCloseReleases() throws Exception {
        EventFd event = EventFd.create(0, EventFd.Mode.COUNTER);
        try {
            Blocked<Long> blocked = Blocked.start(Blocked.READ, event::await); // in read(2), not poll(2)
            Deadline.after(Duration.ofSeconds(10)).await(() -> event.waiting() == 1, "the waiter is in the call");
            event.close();
            assertThatThrownBy(() -> blocked.get(Duration.ofSeconds(10)))
                    .hasCauseInstanceOf(AsynchronousCloseException.class);
        } finally {
            event.close();
        }
    }

    @Test
    void aBlockedReadTakesASignalAndTheDescriptorStaysBlockingUntilAWriteMustNotWait() throws Exception {
        try (EventFd event = EventFd.create(0, EventFd.Mode.COUNTER)) {
            Blocked<Long> blocked = Blocked.start(Blocked.READ, event::await);
            event.signal(7);
            assertThat(blocked.get(Duration.ofSeconds(10))).isEqualTo(7);
            assertThat(event.tryAwait()).isZero(); // preadv2(RWF_NOWAIT): never waits, changes no mode
            assertThat(nonBlocking(event)).as("O_NONBLOCK after signal, await and tryAwait").isFalse();
            assertThat(event.trySignal(2)).isTrue();
            assertThat(nonBlocking(event)).as("O_NONBLOCK after trySignal").isTrue();
            assertThat(event.await()).isEqualTo(2); // a non-blocking descriptor: read, then poll if empty
            Blocked<Long> again = Blocked.start(Blocked.POLL, event::await);
            event.signal(1);
            assertThat(again.get(Duration.ofSeconds(10))).isEqualTo(1);
        }
    }

    @Test
    void anAdoptedDescriptorKeepsTheModeItCameWith() throws Exception {
        try (EventFd made = EventFd.create(0, EventFd.Mode.COUNTER);
             EventFd adopted = EventFd.adopt(made.fd().dup(), EventFd.Mode.COUNTER)) {
            assertThat(nonBlocking(adopted)).isFalse();
            Blocked<Long> blocked = Blocked.start(Blocked.READ, adopted::await);
            made.signal(3);
            assertThat(blocked.get(Duration.ofSeconds(10))).isEqualTo(3);
            assertThat(adopted.trySignal(1)).isTrue(); // switches the shared open file
            assertThat(nonBlocking(made)).isTrue();
            assertThat(made.await(Duration.ofSeconds(10))).isEqualTo(1);
        }
    }

    private static boolean nonBlocking(EventFd event) {
        return (org.panamaipc.internal.Sys.fcntl(event.fd().get(), LibC.F_GETFL(), 0) & LibC.O_NONBLOCK()) != 0;
    }

    @Test
    void anEventFdIsDescriptorBased() throws IOException {
        try (EventFd event = EventFd.create(0, EventFd.Mode.SEMAPHORE)) {
            org.panamaipc.DescriptorBased based = event;
            assertThat(based.fd().get()).isNotNegative();
        }
    }
}
