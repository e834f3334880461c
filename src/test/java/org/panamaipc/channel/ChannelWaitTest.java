package org.panamaipc.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.panamaipc.Interest;
import org.panamaipc.WaitSet;
import org.panamaipc.sync.EventFd;
import org.panamaipc.testing.Allocation;
import org.panamaipc.testing.BlockingChecks;
import org.panamaipc.testing.Deadline;
import org.panamaipc.testing.IpcTest;

/** Waiting on a channel: strategies, close, interrupt, virtual threads, WaitSet, and allocation. */
@IpcTest
class ChannelWaitTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void everyIdleStrategyHandsRecordsOverBothWays() throws Exception {
        for (IdleStrategy idle : List.of(IdleStrategy.busySpin(), IdleStrategy.yielding(),
                IdleStrategy.backoff(10, 10, 1_000_000), IdleStrategy.park(0), IdleStrategy.park())) {
            try (Channel channel = Channel.createAnonymous(ChannelKind.ONE_TO_ONE, 1024);
                    ChannelWriter writer = channel.writer(idle);
                    ChannelReader reader = channel.reader(idle)) {
                CompletableFuture<Long> sum = sumOfRecords(reader, 2000);
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment payload = arena.allocate(120);
                    for (long i = 1; i <= 2000; i++) {
                        payload.set(ValueLayout.JAVA_LONG, 0, i);
                        writer.send(1, payload); // the 1 KiB ring fills: the writer waits too
                    }
                }
                assertThat(sum.get(20, TimeUnit.SECONDS)).isEqualTo(2000L * 2001 / 2);
            }
        }
    }

    /**
     * A writer on one CPU publishes records at random moments a few microseconds apart, and a
     * reader on the other sleeps at once whenever the ring is empty: so a record often lands
     * just as the reader announces its sleep, the race the barriers settle. The writer looks
     * for sleepers with no fence of its own (its process is registered for membarrier); a
     * wake-up it missed would be found by the reader's 25 ms slice instead, and counted.
     */
    @Test
    void aReaderThatSleepsAtOnceMissesNoWakeUpFromAWriterWithoutFences() throws Exception {
        assertThat(org.panamaipc.internal.Membarrier.registered()).as("the waker's fast path is on").isTrue();
        int records = 20_000;
        long lateBefore = EndWaits.lateWakeUps();
        try (Channel channel = Channel.createAnonymous(ChannelKind.ONE_TO_ONE, 64 * 1024);
                ChannelWriter writer = channel.writer(IdleStrategy.busySpin());
                ChannelReader reader = channel.reader(IdleStrategy.park(0))) {
            CompletableFuture<Long> sum = sumOfRecords(reader, records);
            java.util.SplittableRandom random = new java.util.SplittableRandom(42);
            long start = System.nanoTime();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment payload = arena.allocate(8);
                for (long i = 1; i <= records; i++) {
                    long until = System.nanoTime() + random.nextInt(50, 1_000);
                    while (System.nanoTime() - until < 0) {
                        Thread.onSpinWait();
                    }
                    payload.set(ValueLayout.JAVA_LONG, 0, i);
                    writer.send(1, payload);
                }
            }
            assertThat(sum.get(120, TimeUnit.SECONDS)).isEqualTo((long) records * (records + 1) / 2);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(EndWaits.lateWakeUps() - lateBefore)
                    .as("sleeps ended by their slice with a record there (%d records in %d ms)", records, millis)
                    .isZero();
        }
    }

    /**
     * A reader whose spins never find a record (the writer sends only every 2 ms, long after
     * 100 spins) stops spinning after eight such waits and sleeps at once, as it must where
     * its peer shares its CPU; one wait in 64 spins again. Every record still arrives.
     */
    @Test
    void aParkedReaderWhoseSpinsFindNothingStopsSpinning() throws Exception {
        int records = 40;
        long before = EndWaits.waitsWithoutSpins();
        try (Channel channel = Channel.createAnonymous(ChannelKind.ONE_TO_ONE, 1024);
                ChannelWriter writer = channel.writer();
                ChannelReader reader = channel.reader(IdleStrategy.park(100))) {
            CompletableFuture<Long> sum = sumOfRecords(reader, records);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment payload = arena.allocate(8);
                for (long i = 1; i <= records; i++) {
                    Thread.sleep(2); // pacing the writer: the reader waits for every record
                    payload.set(ValueLayout.JAVA_LONG, 0, i);
                    writer.send(1, payload);
                }
            }
            assertThat(sum.get(20, TimeUnit.SECONDS)).isEqualTo((long) records * (records + 1) / 2);
            assertThat(askers(channel.header())).as("a reader that spins asks for no fence").isZero();
        }
        assertThat(EndWaits.waitsWithoutSpins() - before).as("waits that slept at once")
                .isGreaterThanOrEqualTo(records - 8 - 1 - records / 64);
    }

    /**
     * A reader that never spins asks writers for their fence from its first sleep on (the
     * high half of the sleepers word), so that its later sleeps need no membarrier call; it
     * stops asking once it reads a stream without sleeping, and when it closes.
     */
    @Test
    void aSleepingReaderAsksForTheFenceUntilItReadsAStream() throws Exception {
        try (Channel channel = Channel.createAnonymous(ChannelKind.ONE_TO_ONE, 64 * 1024);
                ChannelWriter writer = channel.writer()) {
            ChannelReader reader = channel.reader(IdleStrategy.park(0));
            try {
                MemorySegment header = channel.header();
                assertThat(askers(header)).as("no one asks before a sleep").isZero();
                for (int round = 1; round <= 3; round++) {
                    CompletableFuture<Long> sum = sumOfRecords(reader, 1);
                    Deadline.after(WAIT).await(() -> channel.status().dataSleepers() == 1, "the reader sleeps");
                    writer.send(1, new byte[8]);
                    assertThat(sum.get(20, TimeUnit.SECONDS)).isZero();
                    assertThat(askers(header)).as("round %d: asking after a sleep", round).isEqualTo(1);
                }
                for (int i = 0; i < EndWaits.STOP_ASKING_AFTER; i++) {
                    assertThat(writer.offer(1, new byte[8])).isTrue();
                }
                int read = 0;
                while (read < EndWaits.STOP_ASKING_AFTER) {
                    read += reader.poll((t, b, o, l) -> { }, 1000);
                }
                assertThat(askers(header)).as("a stream read without sleeping stops the asking").isZero();
                CompletableFuture<Long> sum = sumOfRecords(reader, 1);
                Deadline.after(WAIT).await(() -> askers(header) == 1, "asking again at the next sleep");
                writer.send(1, new byte[8]);
                assertThat(sum.get(20, TimeUnit.SECONDS)).isZero();
                reader.close();
                assertThat(askers(header)).as("a closed reader asks for nothing").isZero();
                assertThat(channel.status().dataSleepers()).isZero();
            } finally {
                reader.close();
            }
        }
    }

    private static int askers(MemorySegment header) {
        return org.panamaipc.shm.SharedAtomics.getIntVolatile(header, ChannelLayout.DATA_SLEEPERS_OFFSET) >>> 16;
    }

    @Test
    void interruptEndsABlockedReceiveAndSend() throws Exception {
        try (Channel channel = Channel.createAnonymous(ChannelKind.ONE_TO_ONE, 1024);
                ChannelWriter writer = channel.writer();
                ChannelReader reader = channel.reader()) {
            BlockingChecks.interruptEndsTheCallPromptly(BlockingChecks.FUTEX, null, () -> reader.receive(),
                    InterruptedIOException.class);
            while (writer.offer(1, new byte[100])) {
                // fill it
            }
            BlockingChecks.interruptEndsTheCallPromptly(BlockingChecks.FUTEX, null, () -> {
                writer.send(1, new byte[100]);
                return null;
            }, InterruptedIOException.class);
            assertThat(reader.isOpen()).isTrue();
            assertThat(reader.poll((t, b, o, l) -> { }, 100)).as("nothing lost or added").isEqualTo(9);
        }
    }

    @Test
    void closeReleasesBlockedReceiversAndSenders() throws Exception {
        Channel channel = Channel.createAnonymous(ChannelKind.ONE_TO_ONE, 1024);
        ChannelWriter writer = channel.writer();
        ChannelReader reader = channel.reader();
        CompletableFuture<Throwable> receiving = failureOf(() -> reader.receive());
        Deadline.after(WAIT).await(() -> channel.status().dataSleepers() == 1, "the reader sleeps");
        reader.close();
        assertThat(receiving.get(10, TimeUnit.SECONDS)).isInstanceOf(AsynchronousCloseException.class);
        while (writer.offer(1, new byte[100])) {
            // fill it
        }
        CompletableFuture<Throwable> sending = failureOf(() -> {
            writer.send(1, new byte[100]);
            return null;
        });
        Deadline.after(WAIT).await(() -> channel.status().roomSleepers() == 1, "the writer sleeps");
        channel.close(); // closes its ends
        assertThat(sending.get(10, TimeUnit.SECONDS)).isInstanceOf(AsynchronousCloseException.class);
        assertThat(writer.isOpen()).isFalse();
    }

    /** {@return the sum of the first long of {@code records} records, received on another thread} */
    private static CompletableFuture<Long> sumOfRecords(ChannelReader reader, int records) {
        return CompletableFuture.supplyAsync(() -> {
            long[] total = {0};
            try {
                for (int i = 0; i < records; i++) {
                    reader.receive((t, b, o, l) -> total[0] += b.get(ValueLayout.JAVA_LONG_UNALIGNED, o));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return total[0];
        });
    }

    private static CompletableFuture<Throwable> failureOf(java.util.concurrent.Callable<?> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                call.call();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
    }

    @Test
    void virtualThreadsParkOnChannelWaitsWithoutHoldingTheirCarriers() throws Exception {
        int n = 50; // more than the carriers: pinned waits would never let the senders run
        List<Channel> channels = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ChannelMessage>> received = new ArrayList<>();
            List<ChannelWriter> writers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Channel channel = Channel.createAnonymous(ChannelKind.ONE_TO_ONE, 1024);
                channels.add(channel);
                writers.add(channel.writer());
                ChannelReader reader = channel.reader();
                received.add(threads.submit(() -> reader.receive()));
            }
            Deadline.after(WAIT).await(() -> channels.stream().allMatch(c -> c.status().dataSleepers() == 1),
                    "every virtual thread sleeps");
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ChannelWriter writer = writers.get(i);
                byte[] payload = {(byte) i};
                sent.add(threads.submit(() -> {
                    writer.send(7, payload);
                    return null;
                }));
            }
            for (int i = 0; i < n; i++) {
                sent.get(i).get(20, TimeUnit.SECONDS);
                assertThat(received.get(i).get(20, TimeUnit.SECONDS)).isEqualTo(new ChannelMessage(7, new byte[] {(byte) i}));
            }
        } finally {
            channels.forEach(Channel::close);
        }
    }

    @Test
    void aReaderWithADoorbellJoinsAWaitSet() throws Exception {
        try (Channel channel = Channel.createAnonymous(ChannelKind.ONE_TO_ONE, 1024);
                EventFd bell = EventFd.create(0, EventFd.Mode.COUNTER);
                ChannelReader reader = channel.reader().useDoorbell(bell);
                ChannelWriter writer = channel.writer().useDoorbell(bell);
                WaitSet set = WaitSet.create()) {
            WaitSet.Key key = set.register(reader, Interest.READABLE);
            assertThat(set.select(Duration.ofMillis(20))).isEmpty();
            writer.offer(4, new byte[] {1, 2});
            assertThat(set.select(WAIT)).containsExactly(key);
            assertThat(reader.poll((t, b, o, l) -> assertThat(t).isEqualTo(4), 10)).isEqualTo(1);
            assertThat(reader.poll((t, b, o, l) -> { }, 10)).isZero();
            assertThat(set.select(Duration.ofMillis(20))).as("the empty poll took the ring").isEmpty();
        }
        try (Channel channel = Channel.createAnonymous(ChannelKind.ONE_TO_ONE, 1024);
                ChannelReader reader = channel.reader()) {
            assertThatThrownBy(reader::fd).isInstanceOf(IllegalStateException.class).hasMessageContaining("doorbell");
        }
    }

    @Test
    void offerClaimCommitAndPollAllocateNothing() throws Exception {
        try (Channel channel = Channel.createAnonymous(ChannelKind.ONE_TO_ONE, 64 * 1024);
                ChannelWriter writer = channel.writer();
                ChannelReader reader = channel.reader();
                Arena arena = Arena.ofConfined()) {
            MemorySegment payload = arena.allocate(64);
            long[] sum = {0};
            RecordHandler handler = (type, buffer, offset, length) -> sum[0] += buffer.get(ValueLayout.JAVA_LONG, offset);
            for (int round = 0; round < 3; round++) {
                long before = Allocation.currentThread();
                for (int i = 0; i < 200_000; i++) {
                    payload.set(ValueLayout.JAVA_LONG, 0, i);
                    writer.offer(1, payload);
                    ChannelClaim claim = writer.tryClaim(2, 64);
                    claim.buffer().set(ValueLayout.JAVA_LONG, claim.offset(), i);
                    claim.commit();
                    reader.poll(handler, 8);
                }
                long bytes = Allocation.currentThread() - before;
                if (round == 2) {
                    assertThat(bytes).as("bytes allocated by 200,000 offers, claims, commits and polls once warm")
                            .isLessThan(4096);
                }
            }
            assertThat(sum[0]).isPositive();
        }
    }
}
