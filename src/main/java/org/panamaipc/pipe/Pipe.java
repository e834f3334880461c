package org.panamaipc.pipe;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumSet;
import java.util.Set;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.Sys;

/**
 * An anonymous pipe: a {@link PipeSource} to read from and a {@link PipeSink} to write to,
 * both close-on-exec. Give an end to a child process with
 * {@link org.panamaipc.process.ChildProcess.Builder#mapFd(int, PipeEnd)}, then close your copy of it so that end
 * of file and broken pipe are seen when the child is done.
 *
 * <pre>{@code
 * try (Pipe pipe = Pipe.open()) {
 *     pipe.sink().write("hello".getBytes(), 0, 5);
 *     pipe.sink().close();                        // the reader sees end of file after "hello"
 *     byte[] b = pipe.source().inputStream().readAllBytes();
 * }
 * }</pre>
 *
 * <p><b>Lifetime.</b> Each end is closed by its own {@code close()}; {@link #close()}
 * closes both.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/pipe2.2.html">pipe2(2)</a>
 * @see <a href="https://man7.org/linux/man-pages/man7/pipe.7.html">pipe(7)</a>
 */
public final class Pipe implements AutoCloseable {
    private final PipeSource source;
    private final PipeSink sink;

    Pipe(PipeSource source, PipeSink sink) {
        this.source = source;
        this.sink = sink;
    }

    /**
     * Opens a blocking pipe in byte-stream mode.
     *
     * @return the pipe
     * @throws IOException EMFILE or ENFILE when out of descriptors
     */
    public static Pipe open() throws IOException {
        NativeAccess.require();
        return open(EnumSet.noneOf(PipeFlag.class));
    }

    /**
     * Opens a pipe with options.
     *
     * @param flags {@link PipeFlag#NON_BLOCKING} and/or {@link PipeFlag#PACKET}
     * @return the pipe
     * @throws IOException EMFILE or ENFILE when out of descriptors
     */
    public static Pipe open(Set<PipeFlag> flags) throws IOException {
        NativeAccess.require();
        Check.notNull("flags", flags);
        int f = LibC.O_CLOEXEC();
        String names = "O_CLOEXEC";
        if (flags.contains(PipeFlag.NON_BLOCKING)) {
            f |= LibC.O_NONBLOCK();
            names += "|O_NONBLOCK";
        }
        if (flags.contains(PipeFlag.PACKET)) {
            f |= LibC.O_DIRECT();
            names += "|O_DIRECT";
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
            int r = Sys.pipe2(fds, f);
            if (r < 0) {
                throw Errors.of("pipe2", names, -r);
            }
            return new Pipe(new PipeSource(OwnedFd.adopt(fds.getAtIndex(ValueLayout.JAVA_INT, 0))),
                    new PipeSink(OwnedFd.adopt(fds.getAtIndex(ValueLayout.JAVA_INT, 1))));
        }
    }

    /**
     * The largest capacity an unprivileged process may give a pipe with
     * {@link PipeEnd#setCapacity(int)}: {@code /proc/sys/fs/pipe-max-size}.
     *
     * @return the limit in bytes, or -1 if it cannot be read
     */
    public static int maxCapacity() {
        NativeAccess.require();
        return PipeEnd.pipeMaxSize();
    }

    /** {@return the read end} */
    public PipeSource source() {
        return source;
    }

    /** {@return the write end} */
    public PipeSink sink() {
        return sink;
    }

    /** Closes both ends; idempotent. */
    @Override
    public void close() {
        sink.closeQuietly();
        source.closeQuietly();
    }

    @Override
    public String toString() {
        return "Pipe[" + source.fd() + ", " + sink.fd() + "]";
    }
}
