package org.panamaipc.sync;

import java.lang.foreign.MemorySegment;
import org.panamaipc.bindings.pthread_cond_t;
import org.panamaipc.bindings.pthread_mutex_t;
import org.panamaipc.bindings.sem_t;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.MappedMemory;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.shm.SharedAtomics;

/**
 * The layout of the synchronization objects this package places in shared memory: a
 * {@link ProcessMutex}, a {@link ProcessCondition} and an {@link UnnamedSemaphore} each take
 * a region of a shared segment laid out as
 *
 * <pre>
 *   0                   4                   8
 *   +-------------------+-------------------+-------------------------------------+
 *   |   magic (int)     |  version (int)    |  native object                      |
 *   +-------------------+-------------------+-------------------------------------+
 *                                            pthread_mutex_t  40 bytes  (mutex)
 *                                            pthread_cond_t   48 bytes  (condition)
 *                                            sem_t            32 bytes  (semaphore)
 * </pre>
 *
 * The magic says which object the region holds ({@link #MUTEX_MAGIC}, {@link #CONDITION_MAGIC},
 * {@link #SEMAPHORE_MAGIC}); it is written last, with a release store, after the native object
 * was initialised, and read with an acquire load by {@code attach}: a region that was never
 * initialised (zeroes, or another object) is refused before any native call touches it.
 * {@code destroy} clears the magic first. The version ({@link #VERSION}) changes when this
 * layout does. A region starts at an 8-byte aligned address. Sizes are those of glibc on
 * x86_64 and aarch64.
 */
final class SyncDescriptor {
    static {
        NativeAccess.require(); // first: without native access, a clear error instead of a failed initialization
    }

    /** Offset of the magic int. */
    static final long MAGIC_OFFSET = 0;
    /** Offset of the version int. */
    static final long VERSION_OFFSET = 4;
    /** Offset of the native object. */
    static final long OBJECT_OFFSET = 8;
    /** The layout version written by this library. */
    static final int VERSION = 1;
    /** The alignment a region needs. */
    static final long ALIGNMENT = 8;

    /** "PMTX": a process-shared robust mutex. */
    static final int MUTEX_MAGIC = 0x50_4D_54_58;
    /** "PCND": a process-shared condition variable. */
    static final int CONDITION_MAGIC = 0x50_43_4E_44;
    /** "PSEM": a process-shared unnamed semaphore. */
    static final int SEMAPHORE_MAGIC = 0x50_53_45_4D;

    /** Bytes a mutex region takes. */
    static final long MUTEX_SIZE = OBJECT_OFFSET + pthread_mutex_t.sizeof();
    /** Bytes a condition region takes. */
    static final long CONDITION_SIZE = OBJECT_OFFSET + pthread_cond_t.sizeof();
    /** Bytes a semaphore region takes. */
    static final long SEMAPHORE_SIZE = OBJECT_OFFSET + sem_t.sizeof();

    private SyncDescriptor() {
    }

    /**
     * Checks that a region fits, is aligned, writable and in memory that cannot shrink, and
     * returns it.
     *
     * @param segment the shared segment
     * @param offset where the region starts
     * @param size the region's size
     * @param what the object, for messages
     * @return the region, a slice of {@code segment}
     * @throws IllegalArgumentException if misaligned, read-only, or in a library mapping of
     *         an object a process could truncate (see {@link MappedMemory})
     */
    static MemorySegment region(MemorySegment segment, long offset, long size, String what) {
        Check.nativeSegment("segment", segment, "a process-shared object");
        if (offset < 0 || offset > segment.byteSize() - size) {
            throw new IndexOutOfBoundsException("offset=" + offset + " length=" + size + " capacity="
                    + segment.byteSize() + ": the segment is too small");
        }
        long address = segment.address() + offset;
        if (address % ALIGNMENT != 0) {
            throw new IllegalArgumentException("offset=" + offset + " address=0x" + Long.toHexString(address)
                    + " must be " + ALIGNMENT + "-byte aligned");
        }
        if (segment.isReadOnly()) {
            throw new IllegalArgumentException("segment is read-only");
        }
        MemorySegment region = segment.asSlice(offset, size);
        MappedMemory.requireUnshrinkable(region, what);
        return region;
    }

    /** {@return the native object inside a region} */
    static MemorySegment object(MemorySegment region) {
        return region.asSlice(OBJECT_OFFSET);
    }

    /** Publishes an initialised region: the version, then the magic with a release store. */
    static void publish(MemorySegment region, int magic) {
        SharedAtomics.putInt(region, VERSION_OFFSET, VERSION);
        SharedAtomics.putIntRelease(region, MAGIC_OFFSET, magic);
    }

    /** Clears the magic, so that the region is no longer taken for an initialised object. */
    static void retract(MemorySegment region) {
        SharedAtomics.putIntRelease(region, MAGIC_OFFSET, 0);
    }

    /**
     * Checks that a region holds an initialised object of the expected kind.
     *
     * @param region the region
     * @param magic the expected magic
     * @param what the kind, for the message
     */
    static void checkInitialised(MemorySegment region, int magic, String what) {
        int seen = SharedAtomics.getIntAcquire(region, MAGIC_OFFSET);
        if (seen != magic) {
            throw new IllegalStateException("no initialised " + what + " at this address: magic=0x"
                    + Integer.toHexString(seen) + " expected=0x" + Integer.toHexString(magic));
        }
        int version = SharedAtomics.getInt(region, VERSION_OFFSET);
        if (version != VERSION) {
            throw new IllegalStateException(what + " layout version=" + version + " supported=" + VERSION);
        }
    }
}
