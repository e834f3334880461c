package org.panamaipc.bench.ffm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.panamaipc.bench.infra.Jvm;
import org.panamaipc.bench.infra.Placement;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.socket.SocketPair;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixSocket;

/**
 * A 64-byte send and receive on one thread, through the library's pipe and Unix stream and
 * datagram sockets, where nothing ever waits: what a call that finds its room or data already
 * there costs the library over C, with no wake-up in the figure, so that a machine whose
 * wake-ups across CPUs are slow still measures it. C: {@code bench/c/syscall.c} modes
 * {@code pipe_pair}, {@code stream_pair}, {@code dgram_pair}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
public class ReadyPairs {
    private static final int BYTES = 64;

    private Arena arena;
    private MemorySegment buf;
    private Pipe pipe;
    private SocketPair stream;
    private SocketPair datagram;

    /**
     * Opens the pipe and the two socket pairs.
     *
     * @throws IOException if one cannot be opened
     */
    @Setup(Level.Trial)
    public void open() throws IOException {
        arena = Arena.ofConfined();
        buf = arena.allocate(BYTES);
        try {
            pipe = Pipe.open();
            stream = UnixSocket.pair(SocketType.STREAM);
            datagram = UnixSocket.pair(SocketType.DATAGRAM);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Runs on the CPU the C program runs on. */
    @Setup(Level.Iteration)
    public void pin() {
        Placement.SAME.pinBenchThread();
    }

    /** Closes what {@link #open()} opened; a second call (after a failed set-up) does nothing. */
    @TearDown(Level.Trial)
    public void close() {
        if (pipe != null) {
            pipe.close();
        }
        if (stream != null) {
            stream.close();
        }
        if (datagram != null) {
            datagram.close();
        }
        if (arena != null && arena.scope().isAlive()) {
            arena.close();
        }
    }

    /**
     * {@return the bytes read back} after writing 64 bytes into the pipe.
     *
     * @throws IOException on an unexpected error
     */
    @Benchmark
    public long pipe() throws IOException {
        pipe.sink().write(buf);
        return pipe.source().read(buf);
    }

    /**
     * {@return the bytes received} after sending 64 bytes over the stream pair.
     *
     * @throws IOException on an unexpected error
     */
    @Benchmark
    public long stream() throws IOException {
        stream.first().send(buf);
        return stream.second().receive(buf);
    }

    /**
     * {@return the bytes received} after sending a 64-byte datagram over the pair.
     *
     * @throws IOException on an unexpected error
     */
    @Benchmark
    public long datagram() throws IOException {
        datagram.first().send(buf);
        return datagram.second().receive(buf);
    }
}
