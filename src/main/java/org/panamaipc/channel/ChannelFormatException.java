package org.panamaipc.channel;

import java.io.IOException;

/**
 * An object opened or adopted as a channel is not one this library can join: a wrong magic,
 * a layout version other than {@value ChannelLayout#VERSION}, an unknown kind, a capacity that
 * is not a power of two in range, a size that does not match the header, or (for an adopted
 * memfd) missing seals. Nothing was attached.
 *
 * @see ChannelLayout
 */
public final class ChannelFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the object and what is wrong, {@code key=value}
     */
    public ChannelFormatException(String message) {
        super(message);
    }
}
