package org.panamaipc.pipe;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.panamaipc.BrokenPipeException;
import org.panamaipc.Interest;
import org.panamaipc.OwnedFd;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.iovec;
import org.panamaipc.internal.Blocker.Timing;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.FdUse;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.PipeCalls;
import org.panamaipc.internal.Waiter;

/**
 * The write end of a pipe or FIFO, as a {@link WritableByteChannel} and an
 * {@link OutputStream}.
 *
 * <p>In blocking mode a write returns once everything was written; in non-blocking mode it
 * writes what fits and returns that count, possibly 0. A write with no reader left throws
 * {@link BrokenPipeException}: the JVM catches {@code SIGPIPE} (it installs a handler that
 * does nothing, even under {@code -Xrs}), so the signal never terminates the process and
 * the call fails with EPIPE instead. Writes of at most {@code PIPE_BUF} (4096) bytes are
 * atomic: they never interleave with other writers' data.
 * {@link #write(MemorySegment)} on native memory is the zero-copy, allocation-free path.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/pipe.7.html">pipe(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/write.2.html">write(2)</a>
 */
public final class PipeSink extends PipeEnd implements WritableByteChannel {
    private static final Set<Interest> WRITABLE = Collections.unmodifiableSet(EnumSet.of(Interest.WRITABLE));

    private static final long PIPE_BUF = 4096;
    /** The C library's values, read only once native access was checked ({@link NativeAccess}). */
    private static final class Native {
        static final int POLLOUT = LibC.POLLOUT();
    }


    PipeSink(OwnedFd fd) {
        super(fd);
    }

    /**
     * Takes ownership of a descriptor that is a write end of a pipe or FIFO, for example one
     * inherited from a parent process at a known number ({@code OwnedFd.adopt(3)}).
     *
     * <p><b>Lifetime.</b> The number is detached from {@code fd} (so that closing {@code fd},
     * or the received message that held it, no longer closes it): close this end.
     *
     * @param fd the descriptor
     * @return the end
     * @throws IllegalArgumentException if the descriptor is not a pipe or FIFO, or was opened
     *         read-only ({@link org.panamaipc.DescriptorKind}); {@code fd} then stays open
     * @throws IllegalStateException if {@code fd} is closed or in use
     * @throws IOException if {@code fstat} or {@code fcntl} fails on it
     */
    public static PipeSink adopt(OwnedFd fd) throws IOException {
        NativeAccess.require();
        return new PipeSink(PipeEnd.take(fd, "PipeSink.adopt", LibC.O_RDONLY(), "read-only: it is a read end"));
    }

    /**
     * Writes native memory: all of it in blocking mode, what fits in non-blocking mode.
     *
     * @param src native memory
     * @return the bytes written
     * @throws IllegalArgumentException if {@code src} is a heap segment
     * @throws BrokenPipeException if no reader is left
     * @throws ClosedChannelException if this end is closed
     * @throws AsynchronousCloseException if another thread closed it during the write
     * @throws ClosedByInterruptException if the thread was interrupted during the write (this
     *         end is then closed)
     * @throws IOException if the call fails
     */
    public long write(MemorySegment src) throws IOException {
        PipeSource.requireNative(src);
        return writeAll(src, Deadline.NONE, false);
    }

    /**
     * Writes native memory, waiting at most {@code timeout} for room whatever the blocking
     * mode.
     *
     * @param src native memory
     * @param timeout the longest wait
     * @return the bytes written before the timeout: {@code src.byteSize()} when all were, 0
     *         when none were
     * @throws IllegalArgumentException if {@code src} is a heap segment or the timeout negative
     * @throws BrokenPipeException if no reader is left
     * @throws ClosedChannelException if this end is closed
     * @throws AsynchronousCloseException if another thread closed it during the wait
     * @throws ClosedByInterruptException if the thread was interrupted during the wait (this
     *         end is then closed)
     * @throws IOException if the call fails
     */
    public long write(MemorySegment src, Duration timeout) throws IOException {
        PipeSource.requireNative(src);
        return writeAll(src, Deadline.end(timeout), true);
    }

    /**
     * Writes a buffer, as {@link WritableByteChannel#write} specifies; a direct buffer is
     * written without copying.
     *
     * @param src the buffer
     * @return the bytes written
     * @throws BrokenPipeException if no reader is left
     * @throws ClosedChannelException if this end is closed
     * @throws AsynchronousCloseException if another thread closed it during the write
     * @throws ClosedByInterruptException if the thread was interrupted during the write (this
     *         end is then closed)
     * @throws IOException if the call fails
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        int pos = src.position();
        long r;
        if (Waiter.copiesThroughScratch(src, src.remaining(), BOUNCE_SIZE)) { // no segment per call
            r = writeAll(Waiter.current().scratchCopy(src, src.remaining()), Deadline.NONE, false);
        } else if (src.isDirect()) {
            r = writeAll(MemorySegment.ofBuffer(src), Deadline.NONE, false);
        } else {
            r = writeHeap(MemorySegment.ofBuffer(src));
        }
        src.position(pos + (int) r);
        return (int) r;
    }

    /**
     * Writes an array (64 KiB at a time, through native memory the library lends for the
     * call): all of it in blocking mode.
     *
     * @param b the array
     * @param off where to start
     * @param len the bytes to write
     * @return the bytes written
     * @throws IndexOutOfBoundsException if the range is outside the array
     * @throws BrokenPipeException if no reader is left
     * @throws ClosedChannelException if this end is closed
     * @throws AsynchronousCloseException if another thread closed it during the write
     * @throws ClosedByInterruptException if the thread was interrupted during the write (this
     *         end is then closed)
     * @throws IOException if the call fails
     */
    public int write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, Check.notNull("b", b).length);
        return (int) writeArray(b, off, len);
    }

    /**
     * Hands pages of memory to the pipe instead of copying them ({@code vmsplice}); returns
     * once some bytes were spliced, like a write.
     *
     * <p><b>Lifetime.</b> The pipe may refer to the memory itself until the reader has
     * consumed the bytes: changing the memory before then may change what the reader sees.
     * The kernel keeps the pages alive, so closing the segment's arena is safe.
     *
     * @param src native memory
     * @return the bytes spliced, 0 when the pipe is full (non-blocking)
     * @throws IllegalArgumentException if {@code src} is a heap segment
     * @throws BrokenPipeException if no reader is left
     * @throws ClosedChannelException if this end is closed
     * @throws AsynchronousCloseException if another thread closed it during the call
     * @throws ClosedByInterruptException if the thread was interrupted during the call (this
     *         end is then closed)
     * @throws IOException if the call fails
     * @see <a href="https://man7.org/linux/man-pages/man2/vmsplice.2.html">vmsplice(2)</a>
     */
    public long vmsplice(MemorySegment src) throws IOException {
        PipeSource.requireNative(src);
        MemorySegment iov = Waiter.current().scratch(iovec.layout().byteSize());
        iovec.iov_base(iov, src);
        iovec.iov_len(iov, src.byteSize());
        long r = blocker.call(PipeCalls::vmsplice, 0, iov, MemorySegment.NULL, 1, 0, 0, untimedDeadline(),
                Timing.POLL_OUT);
        return result("vmsplice", src.byteSize(), r);
    }

    /**
     * Moves up to {@code count} bytes from another descriptor (a file at its current offset,
     * a socket, a pipe) into this pipe without copying them through user space
     * ({@code splice}).
     *
     * @param source where the bytes come from
     * @param count at most this many bytes
     * @return the bytes moved, 0 when none could be (non-blocking), -1 at end of the source
     * @throws IllegalArgumentException if {@code count} is negative
     * @throws BrokenPipeException if no reader is left
     * @throws ClosedChannelException if this end or the source is closed
     * @throws AsynchronousCloseException if another thread closed this end during the call
     * @throws ClosedByInterruptException if the thread was interrupted during the call (this
     *         end is then closed)
     * @throws IOException if the call fails
     * @see <a href="https://man7.org/linux/man-pages/man2/splice.2.html">splice(2)</a>
     */
    public long spliceFrom(OwnedFd source, long count) throws IOException {
        Check.notNegative("count", count);
        Check.notNull("source", source);
        int in;
        try {
            in = FdUse.enter(source);
        } catch (IllegalStateException closed) {
            throw new ClosedChannelException();
        }
        try {
            long r = blocker.call(PipeCalls::spliceIn, 0, MemorySegment.NULL, MemorySegment.NULL, in, count, 0,
                    Deadline.NONE, Timing.UNTIMED);
            if (r == 0) {
                return count == 0 ? 0 : -1;
            }
            return result("splice", count, r);
        } finally {
            FdUse.exit(source);
        }
    }

    /**
     * This end as an {@link OutputStream}: writes wait for room even in non-blocking mode,
     * and closing the stream closes this end. Its methods throw what this end's do.
     *
     * @return a stream writing to this end
     */
    public OutputStream outputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                int done = 0;
                while (done < len) {
                    done += (int) writeArray(b, off + done, len - done);
                    if (done < len) {
                        awaitReady(Native.POLLOUT, Deadline.NONE);
                    }
                }
            }

            @Override
            public void close() throws IOException {
                PipeSink.this.close();
            }
        };
    }

    /**
     * Writes part of an array: on a platform thread each chunk through the thread's scratch
     * memory (no segment per call); a virtual thread's through memory lent per attempt.
     */
    private long writeArray(byte[] b, int off, int len) throws IOException {
        return Waiter.copiesThroughScratch(len, Integer.MAX_VALUE) ? writeHeap(b, null, off, len)
                : writeHeap(null, MemorySegment.ofArray(b).asSlice(off, len), 0, len);
    }

    /** Writes a heap segment through memory the engine lends for each call. */
    private long writeHeap(MemorySegment src) throws IOException {
        return writeHeap(null, src, 0, src.byteSize());
    }

    /** Writes heap bytes, {@code BOUNCE_SIZE} at a time: from {@code array} if not null, else from {@code heap}. */
    private long writeHeap(byte[] array, MemorySegment heap, int offset, long len) throws IOException {
        long done = 0;
        if (len == 0) {
            fd().get(); // a write of nothing still refuses a closed end, as every other call does
        }
        while (done < len) {
            int chunk = (int) Math.min(len - done, BOUNCE_SIZE);
            MemorySegment part = array != null ? Waiter.current().scratchCopy(array, offset + (int) done, chunk)
                    : heap.asSlice(done, chunk);
            long r = result("write", chunk, transfer(PipeCalls::write, part, Timing.POLL_OUT));
            done += r;
            if (r == 0) {
                break; // non-blocking and full
            }
        }
        return done;
    }

    /**
     * Writes until done (blocking mode), until full (non-blocking mode, untimed) or until
     * the deadline (timed). Each attempt writes what fits; only a blocking write on a platform
     * thread waits inside the system call.
     */
    private long writeAll(MemorySegment src, long deadline, boolean timed) throws IOException {
        long len = src.byteSize();
        long done = 0;
        while (done < len || len == 0) {
            if (done > 0 && !isOpen()) {
                // closed while the previous part was written: report it as the JDK does
                throw Thread.currentThread().isInterrupted() ? new ClosedByInterruptException()
                        : new AsynchronousCloseException();
            }
            long chunk = len - done;
            MemorySegment from = done == 0 ? src : src.asSlice(done);
            long r = result("write", chunk, timed ? transfer(PipeCalls::write, from, deadline, Timing.POLL_OUT)
                    : transfer(PipeCalls::write, from, Timing.POLL_OUT));
            done += r;
            if (len == 0 || r == 0) {
                return done; // empty, full (non-blocking) or the deadline passed
            }
        }
        return done;
    }

    /**
     * {@return what a {@link org.panamaipc.WaitSet} can wait for on this end:
     *     {@link Interest#WRITABLE} (room, or a reader gone: the write then reports it)}
     */
    @Override
    public Set<Interest> interests() {
        return WRITABLE;
    }

    @Override
    public String toString() {
        return "PipeSink[" + fd + "]";
    }
}
