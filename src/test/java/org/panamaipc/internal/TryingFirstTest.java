package org.panamaipc.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Blocker.Timing;
import org.panamaipc.testing.Blocked;
import org.panamaipc.testing.IpcTest;

/**
 * {@link Blocker#callTryingFirst} on a real datagram socket pair: what is ready costs the
 * attempt alone, a thread whose attempt found nothing skips the next ones, and close,
 * interrupt and deadlines end its waits as the engine's do.
 */
@IpcTest
class TryingFirstTest {
    private static final int MSG_DONTWAIT = LibC.MSG_DONTWAIT();
    /** A call made outside the engine: {@code callTryingFirst}'s own attempt. */
    private static final String TRY = "try";
    /** A call the engine made, an attempt or a blocking call. */
    private static final String ENGINE = "engine";

    private final Arena arena = Arena.ofShared();
    private OwnedFd receiving;
    private OwnedFd sending;
    /** Each call of the receive, on this test's threads: {@link #TRY} or {@link #ENGINE}. */
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    /** {@code recv}, recording whether the engine made it. */
    private final BlockingCall receive = (fd, buf, unused, len, y, z, timeout) -> {
        calls.add(Waiter.current().blocker == null ? TRY : ENGINE);
        return SocketCalls.recv(fd, buf, len, timeout.address() != 0 ? MSG_DONTWAIT : 0);
    };

    @BeforeEach
    void socketPair() {
        MemorySegment sv = arena.allocate(JAVA_INT, 2);
        assertThat(SocketCalls.socketpair(LibC.AF_UNIX(), LibC.SOCK_DGRAM() | LibC.SOCK_CLOEXEC(), 0, sv)).isZero();
        receiving = OwnedFd.adopt(sv.getAtIndex(JAVA_INT, 0));
        sending = OwnedFd.adopt(sv.getAtIndex(JAVA_INT, 1));
        Waiter.current().triesSkipped = 0; // this thread's count, whatever the tests before did on it
    }

    @AfterEach
    void close() {
        receiving.close();
        sending.close();
        arena.close();
    }

    private long receive(Blocker b, MemorySegment buf, long deadline, Timing timing) throws Exception {
        return b.callTryingFirst(receive, receiving.get(), buf, MemorySegment.NULL, buf.byteSize(), 0, 0, deadline,
                timing);
    }

    private long receive(Blocker b, MemorySegment buf, long deadline) throws Exception {
        return receive(b, buf, deadline, Timing.POLL_IN);
    }

    /** A receive that finds nothing: its attempt fails, then the engine's wait times out. */
    private void receiveNothing(Blocker b, MemorySegment buf, Timing timing) throws Exception {
        if (receive(b, buf, Deadline.end(Duration.ofMillis(1)), timing) != -Blocker.ETIMEDOUT) {
            throw new AssertionError("received something");
        }
    }

    /** Two receives in a row that find nothing: the engine then takes the next ones at once. Forgets their calls. */
    private void missTwice(Blocker b, MemorySegment buf) throws Exception {
        receiveNothing(b, buf, Timing.POLL_IN);
        receiveNothing(b, buf, Timing.POLL_IN);
        calls.clear();
    }

    private void send(int value) {
        MemorySegment one = arena.allocate(1);
        one.set(JAVA_BYTE, 0, (byte) value);
        assertThat(SocketCalls.send(sending.get(), one, 1, 0)).isEqualTo(1);
    }

    @Test
    void aMessageAlreadyThereTakesTheAttemptAlone() throws Exception {
        Blocker b = Blocker.forDescriptor("test socket", receiving);
        MemorySegment buf = arena.allocate(1);
        for (int i = 0; i < 100; i++) {
            send(i);
            assertThat(receive(b, buf, Deadline.NONE)).isEqualTo(1);
            assertThat(buf.get(JAVA_BYTE, 0)).isEqualTo((byte) i);
        }
        assertThat(calls).hasSize(100).containsOnly(TRY);
    }

    @Test
    void anAttemptThatFindsNothingIsFollowedByTheEnginesWaitWhichASenderEnds() throws Exception {
        Blocker b = Blocker.forDescriptor("test socket", receiving);
        MemorySegment buf = arena.allocate(1);
        Blocked<Long> blocked = Blocked.start(Blocked.RECVFROM, () -> receive(b, buf, Deadline.NONE));
        send(42);
        assertThat(blocked.get(Duration.ofSeconds(10))).isEqualTo(1L);
        assertThat(buf.get(JAVA_BYTE, 0)).isEqualTo((byte) 42);
        assertThat(calls).containsExactly(TRY, ENGINE);
    }

    @Test
    void afterTwoAttemptsThatFoundNothingCallsThatSleepGoToTheEngineAtOnce() throws Exception {
        Blocker b = Blocker.forDescriptor("test socket", receiving);
        MemorySegment buf = arena.allocate(1);
        missTwice(b, buf);
        for (int i = 0; i < 3; i++) {
            receiveNothing(b, buf, Timing.POLL_IN); // the engine's own attempt, then its poll
        }
        assertThat(calls).containsExactly(ENGINE, ENGINE, ENGINE);
    }

    @Test
    void aThreadThatGoesToTheEngineAtOnceTriesAgainOnceInAWhileAndASuccessTurnsTheAttemptsBackOn() throws Exception {
        Blocker b = Blocker.forDescriptor("test socket", receiving);
        MemorySegment buf = arena.allocate(1);
        missTwice(b, buf);
        for (int i = 0; i < Waiter.TRIES_SKIPPED + 2; i++) {
            send(i);
            assertThat(receive(b, buf, Deadline.NONE)).isEqualTo(1);
            assertThat(buf.get(JAVA_BYTE, 0)).isEqualTo((byte) i);
        }
        // the engine's blocking call found each message at once; then the attempt, which
        // succeeded, and the next call tries first too
        List<String> expected = new ArrayList<>(Collections.nCopies(Waiter.TRIES_SKIPPED, ENGINE));
        expected.add(TRY);
        expected.add(TRY);
        assertThat(calls).isEqualTo(expected);
    }

    @Test
    void anotherCallOnTheSameObjectIsNotSkippedForTheOnesThatWait() throws Exception {
        Blocker b = Blocker.forDescriptor("test socket", receiving);
        MemorySegment buf = arena.allocate(1);
        missTwice(b, buf);
        BlockingCall peek = (fd, bb, unused, len, y, z, timeout) -> {
            calls.add(Waiter.current().blocker == null ? TRY : ENGINE);
            return SocketCalls.recv(fd, bb, len, LibC.MSG_PEEK() | (timeout.address() != 0 ? MSG_DONTWAIT : 0));
        };
        send(3);
        calls.clear();
        assertThat(b.callTryingFirst(peek, 0, buf, MemorySegment.NULL, 1, 0, 0, Deadline.NONE, Timing.POLL_IN))
                .isEqualTo(1);
        assertThat(calls).containsExactly(TRY); // a send and a receive on one socket keep their own record
    }

    @Test
    void aConsumerThatFindsNothingOnceBetweenBurstsKeepsTryingFirst() throws Exception {
        Blocker b = Blocker.forDescriptor("test socket", receiving);
        MemorySegment buf = arena.allocate(1);
        for (int burst = 0; burst < 5; burst++) {
            for (int i = 0; i < 3; i++) {
                send(i);
            }
            calls.clear();
            for (int i = 0; i < 3; i++) {
                assertThat(receive(b, buf, Deadline.NONE)).isEqualTo(1);
            }
            assertThat(calls).as("burst %d", burst).containsExactly(TRY, TRY, TRY);
            receiveNothing(b, buf, Timing.POLL_IN); // the burst is drained
        }
    }

    @Test
    void aCallTheEngineWouldTimeWithItsTimerKeepsTrying() throws Exception {
        Blocker b = Blocker.forHandle("test socket by handle", null);
        MemorySegment buf = arena.allocate(1);
        receiveNothing(b, buf, Timing.TIMER);
        receiveNothing(b, buf, Timing.TIMER);
        send(5);
        calls.clear();
        assertThat(receive(b, buf, Deadline.end(Duration.ofSeconds(10)), Timing.TIMER)).isEqualTo(1);
        assertThat(calls).containsExactly(TRY); // no timer armed for a message already there
        b.close();
    }

    @Test
    void closeReleasesAThreadThatGoesToTheEngineAtOnce() throws Exception {
        Blocker b = Blocker.forDescriptor("test socket", receiving);
        MemorySegment buf = arena.allocate(1);
        Blocked<Long> blocked = Blocked.start(Blocked.RECVFROM, () -> {
            missTwice(b, buf);
            return receive(b, buf, Deadline.NONE); // straight to the engine's blocking call
        });
        assertThat(calls).containsExactly(ENGINE);
        b.close();
        assertThatThrownBy(() -> blocked.get(Duration.ofSeconds(10))).hasCauseInstanceOf(AsynchronousCloseException.class);
    }

    @Test
    void anInterruptedThreadMakesNoAttemptAndConsumesNothing() throws Exception {
        Blocker b = Blocker.forDescriptor("test socket", receiving);
        send(7);
        MemorySegment buf = arena.allocate(1);
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> receive(b, buf, Deadline.NONE)).isInstanceOf(InterruptedIOException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(calls).isEmpty();
        assertThat(receive(b, buf, Deadline.NONE)).isEqualTo(1); // the message is still there
        assertThat(buf.get(JAVA_BYTE, 0)).isEqualTo((byte) 7);
    }

    @Test
    void aDeadlineAlreadyPassedGoesToTheEngineOnce() throws Exception {
        Blocker b = Blocker.forDescriptor("test socket", receiving);
        MemorySegment buf = arena.allocate(1);
        assertThat(receive(b, buf, Deadline.now())).isEqualTo(-Blocker.ETIMEDOUT);
        assertThat(calls).containsExactly(ENGINE); // the engine's own look, not a second one
    }

    @Test
    void aVirtualThreadTriesBeforeItHandsACallToThePool() throws Exception {
        Blocker b = Blocker.forHandle("test socket by handle", null);
        send(9);
        MemorySegment buf = arena.allocate(1);
        long[] r = new long[1];
        Thread vt = Thread.ofVirtual().start(() -> {
            try {
                r[0] = receive(b, buf, Deadline.NONE, Timing.TIMER);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(vt.join(Duration.ofSeconds(10))).isTrue();
        assertThat(r[0]).isEqualTo(1);
        assertThat(calls).containsExactly(TRY); // answered by the attempt, not by the Offload pool's wait
        b.close();
    }
}
