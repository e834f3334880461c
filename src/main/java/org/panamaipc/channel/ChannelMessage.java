package org.panamaipc.channel;

import java.util.Arrays;

/**
 * A record copied out of a channel, for callers who prefer an object to a
 * {@link RecordHandler}: {@link ChannelReader#receive()} and its try and timed forms. Each
 * allocates; the handler forms do not.
 *
 * @param type the record's type, at least 1
 * @param payload the payload's bytes (a copy)
 */
public record ChannelMessage(int type, byte[] payload) {
    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelMessage m && m.type == type && Arrays.equals(m.payload, payload);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "ChannelMessage[type=" + type + ", length=" + payload.length + "]";
    }
}
