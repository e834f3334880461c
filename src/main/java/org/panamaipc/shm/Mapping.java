package org.panamaipc.shm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.EnumSet;
import java.util.Set;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.MappedMemory;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.ShmCalls;

/**
 * A range of memory mapped into this process, owned by this object: a shared memory object,
 * a memfd, a file, a System V attachment or anonymous memory.
 *
 * <p><b>Lifetime.</b> The {@link #segment()} lives in an arena this object owns;
 * {@link #close()} unmaps (or detaches) the memory and closes the arena, after which any
 * access through the segment or its slices throws {@link IllegalStateException}, in every
 * thread, instead of faulting. Closing is idempotent. The mapping does not depend on the
 * descriptor it came from: closing the {@link MappableFile} leaves its mappings valid.
 *
 * <p><b>Read-only mappings</b> ({@link MapMode#READ_ONLY}, System V {@code SHM_RDONLY})
 * return a {@linkplain MemorySegment#isReadOnly() read-only} segment: a write through it
 * throws {@link IllegalArgumentException} ("Attempt to write a read-only segment") and never
 * reaches the protected page.
 *
 * <p><b>Growing.</b> A mapping never reaches past the size its object had when it was made:
 * to see a grown object, {@link #remap(long)} it. Accessing beyond the end of a mapping is
 * refused by the segment's bounds; this is how the library keeps away from {@code SIGBUS}.
 * A <em>peer</em> that shrinks the object under a live mapping is outside its control: an
 * access to a page that was cut off then throws {@link InternalError} ("a fault occurred in an
 * unsafe memory access operation": the JVM's handling of {@code SIGBUS}) rather than crashing.
 * Seal a {@link Memfd} with {@link Seal#SHRINK} to exclude that. The C library is not so
 * forgiving: touching a lost page inside native code kills the JVM, so the process-shared
 * mutexes, conditions and semaphores of {@code org.panamaipc.sync} refuse mappings of objects
 * that can shrink; the kernel's own calls (futex, queues, pipes, sockets) fail with
 * {@code EFAULT} instead.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/mmap.2.html">mmap(2)</a>
 */
public final class Mapping implements AutoCloseable {
    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(Mapping.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Arena arena;
    private final MemorySegment whole;
    private final MemorySegment segment;
    private final long delta;
    private final MapMode mode;
    private final MappableFile source;
    private final long offset;
    private final Set<MapOption> options;
    @SuppressWarnings("unused") // accessed through CLOSED
    private volatile boolean closed;

    Mapping(Arena arena, MemorySegment whole, long delta, long length, MapMode mode, MappableFile source,
            long offset, Set<MapOption> options) {
        this.arena = arena;
        this.whole = whole;
        this.delta = delta;
        MemorySegment view = whole.asSlice(delta, length);
        this.segment = mode == MapMode.READ_ONLY ? view.asReadOnly() : view;
        this.mode = mode;
        this.source = source;
        this.offset = offset;
        this.options = options;
    }

    /**
     * Gives a just-mapped range of memory a lifetime in {@code arena}: when the arena closes,
     * {@code release} runs (once) and the memory is gone. If the arena is already closed, the
     * memory is released at once and the arena's exception is thrown.
     *
     * @param address the start of the mapping, page-aligned
     * @param mappedLength the length mapped
     * @param arena the arena that owns it
     * @param release what unmaps it
     * @param backing what backs it: whether a process could shrink it (see {@link MappedMemory})
     * @return a segment over the whole mapping
     */
    static MemorySegment place(long address, long mappedLength, Arena arena, Runnable release,
            MappedMemory.Backing backing) {
        Runnable forget = MappedMemory.register(address, mappedLength, backing);
        Runnable unmap = () -> {
            forget.run();
            release.run();
        };
        try {
            return MemorySegment.ofAddress(address).reinterpret(mappedLength, arena, ignored -> unmap.run());
        } catch (RuntimeException e) {
            unmap.run();
            throw e;
        }
    }

    /**
     * Maps anonymous memory private to this process ({@code MAP_PRIVATE | MAP_ANONYMOUS}),
     * zero-filled; with {@link MapOption#HUGE_PAGES} backed by huge pages.
     *
     * <p><b>Lifetime:</b> the memory is unmapped by {@link #close()}.
     *
     * @param size bytes to map, positive (a multiple of the huge page size with
     *        {@link MapOption#HUGE_PAGES})
     * @param options extra flags
     * @return the mapping
     * @throws IOException if {@code mmap} fails: {@code ENOMEM} when memory, or with
     *         {@link MapOption#HUGE_PAGES} reserved huge pages, run out; {@code EINVAL} for a
     *         size the kernel refuses
     * @throws IllegalArgumentException if {@code size} is not positive
     * @see <a href="https://man7.org/linux/man-pages/man2/mmap.2.html">mmap(2)</a>
     */
    public static Mapping anonymous(long size, Set<MapOption> options) throws IOException {
        NativeAccess.require();
        Check.positive("size", size);
        Check.notNull("options", options);
        Set<MapOption> opts = options.isEmpty() ? EnumSet.noneOf(MapOption.class) : EnumSet.copyOf(options);
        int flags = LibC.MAP_PRIVATE() | LibC.MAP_ANONYMOUS() | MapOption.flags(opts);
        long address = ShmCalls.mmap(size, MapMode.PRIVATE.prot, flags, -1, 0);
        if (address < 0) {
            int errno = (int) -address;
            String hint = opts.contains(MapOption.HUGE_PAGES) && errno == LibC.ENOMEM()
                    ? ", MAP_HUGETLB (no free huge pages: see /proc/sys/vm/nr_hugepages)" : "";
            throw Errors.of("mmap", "length=" + size + ", MAP_PRIVATE|MAP_ANONYMOUS" + (opts.isEmpty() ? "" : " " + opts)
                    + hint, errno);
        }
        Arena arena = Arena.ofShared();
        MemorySegment whole = place(address, size, arena, () -> ShmCalls.munmap(address, size), MappedMemory.FIXED);
        return new Mapping(arena, whole, 0, size, MapMode.PRIVATE, null, 0, opts);
    }

    /**
     * The mapped memory.
     *
     * <p><b>Lifetime:</b> valid until {@link #close()} (or {@link #remap(long)}); afterwards
     * every access throws {@link IllegalStateException}.
     *
     * @return the segment, read-only for {@link MapMode#READ_ONLY}
     */
    public MemorySegment segment() {
        return segment;
    }

    /** {@return the length of the mapping in bytes} */
    public long byteSize() {
        return segment.byteSize();
    }

    /** {@return how the memory is mapped} */
    public MapMode mode() {
        return mode;
    }

    /** {@return the offset in the object the mapping starts at} */
    public long offset() {
        return offset;
    }

    /** {@return whether {@link #close()} has not been called} */
    public boolean isOpen() {
        return !closed;
    }

    /**
     * Flushes the whole mapping to its file ({@code msync}); for shared memory and memfds it
     * has nothing to write and returns quickly.
     *
     * @param how synchronous or asynchronous
     * @throws IOException if {@code msync} fails ({@code EIO} writing the file)
     * @throws IllegalStateException if the mapping is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/msync.2.html">msync(2)</a>
     */
    public void sync(SyncMode how) throws IOException {
        sync(how, 0, segment.byteSize());
    }

    /**
     * Flushes a range of the mapping to its file ({@code msync}), widened to whole pages.
     *
     * @param how synchronous or asynchronous
     * @param offset the start of the range in this mapping
     * @param length the length of the range
     * @throws IOException if {@code msync} fails ({@code EIO} writing the file)
     * @throws IndexOutOfBoundsException if the range is not inside the mapping
     * @throws IllegalStateException if the mapping is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/msync.2.html">msync(2)</a>
     */
    public void sync(SyncMode how, long offset, long length) throws IOException {
        Check.notNull("how", how);
        MemorySegment pages = pages(offset, length);
        int r = ShmCalls.msync(pages, pages.byteSize(), how.flags);
        if (r < 0) {
            throw Errors.of("msync", "length=" + pages.byteSize() + ", " + how, -r);
        }
    }

    /**
     * Advises the kernel how the whole mapping will be used ({@code madvise}).
     *
     * @param advice the advice
     * @throws IOException if {@code madvise} fails ({@code EINVAL} for advice this kernel or
     *         this kind of mapping does not support)
     * @throws IllegalStateException if the mapping is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/madvise.2.html">madvise(2)</a>
     */
    public void advise(Advice advice) throws IOException {
        advise(advice, 0, segment.byteSize());
    }

    /**
     * Advises the kernel how a range of the mapping will be used ({@code madvise}), widened
     * to whole pages.
     *
     * @param advice the advice
     * @param offset the start of the range in this mapping
     * @param length the length of the range
     * @throws IOException if {@code madvise} fails ({@code EINVAL} for advice this kernel or
     *         this kind of mapping does not support)
     * @throws IndexOutOfBoundsException if the range is not inside the mapping
     * @throws IllegalStateException if the mapping is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/madvise.2.html">madvise(2)</a>
     */
    public void advise(Advice advice, long offset, long length) throws IOException {
        Check.notNull("advice", advice);
        MemorySegment pages = pages(offset, length);
        int r = ShmCalls.madvise(pages, pages.byteSize(), advice.advice);
        if (r < 0) {
            throw Errors.of("madvise", "length=" + pages.byteSize() + ", " + advice, -r);
        }
    }

    /**
     * Locks the mapping's pages in memory ({@code mlock}): they are faulted in now and never
     * swapped out until {@link #unlock()} or {@link #close()}.
     *
     * @throws IOException if {@code mlock} fails: {@code ENOMEM} or {@code EPERM} beyond
     *         {@code RLIMIT_MEMLOCK} ({@code ulimit -l}) without {@code CAP_IPC_LOCK}
     * @throws IllegalStateException if the mapping is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/mlock.2.html">mlock(2)</a>
     */
    public void lock() throws IOException {
        MemorySegment pages = pages(0, segment.byteSize());
        int r = ShmCalls.mlock(true, pages, pages.byteSize());
        if (r < 0) {
            throw Errors.of("mlock", "length=" + pages.byteSize() + " (limit: ulimit -l)", -r);
        }
    }

    /**
     * Unlocks the mapping's pages ({@code munlock}).
     *
     * @throws IOException if {@code munlock} fails
     * @throws IllegalStateException if the mapping is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/mlock.2.html">munlock(2)</a>
     */
    public void unlock() throws IOException {
        MemorySegment pages = pages(0, segment.byteSize());
        int r = ShmCalls.mlock(false, pages, pages.byteSize());
        if (r < 0) {
            throw Errors.of("munlock", "length=" + pages.byteSize(), -r);
        }
    }

    /**
     * Maps the same object again, from the same offset and in the same mode, with a new
     * length (after the object grew or shrank), then closes this mapping: the old segment
     * then throws {@link IllegalStateException} on any access. If mapping fails this mapping
     * stays as it was.
     *
     * <p><b>Lifetime:</b> the returned mapping is owned by the caller.
     *
     * @param newLength the new length, positive; {@code offset() + newLength} must not pass
     *        the object's current size
     * @return the new mapping
     * @throws IOException if {@code fstat} or {@code mmap} fails
     * @throws IndexOutOfBoundsException if the new range passes the end of the object
     * @throws IllegalStateException if this mapping is closed, has no object to remap
     *         (anonymous memory, a System V attachment), or its object was closed
     */
    public Mapping remap(long newLength) throws IOException {
        Check.positive("newLength", newLength);
        if (closed) {
            throw new IllegalStateException("mapping is closed");
        }
        if (source == null) {
            throw new IllegalStateException("only mappings of a MappableFile can be remapped");
        }
        Mapping fresh = source.map(mode, offset, newLength, options);
        close();
        return fresh;
    }

    /**
     * Resizes the object so that it ends where this mapping, given the new length, ends
     * ({@code ftruncate} to {@code offset() + newLength}), and remaps: the usual way to grow
     * (or shrink) shared memory that one mapping covers. Growing truncates first, then
     * remaps; shrinking remaps first, so that no mapping ever reaches past the end. This
     * mapping is closed on success: its segment then throws {@link IllegalStateException}.
     *
     * <p><b>Lifetime:</b> the returned mapping is owned by the caller.
     *
     * @param newLength the new length, positive
     * @return the new mapping
     * @throws IOException if {@code ftruncate}, {@code fstat} or {@code mmap} fails
     *         ({@code EPERM} when a {@link Seal} forbids the change)
     * @throws IllegalStateException if this mapping is closed, has no object to resize, or
     *         shrinking would cut another live mapping of the object made through the same
     *         {@link MappableFile}
     * @throws java.nio.channels.NonWritableChannelException if the object was opened read-only
     */
    public Mapping resize(long newLength) throws IOException {
        Check.positive("newLength", newLength);
        if (closed) {
            throw new IllegalStateException("mapping is closed");
        }
        if (source == null) {
            throw new IllegalStateException("only mappings of a MappableFile can be resized");
        }
        if (!source.isWritable()) {
            throw new java.nio.channels.NonWritableChannelException();
        }
        long newSize = offset + newLength;
        if (newLength >= segment.byteSize()) {
            source.truncate(newSize);
            return remap(newLength);
        }
        Mapping smaller = remap(newLength);
        source.truncate(newSize);
        return smaller;
    }

    /**
     * Unmaps the memory (or detaches the System V segment) and closes its arena; later calls
     * do nothing. Threads reading or writing the memory at that moment get an
     * {@link IllegalStateException}.
     *
     * @throws IllegalStateException if another thread is inside a native call that was passed
     *         this memory (as {@link Arena#close()} does); the mapping then stays open
     */
    @Override
    public void close() {
        if (CLOSED.compareAndSet(this, false, true)) {
            try {
                arena.close();
            } catch (IllegalStateException e) {
                // still in use by a native call: stay open so that a later close() can finish
                closed = false;
                throw e;
            }
        }
    }

    private MemorySegment pages(long offset, long length) {
        if (closed) {
            throw new IllegalStateException("mapping is closed");
        }
        Check.range(segment, offset, length);
        long start = delta + offset;
        long alignedStart = ShmCalls.pageFloor(start);
        return whole.asSlice(alignedStart, start + length - alignedStart);
    }

    @Override
    public String toString() {
        return "Mapping[" + mode + ", offset=" + offset + ", length=" + segment.byteSize()
                + (source != null ? ", " + source.describe() : "") + (closed ? ", closed]" : "]");
    }
}
