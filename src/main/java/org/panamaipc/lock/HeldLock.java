package org.panamaipc.lock;

import java.io.IOException;

/**
 * A lock this process holds on a {@link LockableFile}; {@link #close()} releases it.
 *
 * <p>A lock also ends without {@link #release()}: when its file is closed, and, for a
 * {@link LockKind#PROCESS} lock, when any descriptor of the same file in this process is
 * closed through a {@link LockableFile} (see {@link LockKind#PROCESS} for the pitfall;
 * descriptors closed behind the library's back cannot be seen, and {@link #isValid()}
 * cannot tell).
 */
public final class HeldLock implements AutoCloseable {
    private final LockableFile file;
    private final LockKind kind;
    private final LockMode mode;
    private final long start;
    private final long length;
    private volatile boolean valid = true;

    HeldLock(LockableFile file, LockKind kind, LockMode mode, long start, long length) {
        this.file = file;
        this.kind = kind;
        this.mode = mode;
        this.start = start;
        this.length = length;
    }

    /** {@return the lock's family} */
    public LockKind kind() {
        return kind;
    }

    /** {@return whether the lock is shared or exclusive} */
    public LockMode mode() {
        return mode;
    }

    /** {@return the first byte locked (0 for {@link LockKind#FLOCK})} */
    public long start() {
        return start;
    }

    /** {@return the bytes locked; 0 means to the end of the file, however far it grows} */
    public long length() {
        return length;
    }

    /** {@return the file the lock is on} */
    public LockableFile file() {
        return file;
    }

    /** {@return whether the lock is still held, as far as the library knows} */
    public boolean isValid() {
        return valid && file.isOpen();
    }

    boolean overlaps(long otherStart, long otherLength) {
        long end = length == 0 ? Long.MAX_VALUE : start + length;
        long otherEnd = otherLength == 0 ? Long.MAX_VALUE : otherStart + otherLength;
        return start < otherEnd && otherStart < end;
    }

    void invalidate() {
        valid = false;
    }

    boolean markReleased() {
        boolean was = valid;
        valid = false;
        return was;
    }

    /**
     * Releases the lock ({@code F_UNLCK} over its range, or {@code LOCK_UN}); does nothing
     * if it is no longer held.
     *
     * @throws IOException if the unlock call fails
     */
    public void release() throws IOException {
        file.release(this);
    }

    /**
     * Releases the lock, as {@link #release()}, reporting a failure as unchecked.
     *
     * @throws java.io.UncheckedIOException if the unlock call fails
     */
    @Override
    public void close() {
        try {
            release();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "HeldLock[" + kind + ", " + mode + ", start=" + start + ", length=" + length
                + (isValid() ? "" : ", released") + "]";
    }
}
