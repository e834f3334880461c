package org.panamaipc.channel;

/**
 * The three shapes of a channel, stored in its header ({@link ChannelLayout#KIND_OFFSET}).
 *
 * @see ChannelLayout
 */
public enum ChannelKind {
    /** One writer, one reader: the fastest ring ({@link ChannelWriter}, {@link ChannelReader}). */
    ONE_TO_ONE(1),
    /** Up to {@value ChannelLayout#MAX_PRODUCERS} writers, one reader: a work queue. */
    MANY_TO_ONE(2),
    /**
     * One transmitter, any number of receivers, each at its own pace; the transmitter never
     * waits, receivers that fall behind are lapped ({@link BroadcastTransmitter},
     * {@link BroadcastReceiver}).
     */
    BROADCAST(3);

    private final int code;

    ChannelKind(int code) {
        this.code = code;
    }

    /** {@return the number stored in the header: 1, 2 or 3} */
    public int code() {
        return code;
    }

    /** {@return the length of a record's header for this kind: 8, or 16 for broadcast} */
    public int recordHeaderLength() {
        return this == BROADCAST ? ChannelLayout.BROADCAST_RECORD_HEADER_LENGTH : ChannelLayout.RECORD_HEADER_LENGTH;
    }

    /**
     * The kind stored under a number.
     *
     * @param code the number read from a header
     * @return the kind, or {@code null} if the number names none
     */
    static ChannelKind ofCode(int code) {
        return switch (code) {
            case 1 -> ONE_TO_ONE;
            case 2 -> MANY_TO_ONE;
            case 3 -> BROADCAST;
            default -> null;
        };
    }
}
