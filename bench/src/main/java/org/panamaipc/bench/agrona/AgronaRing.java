package org.panamaipc.bench.agrona;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The shared file of the Agrona baseline: two {@code OneToOneRingBuffer}s, one per
 * direction, over one file in /dev/shm mapped by both processes.
 */
final class AgronaRing {
    /** Capacity of each ring (a power of two) before its trailer. */
    static final int CAPACITY = 64 * 1024;
    static final int RING_BYTES = CAPACITY + RingBufferDescriptor.TRAILER_LENGTH;
    /** The message type Agrona requires (any positive number). */
    static final int MSG_TYPE = 1;

    private AgronaRing() {
    }

    /**
     * Maps the file (which must be {@code 2 * RING_BYTES} long or empty).
     *
     * @param path the file
     * @param create whether to create it
     * @return the mapping
     * @throws IOException when the file cannot be opened or mapped
     */
    static MappedByteBuffer map(Path path, boolean create) throws IOException {
        try (FileChannel ch = create
                ? FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return ch.map(FileChannel.MapMode.READ_WRITE, 0, 2L * RING_BYTES);
        }
    }

    /** {@return ring {@code index} (0: benchmark to peer, 1: peer to benchmark) of the mapping} */
    static OneToOneRingBuffer ring(MappedByteBuffer mapping, int index) {
        return new OneToOneRingBuffer(new UnsafeBuffer(mapping, index * RING_BYTES, RING_BYTES));
    }

    /** {@return the idle strategy called {@code name}: busySpin, yielding or backoff} */
    static IdleStrategy idle(String name) {
        return switch (name) {
            case "busySpin" -> new BusySpinIdleStrategy();
            case "yielding" -> new YieldingIdleStrategy();
            case "backoff" -> new BackoffIdleStrategy();
            default -> throw new IllegalArgumentException("idle=" + name);
        };
    }
}
