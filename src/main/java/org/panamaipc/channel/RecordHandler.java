package org.panamaipc.channel;

import java.lang.foreign.MemorySegment;

/**
 * Receives records from {@link ChannelReader#poll} and {@link BroadcastReceiver#poll}, zero
 * copy: the payload is {@code length} bytes of {@code buffer} from {@code offset}.
 *
 * <pre>{@code
 * reader.poll((type, buffer, offset, length) -> {
 *     long id = buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
 * }, 64);
 * }</pre>
 *
 * <p><b>Lifetime:</b> {@code buffer} is a read-only view of the ring (or, for a broadcast
 * receiver, of its private copy), valid only during the call: the bytes are reused as soon as
 * the handler returns. Copy what must outlive it. Passing the whole buffer with an offset,
 * rather than a slice, is what keeps delivery free of allocation.
 */
@FunctionalInterface
public interface RecordHandler {
    /**
     * Called once per record, in order.
     *
     * @param type the record's type, at least 1
     * @param buffer read-only memory holding the payload; valid during the call only
     * @param offset where the payload starts in {@code buffer}, 8-aligned
     * @param length the payload's length in bytes, possibly 0
     */
    void onRecord(int type, MemorySegment buffer, long offset, int length);
}
