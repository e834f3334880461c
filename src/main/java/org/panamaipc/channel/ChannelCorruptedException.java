package org.panamaipc.channel;

import java.io.IOException;

/**
 * A value read from a channel's shared memory breaks the layout: a length, type or position
 * out of range, a header no longer what it was. Another process wrote over the channel (or
 * runs a different layout). The end that found it has read and written nothing out of
 * bounds; the channel should be abandoned.
 *
 * <p>The message names the channel, the field, the value and where it was read, e.g.
 * {@code /orders: corrupt record length=-77 at position=4096 (index=0), must be in [8, 8192]}.
 *
 * @see ChannelLayout
 */
public final class ChannelCorruptedException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was found where, {@code key=value}
     */
    public ChannelCorruptedException(String message) {
        super(message);
    }
}
