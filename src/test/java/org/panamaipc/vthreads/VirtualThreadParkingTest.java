package org.panamaipc.vthreads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.panamaipc.testing.IpcTest;
import org.panamaipc.testing.PeerJvm;
import org.panamaipc.testing.PeerProcess;
import org.panamaipc.testing.PinnedEvents;

/**
 * Virtual threads blocked in the library park instead of pinning their carriers: thousands
 * of them, each on an object of its own, leave the scheduler free (a counting virtual thread
 * counts on), each wakes with its own event, and close and interrupt release them all. The
 * scenarios run in one peer JVM ({@link ParkingPeer}) of their own: 16,000 pipe descriptors
 * would not fit beside the test JVM's, and the peer records a flight recording (no virtual
 * thread may park pinned) and tracks its native memory (what a parked virtual thread costs).
 */
@IpcTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VirtualThreadParkingTest {
    /** Readers of a pipe each: 16,000 descriptors. */
    private static final int PIPE_READERS = 8000;
    /** Waiters of the other kinds. */
    private static final int WAITERS = 1000;
    /** The goal: the library's own native memory per parked virtual thread. */
    private static final long LIBRARY_BYTES_PER_PARKED_THREAD = 1024;
    /** Native memory a parked virtual thread may cost in all, the JDK's included: a bound that fails. */
    private static final long NATIVE_BYTES_PER_PARKED_THREAD = 4096;
    /** The buffer a reader of a pipe passes, as a {@code BufferedInputStream} would. */
    private static final int READ_BUFFER = 8192;
    private static final Path QUEUES_MAX = Path.of("/proc/sys/fs/mqueue/queues_max");
    private static final Duration ANSWER = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static PeerProcess peer;
    private static Path recording;

    @BeforeAll
    static void startPeer() {
        recording = dir.resolve("pinned.jfr");
        peer = PeerJvm.builder(ParkingPeer.class).onClassPath()
                .jvmArgs(PinnedEvents.startRecording(recording))
                // a heap of fixed size, so that what grows while the waiters park is native memory
                .jvmArgs("-XX:NativeMemoryTracking=summary", "-Xms256m", "-Xmx256m")
                .start();
        peer.expectReady();
    }

    @AfterAll
    static void stopPeer() {
        if (peer != null) {
            peer.close();
        }
    }

    static List<String> gates() {
        return Gate.names();
    }

    /**
     * First: the witness the other tests rely on can fail. Virtual threads that block every
     * carrier in a plain downcall, as the library must not, stop the counter.
     */
    @Test
    @Order(0)
    void theCounterStopsWhileEveryCarrierIsBlocked() {
        Map<String, String> facts = ask("counter-control");
        assertThat(Integer.parseInt(facts.get("blocked"))).as("virtual threads holding a carrier")
                .isGreaterThanOrEqualTo(Integer.parseInt(facts.get("carriers")));
        assertThat(facts.get("counterStopped")).as("the counter stopped while every carrier was held")
                .isEqualTo("true");
        assertThat(facts).as("the counter counted again once they were released").containsKey("counterResumedMicros");
    }

    @Test
    @Order(1)
    @Timeout(90)
    void eightThousandPipeReadersIntoArraysParkOnThePollerAndCostLittleNativeMemory() throws IOException {
        assumeDescriptors(2 * PIPE_READERS + 100);
        waitOnDescriptors("pipe-array " + PIPE_READERS + " true " + READ_BUFFER, PIPE_READERS, true,
                "pipe read(byte[" + READ_BUFFER + "])");
    }

    @Test
    @Order(2)
    @Timeout(90)
    void eightThousandPipeReadersIntoSegmentsParkOnThePollerAndCostLittleNativeMemory() throws IOException {
        assumeDescriptors(2 * PIPE_READERS + 100);
        waitOnDescriptors("pipe-segment " + PIPE_READERS + " true", PIPE_READERS, true, "pipe read(MemorySegment)");
    }

    @Test
    @Order(3)
    void aThousandPosixQueueReceiversParkOnThePoller() throws IOException {
        // read at once: a sysctl file read in pieces (as Files.readString does) gives its first byte alone
        long max = Long.parseLong(Files.readAllLines(QUEUES_MAX).getFirst().strip());
        boolean raise = max < WAITERS + 100;
        Assumptions.assumeTrue(!raise || Files.isWritable(QUEUES_MAX), "the scenario needs " + QUEUES_MAX
                + " >= " + (WAITERS + 100) + " and it is " + max + ", not writable here (run as root in an IPC"
                + " namespace of its own, as .ci/run does)");
        if (raise) {
            Files.writeString(QUEUES_MAX, Long.toString(max + WAITERS + 100));
        }
        try {
            waitOnDescriptors("posix-queue " + WAITERS + " true", WAITERS, false, "POSIX queue receive()");
        } finally {
            if (raise) {
                Files.writeString(QUEUES_MAX, Long.toString(max));
            }
        }
    }

    @Test
    @Order(4)
    void aThousandSocketReceiversParkOnThePoller() {
        waitOnDescriptors("socket-pair " + WAITERS + " true", WAITERS, true, "socket receive(byte[64])");
    }

    @Test
    @Order(5)
    void aThousandEventFdWaitersParkOnThePoller() {
        waitOnDescriptors("eventfd " + WAITERS + " true", WAITERS, false, "eventfd await()");
    }

    @ParameterizedTest
    @MethodSource("gates")
    @Order(6)
    void aThousandWaitersWithoutDescriptorParkWhileThePoolWaitsAndEachWakesForItsOwnEvent(String gate) {
        Map<String, String> facts = ask("gate " + gate + " " + WAITERS);
        int interrupted = Math.min(WAITERS, OffloadedWaits.INTERRUPTED);
        for (String round : List.of("release", "interrupt")) {
            int n = round.equals("release") ? WAITERS : interrupted;
            assertThat(facts.get(round + ".parkedIn")).as(round + ": where the waiters parked: all in one place of the"
                    + " library, not its poller").matches("\\w+\\.\\w+:" + n).doesNotStartWith("Poller.");
            assertThat(Integer.parseInt(facts.get(round + ".poolThreadsInCalls")))
                    .as(round + ": the library's platform threads sleeping in the call").isGreaterThanOrEqualTo(n);
            assertThat(facts).as(round + ": the counter counted on").containsKey(round + ".counterMicros")
                    .containsKey(round + ".counterWhileLeavingMicros");
        }
        assertThat(facts.get("release.endedEarly")).as("waiters that returned before their event").isEqualTo("0");
        assertThat(facts.get("release.ok")).as("waiters that returned what their own event gave")
                .isEqualTo("" + WAITERS);
        assertThat(facts.get("interrupt.asExpected")).as("waiters ended by interrupt with the expected exception: "
                + facts.get("interrupt.outcomes")).isEqualTo("" + interrupted);
        assertThat(facts.get("interrupt.statusKept")).as("interrupt status kept").isEqualTo("" + interrupted);
    }

    /**
     * Last: ends the peer, which writes its flight recording, and looks for virtual threads
     * that parked pinned. The peer pins one on purpose first (a park in a class initialiser),
     * which must be there: a recording that shows nothing because it recorded nothing would
     * prove nothing.
     */
    @Test
    @Order(100)
    void noVirtualThreadParkedPinnedToItsCarrier() throws IOException {
        assertThat(ask("pin-control")).containsEntry("thread", "pin-control");
        peer.close(Duration.ofSeconds(30));
        assertThat(recording).as("the peer's flight recording, written as it exits").exists();
        List<PinnedEvents.Pinned> pinned = PinnedEvents.read(recording);
        assertThat(pinned).as("the pinned park made on purpose").anyMatch(p -> p.thread().equals("pin-control"));
        List<PinnedEvents.Pinned> ours = pinned.stream().filter(p -> !p.thread().equals("pin-control")).toList();
        assertThat(ours).as("virtual threads that parked pinned:\n%s",
                String.join("\n", ours.stream().map(String::valueOf).toList())).isEmpty();
    }


    // ---------------------------------------------------------------- helpers

    private static Map<String, String> ask(String command) {
        peer.send(command);
        String answer = peer.readLine(ANSWER);
        if (!answer.startsWith("RESULT ")) {
            fail("the peer answered \"" + command + "\" with " + answer + "\n" + peer.stderr());
        }
        Map<String, String> facts = Facts.parse(answer.substring("RESULT ".length()));
        System.out.println(command + ": " + facts);
        return facts;
    }

    /**
     * Runs {@link DescriptorWaits} in the peer and checks its three rounds and the native memory
     * a parked waiter cost.
     *
     * @param scenario the words after {@code descriptor}: subject, waiters, measure memory, options
     * @param n how many waiters
     * @param channel whether the objects are channels (an interrupt closes them)
     * @param how the waiting call, for the printed figures
     */
    private static void waitOnDescriptors(String scenario, int n, boolean channel, String how) {
        Map<String, String> facts = ask("descriptor " + scenario);
        assertDescriptorWaits(facts, n, channel);
        assertNativeMemory(how, facts, n);
    }

    /** The three rounds of {@link DescriptorWaits}, each with all {@code n} waiters parked on the poller. */
    private static void assertDescriptorWaits(Map<String, String> facts, int n, boolean channel) {
        for (String round : List.of("give", "close", "interrupt")) {
            assertThat(facts.get(round + ".parkedIn")).as(round + ": where the waiters parked: the library's poller")
                    .matches("Poller\\.\\w+:" + n);
            assertThat(facts.get(round + ".poolThreadsInCalls")).as(round + ": platform threads sleeping for them")
                    .isEqualTo("0");
            assertThat(facts).as(round + ": the counter counted on").containsKey(round + ".counterMicros");
        }
        assertThat(facts.get("give.ok")).as("waiters that got their own content").isEqualTo("" + n);
        assertThat(facts.get("close.asExpected")).as("waiters released by close() with AsynchronousCloseException: "
                + facts.get("close.outcomes")).isEqualTo("" + n);
        assertThat(facts.get("interrupt.asExpected")).as("waiters ended by interrupt with the expected exception: "
                + facts.get("interrupt.outcomes")).isEqualTo("" + n);
        assertThat(facts.get("interrupt.statusKept")).as("interrupt status kept").isEqualTo("" + n);
        assertThat(facts.get("interrupt.stillOpen")).as("objects left open by the interrupt (a channel closes)")
                .isEqualTo(channel ? "0" : "" + n);
    }

    /**
     * Prints what a parked waiter costs in native memory and checks it against two bounds:
     * the library's own allocations (NMT's "Other", where FFM arenas go) against the goal of
     * 1 KiB, and, with thousands of waiters (whose growth drowns what the JIT and the collector
     * add or free meanwhile), all native memory against a generous 4 KiB.
     */
    private static void assertNativeMemory(String how, Map<String, String> facts, int n) {
        double library = Long.parseLong(facts.get("memory.otherMallocKb")) * 1024.0 / n;
        double blocks = Long.parseLong(facts.get("memory.otherMallocBlocks")) / (double) n;
        double total = Long.parseLong(facts.get("memory.nativeKb")) * 1024.0 / n;
        double threads = Long.parseLong(facts.get("memory.threadKb")) * 1024.0 / n;
        System.out.printf("native memory per parked virtual thread in %s: %.0f B malloc'ed by the library"
                + " (%.1f blocks, NMT \"Other\"), %.0f B of platform threads, %.0f B in all%n",
                how, library, blocks, threads, total);
        assertThat(library).as("native bytes the library holds per parked virtual thread, NMT \"Other\"")
                .isLessThanOrEqualTo(LIBRARY_BYTES_PER_PARKED_THREAD);
        if (n >= PIPE_READERS) {
            assertThat(total).as("native bytes per parked virtual thread, in all")
                    .isLessThan(NATIVE_BYTES_PER_PARKED_THREAD);
        }
    }

    /** Skips when the peer may not open so many descriptors. */
    private static void assumeDescriptors(int needed) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + peer.pid() + "/limits"))) {
            if (line.startsWith("Max open files")) {
                String limit = line.substring("Max open files".length()).strip().split("\\s+")[0];
                long soft = limit.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(limit);
                Assumptions.assumeTrue(soft >= needed, "the scenario needs " + needed
                        + " descriptors and the peer may open " + soft + " (ulimit -n)");
            }
        }
    }
}
