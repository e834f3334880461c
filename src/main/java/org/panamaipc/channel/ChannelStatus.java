package org.panamaipc.channel;

import java.util.List;

/**
 * A snapshot of a channel's header, for tools ({@code ipc ls}) and diagnostics; read without
 * attaching, so its fields may be mutually slightly out of date.
 *
 * @param kind the kind
 * @param capacity the data bytes
 * @param maxPayloadLength the longest payload
 * @param tail the tail position
 * @param head the head position (broadcast: {@code latest}, the start of the last record)
 * @param bytesUsed bytes written and not yet read ({@code tail - head}); for broadcast the
 *        bytes that hold records, at most the capacity
 * @param writerPid the one-to-one writer or broadcast transmitter, 0 if none
 * @param readerPid the one-to-one or many-to-one reader, 0 if none
 * @param producerPids the many-to-one producers attached, in slot order
 * @param dataSleepers readers announced asleep waiting for data
 * @param roomSleepers writers announced asleep waiting for room
 */
public record ChannelStatus(ChannelKind kind, long capacity, int maxPayloadLength, long tail, long head,
        long bytesUsed, long writerPid, long readerPid, List<Long> producerPids, int dataSleepers,
        int roomSleepers) {
    /**
     * Creates the snapshot.
     *
     * @param kind the kind
     * @param capacity the data bytes
     * @param maxPayloadLength the longest payload
     * @param tail the tail position
     * @param head the head position (broadcast: latest)
     * @param bytesUsed bytes held
     * @param writerPid the writer, 0 if none
     * @param readerPid the reader, 0 if none
     * @param producerPids the many-to-one producers
     * @param dataSleepers readers asleep
     * @param roomSleepers writers asleep
     */
    public ChannelStatus {
        producerPids = List.copyOf(producerPids);
    }
}
