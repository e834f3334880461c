/**
 * Unix domain sockets: stream, datagram and seqpacket; {@code socketpair}; path and
 * abstract addresses; descriptor passing (SCM_RIGHTS) and credentials (SO_PEERCRED,
 * SCM_CREDENTIALS).
 *
 * <p>A server hands a client one end of a socket pair, together with the data that
 * describes it, and the client talks through it:
 *
 * <pre>{@code
 * var address = AbstractSocketAddress.of("example-" + ProcessHandle.current().pid());
 * try (Arena arena = Arena.ofConfined();
 *      UnixServerSocket server = UnixServerSocket.create(SocketType.SEQPACKET, address);
 *      UnixSocket client = UnixSocket.connect(SocketType.SEQPACKET, address);
 *      UnixSocket accepted = server.accept();
 *      SocketPair pair = UnixSocket.pair(SocketType.STREAM)) {
 *     accepted.sendDescriptors(arena.allocateFrom("one end"), pair.second().descriptor());
 *     MemorySegment buf = arena.allocate(64);
 *     try (ReceivedMessage m = client.receiveMessage(buf, 1);
 *          UnixSocket end = UnixSocket.adopt(m.descriptors().getFirst())) {
 *         String what = buf.getString(0);
 *         pair.first().send(arena.allocateFrom("hello"));
 *         end.receive(buf);
 *         System.out.println(what + ": " + buf.getString(0) + ", from pid " + client.peerCredentials().pid());
 *     }
 * }
 * }</pre>
 *
 * <p>Sends never raise SIGPIPE ({@code MSG_NOSIGNAL}); a closed peer is a
 * {@link org.panamaipc.BrokenPipeException}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/unix.7.html">unix(7)</a>
 */
package org.panamaipc.socket;
