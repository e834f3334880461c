package org.panamaipc.socket;

/**
 * Two connected sockets made by {@link UnixSocket#pair(SocketType)}; closing the pair
 * closes both.
 *
 * @param first one end
 * @param second the other end
 */
public record SocketPair(UnixSocket first, UnixSocket second) implements AutoCloseable {
    /** Closes both ends. */
    @Override
    public void close() {
        try {
            first.close();
        } finally {
            second.close();
        }
    }
}
