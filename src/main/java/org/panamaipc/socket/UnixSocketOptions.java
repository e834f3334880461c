package org.panamaipc.socket;

import java.net.SocketOption;
import java.time.Duration;

/**
 * Socket options of Unix domain sockets beyond {@link java.net.StandardSocketOptions}
 * ({@code SO_RCVBUF} and {@code SO_SNDBUF} are taken from there), for
 * {@link UnixSocket#setOption} and {@link UnixSocket#getOption}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/socket.7.html">socket(7)</a>
 */
public final class UnixSocketOptions {
    private UnixSocketOptions() {
    }

    /**
     * {@code SO_PASSCRED}: receive the sender's credentials with every message
     * ({@link ReceivedMessage#credentials()}).
     */
    public static final SocketOption<Boolean> SO_PASSCRED = new Option<>("SO_PASSCRED", Boolean.class);

    /**
     * The longest a blocking receive waits before it throws
     * {@link java.net.SocketTimeoutException}, like {@link java.net.Socket#setSoTimeout};
     * {@link Duration#ZERO} (the default) waits without limit. Kept by the socket object
     * (waits use {@code poll}), so it applies to the stream adapters too.
     */
    public static final SocketOption<Duration> SO_RCVTIMEO = new Option<>("SO_RCVTIMEO", Duration.class);

    /**
     * The longest a blocking send waits for room before it throws
     * {@link java.net.SocketTimeoutException}; {@link Duration#ZERO} (the default) waits
     * without limit.
     */
    public static final SocketOption<Duration> SO_SNDTIMEO = new Option<>("SO_SNDTIMEO", Duration.class);

    private record Option<T>(String name, Class<T> type) implements SocketOption<T> {
        @Override
        public String toString() {
            return name;
        }
    }
}
