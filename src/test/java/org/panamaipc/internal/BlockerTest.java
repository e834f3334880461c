package org.panamaipc.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Blocker.Timing;
import org.panamaipc.testing.Blocked;
import org.panamaipc.testing.BlockingChecks;
import org.panamaipc.testing.IpcTest;

/** The blocking engine on a real pipe: close, interrupt, deadlines, any number of waiters. */
@IpcTest
class BlockerTest {
    private static final BlockingCall READ = (fd, buf, unused, len, y, z, timeout) -> Sys.read(fd, buf, len);

    private final Arena arena = Arena.ofShared();
    private OwnedFd readEnd;
    private OwnedFd writeEnd;

    @BeforeEach
    void pipe() {
        openPipe(0);
    }

    private void openPipe(int flags) {
        MemorySegment fds = arena.allocate(JAVA_INT, 2);
        assertThat(Sys.pipe2(fds, LibC.O_CLOEXEC() | flags)).isZero();
        readEnd = OwnedFd.adopt(fds.getAtIndex(JAVA_INT, 0));
        writeEnd = OwnedFd.adopt(fds.getAtIndex(JAVA_INT, 1));
    }

    @AfterEach
    void close() {
        readEnd.close();
        writeEnd.close();
        arena.close();
    }

    private long read(Blocker b, MemorySegment buf, long deadline, Timing timing) throws Exception {
        return b.call(READ, 0, buf, MemorySegment.NULL, buf.byteSize(), 0, 0, deadline, timing);
    }

    private void writeByte(int value) {
        MemorySegment one = arena.allocate(1);
        one.set(JAVA_BYTE, 0, (byte) value);
        assertThat(Sys.write(writeEnd.get(), one, 1)).isEqualTo(1);
    }

    @Test
    void interruptEndsTheCallAndConsumesNothing() throws Exception {
        Blocker b = Blocker.forDescriptor("test pipe", readEnd);
        MemorySegment buf = arena.allocate(1);
        BlockingChecks.interruptEndsTheCallPromptly(Blocked.READ, null, () -> read(b, buf, Deadline.NONE, Timing.UNTIMED),
                InterruptedIOException.class);
        assertThat(b.isOpen()).isTrue();
        writeByte(42);
        assertThat(read(b, buf, Deadline.NONE, Timing.UNTIMED)).isEqualTo(1);
        assertThat(buf.get(JAVA_BYTE, 0)).isEqualTo((byte) 42);
    }

    @Test
    void anInterruptedThreadDoesNotEnterTheCall() throws Exception {
        Blocker b = Blocker.forDescriptor("test pipe", readEnd);
        writeByte(7);
        MemorySegment buf = arena.allocate(1);
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> read(b, buf, Deadline.NONE, Timing.UNTIMED))
                    .isInstanceOf(InterruptedIOException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(read(b, buf, Deadline.NONE, Timing.UNTIMED)).isEqualTo(1); // the byte is still there
    }

    @Test
    void interruptClosesAChannel() throws Exception {
        Blocker[] holder = new Blocker[1];
        AutoCloseable channel = () -> holder[0].close();
        Blocker b = Blocker.forChannel("test channel", readEnd, channel);
        holder[0] = b;
        MemorySegment buf = arena.allocate(1);
        Blocked<Long> blocked = Blocked.start(Blocked.READ, () -> read(b, buf, Deadline.NONE, Timing.UNTIMED));
        blocked.thread().interrupt();
        assertThatThrownBy(() -> blocked.get(Duration.ofSeconds(5)))
                .hasCauseInstanceOf(ClosedByInterruptException.class);
        assertThat(b.isOpen()).isFalse();
        assertThatThrownBy(() -> read(b, buf, Deadline.NONE, Timing.UNTIMED))
                .isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void aDeadlineTheKernelCannotTimeEndsByTheTimer() throws Exception {
        Blocker b = Blocker.forDescriptor("test pipe", readEnd);
        MemorySegment buf = arena.allocate(1);
        long start = System.nanoTime();
        long r = read(b, buf, Deadline.end(Duration.ofMillis(200)), Timing.TIMER);
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(r).isEqualTo(-Blocker.ETIMEDOUT);
        assertThat(elapsed).isBetween(200L, 5_000L);
        writeByte(1);
        assertThat(read(b, buf, Deadline.end(Duration.ofSeconds(5)), Timing.TIMER)).isEqualTo(1);
    }

    @Test
    void aPollingCallWaitsForReadinessUntilTheDeadline() throws Exception {
        readEnd.close();
        writeEnd.close();
        openPipe(LibC.O_NONBLOCK());
        Blocker b = Blocker.forDescriptor("test pipe", readEnd);
        MemorySegment buf = arena.allocate(1);
        assertThat(read(b, buf, Deadline.end(Duration.ZERO), Timing.POLL_IN)).isEqualTo(-Blocker.ETIMEDOUT);
        long start = System.nanoTime();
        assertThat(read(b, buf, Deadline.end(Duration.ofMillis(100)), Timing.POLL_IN)).isEqualTo(-Blocker.ETIMEDOUT);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(100);
        Blocked<Long> blocked = Blocked.start(Blocked.POLL, () -> read(b, buf, Deadline.NONE, Timing.POLL_IN));
        writeByte(9);
        assertThat(blocked.get(Duration.ofSeconds(5))).isEqualTo(1);
        assertThat(b.awaitReady(LibC.POLLIN(), Deadline.end(Duration.ofMillis(10)))).isFalse();
    }

    @Test
    void useAfterCloseIsIllegalStateForAnObjectThatIsNoChannel() {
        Blocker b = Blocker.forDescriptor("test pipe", readEnd);
        b.close();
        assertThatThrownBy(() -> read(b, arena.allocate(1), Deadline.NONE, Timing.UNTIMED))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("test pipe is closed");
    }

    @Test
    void aHandleIsReleasedAfterTheLastCall() throws Exception {
        AtomicInteger released = new AtomicInteger();
        Blocker b = Blocker.forHandle("test handle", released::incrementAndGet);
        MemorySegment buf = arena.allocate(1);
        int n = readEnd.get();
        BlockingCall readRaw = (h, seg, unused, len, y, z, t) -> Sys.read(h, seg, len);
        Blocked<Long> blocked = Blocked.start(Blocked.READ,
                () -> b.call(readRaw, n, buf, MemorySegment.NULL, 1, 0, 0, Deadline.NONE, Timing.UNTIMED));
        b.close();
        assertThatThrownBy(() -> blocked.get(Duration.ofSeconds(5)))
                .hasCauseInstanceOf(AsynchronousCloseException.class);
        assertThat(released.get()).isEqualTo(1);
        b.close();
        assertThat(released.get()).isEqualTo(1);
    }

    @Test
    void aThousandWaitersCostNothingAndCloseReleasesEveryOne() throws Exception {
        Blocker b = Blocker.forDescriptor("test pipe", readEnd);
        long got = BlockingChecks.aThousandWaitersCostNothing(
                () -> read(b, arena.allocate(1), Deadline.NONE, Timing.UNTIMED), b::waiting, () -> {
                    writeByte(5);
                    return null;
                }, b::close);
        assertThat(got).isEqualTo(1);
    }
}
