package org.panamaipc.pipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.panamaipc.testing.Allocation;
import org.panamaipc.testing.IpcTest;

/**
 * Writing and reading a native segment through a pipe or a FIFO allocates nothing once warm,
 * untimed and timed, on a platform thread, and so do an array and byte buffers through a pipe (one thread writes and then reads: no call waits).
 */
@IpcTest
class PipeAllocationTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final int STEPS = 10_000;

    @TempDir
    Path dir;

    @Test
    void pipeWriteAndReadOfASegmentAllocateNothing() throws Exception {
        try (Pipe pipe = Pipe.open(); Arena arena = Arena.ofConfined()) {
            assertThat(bytesPerStep(pipe, arena)).as("bytes per pipe write/read step").isLessThan(1);
        }
    }

    @Test
    void fifoWriteAndReadOfASegmentAllocateNothing() throws Exception {
        Path path = dir.resolve("fifo");
        Fifo.create(path);
        try (Pipe fifo = Fifo.openReadWrite(path); Arena arena = Arena.ofConfined()) {
            assertThat(bytesPerStep(fifo, arena)).as("bytes per FIFO write/read step").isLessThan(1);
        } finally {
            Fifo.unlink(path);
        }
    }

    @Test
    void pipeWriteAndReadOfAnArrayAllocateNothingOnAPlatformThread() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            byte[] out = new byte[64];
            byte[] in = new byte[80];
            out[63] = 9;
            PipeSink sink = pipe.sink();
            PipeSource source = pipe.source();
            assertThat(Allocation.bytesPerCall(STEPS, () -> {
                if (sink.write(out, 0, 64) != 64 || source.read(in, 16, 64) != 64 || in[16 + 63] != 9) {
                    throw new AssertionError("short or wrong transfer");
                }
            })).as("bytes per pipe write/read step of an array").isLessThan(1);
        }
    }

    @Test
    void pipeWriteAndReadOfByteBuffersAllocateNothingOnAPlatformThread() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            PipeSink sink = pipe.sink();
            PipeSource source = pipe.source();
            for (boolean direct : new boolean[] {false, true}) {
                ByteBuffer out = direct ? ByteBuffer.allocateDirect(64) : ByteBuffer.allocate(64);
                ByteBuffer in = direct ? ByteBuffer.allocateDirect(80) : ByteBuffer.allocate(80);
                out.put(63, (byte) 5);
                assertThat(Allocation.bytesPerCall(STEPS, () -> {
                    out.clear();
                    in.clear().position(8);
                    if (sink.write(out) != 64 || out.hasRemaining() || source.read(in) != 64 || in.position() != 72
                            || in.get(8 + 63) != 5) {
                        throw new AssertionError("short or wrong transfer");
                    }
                })).as("bytes per pipe write/read step of %s buffers", direct ? "direct" : "heap").isLessThan(1);
            }
        }
    }

    private static double bytesPerStep(Pipe pipe, Arena arena) throws Exception {
        MemorySegment out = arena.allocate(64);
        MemorySegment in = arena.allocate(64);
        PipeSink sink = pipe.sink();
        PipeSource source = pipe.source();
        return Allocation.bytesPerCall(STEPS, () -> {
            if (sink.write(out) != 64 || source.read(in) != 64 || sink.write(out, LIMIT) != 64
                    || source.read(in, LIMIT) != 64) {
                throw new AssertionError("short transfer");
            }
        });
    }
}
