package org.panamaipc.bench.sync;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.SysVSharedMemory;

/**
 * The System V shared memory segment the semaphore, futex and mutex benchmarks put their
 * objects in: memory no process can shrink, the only kind the library places the C library's
 * objects in. {@link #name} is its id, which the peer attaches by.
 */
final class SharedObject implements AutoCloseable {
    final String name;
    private final SysVSharedMemory shm;
    private final Mapping mapping;

    SharedObject() throws IOException {
        shm = SysVSharedMemory.createPrivate(SyncLayout.SIZE).removeOnClose();
        try {
            mapping = shm.attach();
        } catch (IOException | RuntimeException e) {
            shm.close();
            throw e;
        }
        name = Integer.toString(shm.id());
    }

    /**
     * The peer's side: attaches the segment whose id {@link #name} gave.
     *
     * @param id the id
     * @return the attached memory, for the peer's lifetime
     * @throws IOException if the segment cannot be attached
     */
    static MemorySegment attach(String id) throws IOException {
        return SysVSharedMemory.openId(Integer.parseInt(id)).attach().segment();
    }

    MemorySegment segment() {
        return mapping.segment();
    }

    @Override
    public void close() {
        mapping.close();
        shm.close();
    }
}
