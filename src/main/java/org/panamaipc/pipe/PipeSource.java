package org.panamaipc.pipe;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.panamaipc.BrokenPipeException;
import org.panamaipc.Interest;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Blocker.Timing;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.FdUse;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.PipeCalls;
import org.panamaipc.internal.Waiter;

/**
 * The read end of a pipe or FIFO, as a {@link ReadableByteChannel} and an
 * {@link InputStream}.
 *
 * <p>Reads return the number of bytes read, {@code -1} at end of file (every write end is
 * closed), and {@code 0} when nothing was there: in non-blocking mode, or when a timed read
 * timed out. {@link #read(MemorySegment)} on native memory is the zero-copy, allocation-free
 * path.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/pipe.7.html">pipe(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/read.2.html">read(2)</a>
 */
public final class PipeSource extends PipeEnd implements ReadableByteChannel {
    private static final Set<Interest> READABLE = Collections.unmodifiableSet(EnumSet.of(Interest.READABLE));

    /** The C library's values, read only once native access was checked ({@link NativeAccess}). */
    private static final class Native {
        static final int POLLIN = LibC.POLLIN();
    }


    PipeSource(OwnedFd fd) {
        super(fd);
    }

    /**
     * Takes ownership of a descriptor that is a read end of a pipe or FIFO, for example one
     * inherited from a parent process at a known number ({@code OwnedFd.adopt(3)}).
     *
     * <p><b>Lifetime.</b> The number is detached from {@code fd} (so that closing {@code fd},
     * or the received message that held it, no longer closes it): close this end.
     *
     * @param fd the descriptor
     * @return the end
     * @throws IllegalArgumentException if the descriptor is not a pipe or FIFO, or was opened
     *         write-only ({@link org.panamaipc.DescriptorKind}); {@code fd} then stays open
     * @throws IllegalStateException if {@code fd} is closed or in use
     * @throws IOException if {@code fstat} or {@code fcntl} fails on it
     */
    public static PipeSource adopt(OwnedFd fd) throws IOException {
        NativeAccess.require();
        return new PipeSource(PipeEnd.take(fd, "PipeSource.adopt", LibC.O_WRONLY(), "write-only: it is a write end"));
    }

    /**
     * Reads into native memory: waits for data in blocking mode, returns 0 at once in
     * non-blocking mode when the pipe is empty.
     *
     * @param dst native memory; at most {@code dst.byteSize()} bytes are read
     * @return the bytes read, 0 when none were there (non-blocking), -1 at end of file
     * @throws IllegalArgumentException if {@code dst} is a heap segment or read-only
     * @throws ClosedChannelException if this end is closed
     * @throws AsynchronousCloseException if another thread closed it during the read
     * @throws ClosedByInterruptException if the thread was interrupted during the read (this
     *         end is then closed)
     * @throws IOException if the call fails
     */
    public long read(MemorySegment dst) throws IOException {
        requireNative(Check.writable("dst", dst));
        return readOnce(dst);
    }

    /**
     * Reads into native memory, waiting at most {@code timeout} for data whatever the
     * blocking mode. (In blocking mode, a thread that reads the same pipe at the same time
     * may take the data this read was woken for; this read then waits for more, beyond the
     * timeout.)
     *
     * @param dst native memory
     * @param timeout the longest wait; zero polls
     * @return the bytes read, 0 on timeout, -1 at end of file
     * @throws IllegalArgumentException if {@code dst} is a heap segment, read-only, or the timeout negative
     * @throws ClosedChannelException if this end is closed
     * @throws AsynchronousCloseException if another thread closed it during the wait
     * @throws ClosedByInterruptException if the thread was interrupted during the wait (this
     *         end is then closed)
     * @throws IOException if the call fails
     */
    public long read(MemorySegment dst, Duration timeout) throws IOException {
        requireNative(Check.writable("dst", dst));
        return readResult(dst.byteSize(), transfer(PipeCalls::read, dst, Deadline.end(timeout), Timing.POLL_IN));
    }

    /**
     * Reads into a buffer, as {@link ReadableByteChannel#read} specifies; a direct buffer is
     * read into without copying.
     *
     * @param dst the buffer
     * @return the bytes read, 0 when none were there (non-blocking), -1 at end of file
     * @throws ClosedChannelException if this end is closed
     * @throws AsynchronousCloseException if another thread closed it during the read
     * @throws ClosedByInterruptException if the thread was interrupted during the read (this
     *         end is then closed)
     * @throws IOException if the call fails
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("dst is read-only");
        }
        int pos = dst.position();
        int len = dst.limit() - pos;
        long r;
        if (Waiter.copiesThroughScratch(dst, len, BOUNCE_SIZE)) { // no segment per call
            Waiter w = Waiter.current();
            r = readOnce(w.scratch(len));
            if (r > 0) {
                w.copyBack(dst, (int) r);
            }
        } else {
            r = readOnce(dst.isDirect() ? MemorySegment.ofBuffer(dst)
                    : MemorySegment.ofBuffer(dst).asSlice(0, Math.min(len, BOUNCE_SIZE)));
        }
        if (r > 0) {
            dst.position(pos + (int) r);
        }
        return (int) r;
    }

    /**
     * Reads into an array (at most 64 KiB at a time, through native memory the library lends
     * for the call).
     *
     * @param b the array
     * @param off where to start
     * @param len at most this many bytes
     * @return the bytes read, 0 when none were there (non-blocking), -1 at end of file
     * @throws IndexOutOfBoundsException if the range is outside the array
     * @throws ClosedChannelException if this end is closed
     * @throws AsynchronousCloseException if another thread closed it during the read
     * @throws ClosedByInterruptException if the thread was interrupted during the read (this
     *         end is then closed)
     * @throws IOException if the call fails
     */
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, Check.notNull("b", b).length);
        int n = Math.min(len, BOUNCE_SIZE);
        if (!Waiter.copiesThroughScratch(n, BOUNCE_SIZE)) {
            return (int) readOnce(MemorySegment.ofArray(b).asSlice(off, n));
        }
        Waiter w = Waiter.current(); // no segment per call for the array
        long r = readOnce(w.scratch(n));
        if (r > 0) {
            w.copyBack(b, off, (int) r);
        }
        return (int) r;
    }

    /**
     * Moves up to {@code count} bytes from this pipe to another descriptor without copying
     * them through user space ({@code splice}): to a file, a socket or another pipe.
     *
     * @param target where the bytes go, at its current offset
     * @param count at most this many bytes
     * @return the bytes moved, 0 when none were there (non-blocking), -1 at end of file
     * @throws IllegalArgumentException if {@code count} is negative
     * @throws ClosedChannelException if this end or {@code target} is closed
     * @throws AsynchronousCloseException if another thread closed this end during the call
     * @throws ClosedByInterruptException if the thread was interrupted during the call (this
     *         end is then closed)
     * @throws BrokenPipeException if {@code target} is a pipe without readers
     * @throws IOException EINVAL when {@code target} does not support splicing, or another
     *         failure of the call
     * @see <a href="https://man7.org/linux/man-pages/man2/splice.2.html">splice(2)</a>
     */
    public long spliceTo(OwnedFd target, long count) throws IOException {
        Check.notNegative("count", count);
        Check.notNull("target", target);
        return move(target, count, false);
    }

    /**
     * Copies up to {@code count} bytes from this pipe to another pipe without consuming them
     * ({@code tee}): they can still be read from this one.
     *
     * @param target the other pipe's write end
     * @param count at most this many bytes
     * @return the bytes copied, 0 when none were there (non-blocking), -1 at end of file
     * @throws IllegalArgumentException if {@code count} is negative
     * @throws ClosedChannelException if either end is closed
     * @throws AsynchronousCloseException if another thread closed this end during the call
     * @throws ClosedByInterruptException if the thread was interrupted during the call (this
     *         end is then closed)
     * @throws BrokenPipeException if {@code target} has no reader
     * @throws IOException if the call fails
     * @see <a href="https://man7.org/linux/man-pages/man2/tee.2.html">tee(2)</a>
     */
    public long teeTo(PipeSink target, long count) throws IOException {
        Check.notNegative("count", count);
        Check.notNull("target", target);
        return move(target.fd, count, true);
    }

    private long move(OwnedFd target, long count, boolean tee) throws IOException {
        int out;
        try {
            out = FdUse.enter(target);
        } catch (IllegalStateException closed) {
            throw new ClosedChannelException();
        }
        try {
            long r = blocker.call(tee ? PipeCalls::teeOut : PipeCalls::spliceOut, 0, MemorySegment.NULL,
                    MemorySegment.NULL, out, count, 0, Deadline.NONE, Timing.UNTIMED);
            if (r == 0) {
                return count == 0 ? 0 : -1;
            }
            return result(tee ? "tee" : "splice", count, r);
        } finally {
            FdUse.exit(target);
        }
    }

    /**
     * This end as an {@link InputStream}: reads wait for data even in non-blocking mode, and
     * closing the stream closes this end. Its methods throw what this end's do.
     *
     * @return a stream reading from this end
     */
    public InputStream inputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int r = read(one, 0, 1);
                return r < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                if (len == 0) {
                    return 0;
                }
                while (true) {
                    int r = PipeSource.this.read(b, off, len);
                    if (r != 0) {
                        return r;
                    }
                    awaitReady(Native.POLLIN, Deadline.NONE);
                }
            }

            @Override
            public void close() throws IOException {
                PipeSource.this.close();
            }
        };
    }

    /** Reads once into native memory, or into the heap through native memory the engine lends for the call. */
    private long readOnce(MemorySegment dst) throws IOException {
        return readResult(dst.byteSize(), transfer(PipeCalls::read, dst, Timing.POLL_IN));
    }

    private long readResult(long len, long r) throws IOException {
        if (r == 0) {
            return len == 0 ? 0 : -1;
        }
        return result("read", len, r);
    }

    static void requireNative(MemorySegment segment) {
        Check.notNull("segment", segment);
        if (!segment.isNative()) {
            throw new IllegalArgumentException("segment must be native memory (a heap segment cannot be passed to a blocking call)");
        }
    }

    /**
     * {@return what a {@link org.panamaipc.WaitSet} can wait for on this end:
     *     {@link Interest#READABLE} (bytes, or end of file)}
     */
    @Override
    public Set<Interest> interests() {
        return READABLE;
    }

    @Override
    public String toString() {
        return "PipeSource[" + fd + "]";
    }
}
