package org.panamaipc.bench.sync;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import org.panamaipc.bench.infra.Names;
import org.panamaipc.shm.Mapping;
import org.panamaipc.shm.SharedMemory;

/** The POSIX shared memory object the semaphore, futex and mutex benchmarks put their objects in. */
final class SharedObject implements AutoCloseable {
    final String name = "/" + Names.unique("sync");
    private final SharedMemory shm;
    private final Mapping mapping;

    SharedObject() throws IOException {
        shm = SharedMemory.create(name, SyncLayout.SIZE);
        Mapping m;
        try {
            m = shm.map();
        } catch (IOException | RuntimeException e) {
            shm.close();
            SharedMemory.unlinkIfExists(name);
            throw e;
        }
        mapping = m;
    }

    MemorySegment segment() {
        return mapping.segment();
    }

    @Override
    public void close() throws IOException {
        mapping.close();
        shm.close();
        SharedMemory.unlinkIfExists(name);
    }
}
