package org.panamaipc.pipe;

import org.panamaipc.testing.Blocked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panamaipc.BrokenPipeException;
import org.panamaipc.Errno;
import org.panamaipc.IpcException;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Sys;
import org.panamaipc.testing.IpcTest;

@IpcTest
class PipeTest {

    @Test
    void bytesWrittenToNativeMemoryAreReadBack() throws IOException {
        try (Pipe pipe = Pipe.open(); Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocateFrom("hello pipe");
            assertThat(pipe.sink().write(out)).isEqualTo(out.byteSize());
            MemorySegment in = arena.allocate(64);
            long n = pipe.source().read(in);
            assertThat(n).isEqualTo(out.byteSize());
            assertThat(in.getString(0)).isEqualTo("hello pipe");
        }
    }

    @Test
    void nativeWritesAndReadsAllocateNothing() throws Exception {
        // Reached reflectively: the module under test does not read java.management.
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        java.lang.reflect.Method allocatedBytes = Class.forName("com.sun.management.ThreadMXBean")
                .getMethod("getCurrentThreadAllocatedBytes");
        try (Pipe pipe = Pipe.open(); Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(64);
            MemorySegment in = arena.allocate(64);
            // Until the JIT has compiled the path, the interpreter allocates; measure rounds
            // of 10,000 round trips until one allocates (next to) nothing, or give up.
            long allocated = Long.MAX_VALUE;
            long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (allocated >= 1_000 && System.nanoTime() < end) {
                long before = (long) allocatedBytes.invoke(threads);
                for (int i = 0; i < 10_000; i++) {
                    pipe.sink().write(out);
                    pipe.source().read(in);
                }
                allocated = (long) allocatedBytes.invoke(threads) - before;
            }
            assertThat(allocated).as("bytes allocated by 10,000 round trips once compiled").isLessThan(1_000);
        }
    }

    @Test
    void readSeesEndOfFileOnceTheWriterCloses() throws IOException {
        try (Pipe pipe = Pipe.open(); Arena arena = Arena.ofConfined()) {
            pipe.sink().write(new byte[] {1, 2, 3}, 0, 3);
            pipe.sink().close();
            MemorySegment in = arena.allocate(16);
            assertThat(pipe.source().read(in)).isEqualTo(3);
            assertThat(pipe.source().read(in)).isEqualTo(-1);
        }
    }

    @Test
    void writeWithoutReaderThrowsBrokenPipeAndTheJvmLives() throws IOException {
        try (Pipe pipe = Pipe.open()) {
            pipe.source().close();
            assertThatThrownBy(() -> pipe.sink().write(new byte[] {1}, 0, 1))
                    .isInstanceOf(BrokenPipeException.class)
                    .hasMessageContaining("write(fd=")
                    .hasMessageContaining("EPIPE (Broken pipe)")
                    .satisfies(e -> assertThat(((IpcException) e).errno()).isEqualTo(Errno.EPIPE));
        }
        // Still here: SIGPIPE did not terminate the process.
        assertThat(Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("SigCgt:")).findFirst().orElseThrow())
                .satisfies(line -> assertThat(Long.parseUnsignedLong(line.substring(7).trim(), 16)
                        & (1L << (LibC.SIGPIPE() - 1))).as("JVM catches SIGPIPE").isNotZero());
    }

    @Test
    void nonBlockingReadOfAnEmptyPipeReturnsZero() throws IOException {
        try (Pipe pipe = Pipe.open(EnumSet.of(PipeFlag.NON_BLOCKING)); Arena arena = Arena.ofConfined()) {
            assertThat(pipe.source().isBlocking()).isFalse();
            assertThat(pipe.source().read(arena.allocate(8))).isZero();
            pipe.source().setBlocking(true);
            assertThat(pipe.source().isBlocking()).isTrue();
        }
    }

    @Test
    void timedReadReturnsZeroWhenNothingArrives() throws IOException {
        try (Pipe pipe = Pipe.open(); Arena arena = Arena.ofConfined()) {
            long start = System.nanoTime();
            assertThat(pipe.source().read(arena.allocate(8), Duration.ofMillis(100))).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        }
    }

    @Test
    void timedWriteToAFullPipeReturnsWhatFit() throws IOException {
        try (Pipe pipe = Pipe.open(); Arena arena = Arena.ofConfined()) {
            int capacity = pipe.sink().capacity();
            MemorySegment big = arena.allocate(capacity * 2L);
            assertThat(pipe.sink().write(big, Duration.ofMillis(50))).isEqualTo(capacity);
        }
    }

    @Test
    void closeFromAnotherThreadReleasesABlockedReader() throws Exception {
        try (Pipe pipe = Pipe.open(); Arena arena = Arena.ofShared()) {
            MemorySegment in = arena.allocate(8);
            Blocked<Long> reader = Blocked.start(Blocked.READ, () -> pipe.source().read(in));
            pipe.source().close();
            assertThatThrownBy(() -> reader.result().get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(AsynchronousCloseException.class);
        }
    }

    @Test
    void interruptingABlockedReaderClosesTheEndAsTheJdkChannelsDo() throws Exception {
        try (Pipe pipe = Pipe.open(); Arena arena = Arena.ofShared()) {
            MemorySegment in = arena.allocate(8);
            Blocked<Long> reader = Blocked.start(Blocked.READ, () -> pipe.source().read(in));
            long start = System.nanoTime();
            reader.thread().interrupt();
            assertThatThrownBy(() -> reader.result().get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(java.nio.channels.ClosedByInterruptException.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(100);
            assertThat(pipe.source().isOpen()).isFalse();
            assertThatThrownBy(() -> pipe.source().read(in)).isInstanceOf(ClosedChannelException.class);
            assertThat(pipe.sink().isOpen()).isTrue();
        }
    }

    @Test
    void interruptingATimedReadOrABlockedWriteClosesTheEnd() throws Exception {
        try (Pipe pipe = Pipe.open(); Arena arena = Arena.ofShared()) {
            MemorySegment in = arena.allocate(8);
            Blocked<Long> reader = Blocked.start(Blocked.POLL, () -> pipe.source().read(in, Duration.ofSeconds(30)));
            reader.thread().interrupt();
            assertThatThrownBy(() -> reader.get(Duration.ofSeconds(5)))
                    .hasCauseInstanceOf(java.nio.channels.ClosedByInterruptException.class);
            assertThat(pipe.source().isOpen()).isFalse();
        }
        try (Pipe pipe = Pipe.open(); Arena arena = Arena.ofShared()) {
            MemorySegment big = arena.allocate(pipe.sink().capacity() * 2L);
            Blocked<Long> writer = Blocked.start(Blocked.WRITE, () -> pipe.sink().write(big));
            writer.thread().interrupt();
            assertThatThrownBy(() -> writer.get(Duration.ofSeconds(5)))
                    .hasCauseInstanceOf(java.nio.channels.ClosedByInterruptException.class);
            assertThat(pipe.sink().isOpen()).isFalse();
            assertThat(pipe.source().isOpen()).isTrue();
        }
    }

    @Test
    void closeFromAnotherThreadReleasesABlockedWriter() throws Exception {
        try (Pipe pipe = Pipe.open(); Arena arena = Arena.ofShared()) {
            MemorySegment big = arena.allocate(pipe.sink().capacity() * 2L);
            Blocked<Long> writer = Blocked.start(Blocked.WRITE, () -> pipe.sink().write(big));
            pipe.sink().close();
            assertThatThrownBy(() -> writer.result().get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(AsynchronousCloseException.class);
        }
    }

    @Test
    void useAfterCloseThrowsClosedChannel() throws IOException {
        Pipe pipe = Pipe.open();
        pipe.close();
        pipe.close();
        assertThat(pipe.source().isOpen()).isFalse();
        assertThatThrownBy(() -> pipe.source().read(ByteBuffer.allocate(1))).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> pipe.sink().write(ByteBuffer.allocate(1))).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> pipe.sink().capacity()).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void capacityCanBeRaisedUpToTheLimit() throws IOException {
        try (Pipe pipe = Pipe.open()) {
            assertThat(pipe.source().capacity()).isEqualTo(65536);
            int max = Pipe.maxCapacity();
            assertThat(max).isPositive();
            assertThat(pipe.sink().setCapacity(max)).isEqualTo(max);
            assertThat(pipe.source().capacity()).isEqualTo(max);
            assertThat(pipe.sink().setCapacity(5000)).isEqualTo(8192);
        }
    }

    @Test
    void capacityOverTheLimitIsRefusedNamingTheLimit() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeFalse(hasCapSysResource(),
                "CAP_SYS_RESOURCE lets this process exceed pipe-max-size");
        try (Pipe pipe = Pipe.open()) {
            int max = Pipe.maxCapacity();
            assertThatThrownBy(() -> pipe.sink().setCapacity(max * 2))
                    .isInstanceOf(IpcException.class)
                    .hasMessageContaining("F_SETPIPE_SZ, " + (max * 2))
                    .hasMessageContaining("/proc/sys/fs/pipe-max-size=" + max)
                    .hasMessageContaining("EPERM");
        }
        try (Pipe pipe = Pipe.open()) {
            assertThatThrownBy(() -> pipe.sink().setCapacity(0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static boolean hasCapSysResource() throws IOException {
        String eff = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow().substring(7).trim();
        return (Long.parseUnsignedLong(eff, 16) & (1L << 24)) != 0;
    }

    @Test
    void packetModeKeepsWriteBoundaries() throws IOException {
        try (Pipe pipe = Pipe.open(EnumSet.of(PipeFlag.PACKET)); Arena arena = Arena.ofConfined()) {
            pipe.sink().write(arena.allocateFrom("one"));
            pipe.sink().write(arena.allocateFrom("three"));
            MemorySegment in = arena.allocate(64);
            assertThat(pipe.source().read(in)).isEqualTo(4);
            assertThat(in.getString(0)).isEqualTo("one");
            assertThat(pipe.source().read(in)).isEqualTo(6);
            assertThat(in.getString(0)).isEqualTo("three");
        }
    }

    @Test
    void channelsAndStreamsCarryHeapAndDirectBuffers() throws IOException {
        try (Pipe pipe = Pipe.open()) {
            ByteBuffer heap = ByteBuffer.wrap("heap-".getBytes(StandardCharsets.US_ASCII));
            ByteBuffer direct = ByteBuffer.allocateDirect(6).put("direct".getBytes(StandardCharsets.US_ASCII)).flip();
            assertThat(pipe.sink().write(heap)).isEqualTo(5);
            assertThat(pipe.sink().write(direct)).isEqualTo(6);
            assertThat(heap.hasRemaining()).isFalse();
            pipe.sink().outputStream().write("!stream".getBytes(StandardCharsets.US_ASCII));
            pipe.sink().close();
            ByteBuffer in = ByteBuffer.allocateDirect(5);
            assertThat(pipe.source().read(in)).isEqualTo(5);
            assertThat(in.flip()).isEqualTo(ByteBuffer.wrap("heap-".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer heapIn = ByteBuffer.allocate(6);
            assertThat(pipe.source().read(heapIn)).isEqualTo(6);
            assertThat(new String(heapIn.array(), StandardCharsets.US_ASCII)).isEqualTo("direct");
            assertThat(new String(pipe.source().inputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("!stream");
        }
    }

    @Test
    void splicesFromAPipeIntoAFileAndBack(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("spliced");
        try (Pipe pipe = Pipe.open(); Arena arena = Arena.ofConfined();
             OwnedFd out = openFile(arena, file, LibC.O_WRONLY() | LibC.O_CREAT())) {
            pipe.sink().write(arena.allocateFrom("zero copy"));
            assertThat(pipe.source().spliceTo(out, 1 << 20)).isEqualTo(10);
        }
        assertThat(Files.readAllBytes(file)).hasSize(10);
        try (Pipe pipe = Pipe.open(); Arena arena = Arena.ofConfined();
             OwnedFd in = openFile(arena, file, LibC.O_RDONLY())) {
            assertThat(pipe.sink().spliceFrom(in, 1 << 20)).isEqualTo(10);
            assertThat(pipe.sink().spliceFrom(in, 1 << 20)).isEqualTo(-1);
            MemorySegment back = arena.allocate(16);
            assertThat(pipe.source().read(back)).isEqualTo(10);
            assertThat(back.getString(0)).isEqualTo("zero copy");
        }
    }

    @Test
    void teeCopiesWithoutConsuming() throws IOException {
        try (Pipe a = Pipe.open(); Pipe b = Pipe.open(); Arena arena = Arena.ofConfined()) {
            a.sink().write(arena.allocateFrom("twice"));
            assertThat(a.source().teeTo(b.sink(), 100)).isEqualTo(6);
            MemorySegment in = arena.allocate(16);
            assertThat(a.source().read(in)).isEqualTo(6);
            assertThat(in.getString(0)).isEqualTo("twice");
            assertThat(b.source().read(in)).isEqualTo(6);
            assertThat(in.getString(0)).isEqualTo("twice");
        }
    }

    @Test
    void vmspliceHandsMemoryToThePipe() throws IOException {
        try (Pipe pipe = Pipe.open(); Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(4096, 4096);
            for (int i = 0; i < 4096; i++) {
                page.set(ValueLayout.JAVA_BYTE, i, (byte) i);
            }
            assertThat(pipe.sink().vmsplice(page)).isEqualTo(4096);
            MemorySegment in = arena.allocate(4096);
            assertThat(pipe.source().read(in)).isEqualTo(4096);
            assertThat(in.mismatch(page)).isEqualTo(-1);
        }
        try (Pipe pipe = Pipe.open()) {
            assertThatThrownBy(() -> pipe.sink().vmsplice(MemorySegment.ofArray(new byte[4])))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    static OwnedFd openFile(Arena arena, Path file, int flags) throws IOException {
        int fd = Sys.open(arena.allocateFrom(file.toString()), flags | LibC.O_CLOEXEC(), 0600);
        if (fd < 0) {
            throw new IOException("open " + file + ": " + Errno.describe(-fd));
        }
        return OwnedFd.adopt(fd);
    }
}
