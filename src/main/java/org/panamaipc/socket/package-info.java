/**
 * Unix domain sockets: stream, datagram and seqpacket; {@code socketpair}; path and
 * abstract addresses; descriptor passing (SCM_RIGHTS) and credentials (SO_PEERCRED,
 * SCM_CREDENTIALS).
 *
 * <p>A server hands a client one end of a socket pair, together with the data that
 * describes it, and the client talks through it:
 *
 * <pre>{@code
 * var address = AbstractSocketAddress.unique("example");
 * try (Arena arena = Arena.ofConfined();
 *      UnixServerSocket server = UnixServerSocket.create(SocketType.SEQPACKET, address);
 *      UnixSocket client = UnixSocket.connect(SocketType.SEQPACKET, address);
 *      UnixSocket accepted = server.accept();
 *      SocketPair pair = UnixSocket.pair(SocketType.STREAM)) {
 *     accepted.sendDescriptors(arena.allocateFrom("one end"), pair.second().fd());
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
 * <p><b>Names.</b> {@link UnixServerSocket#create} and {@link UnixSocket#bind} take an
 * address exclusively: a path that exists, or an abstract name in use, is a
 * {@link java.nio.file.FileAlreadyExistsException}; nothing is removed or replaced.
 * {@code unlinkOnClose()} makes the creator's {@code close()} remove its socket file;
 * {@link AbstractSocketAddress#unique(String)} makes a name no other socket has.
 *
 * <p><b>Waiting.</b> A wait that ends with nothing returns 0 from a method returning a count
 * and {@code null} from one returning an object; -1 is end of stream. {@code close()} from
 * another thread releases every thread blocked on the socket
 * ({@link java.nio.channels.AsynchronousCloseException}). {@link Thread#interrupt()} of a
 * blocked thread follows the JDK's channels for a {@link UnixSocket}: the socket is closed
 * and the call throws {@link java.nio.channels.ClosedByInterruptException}. A
 * {@link UnixServerSocket} is no channel: its {@code accept} throws
 * {@link java.io.InterruptedIOException}, and the socket stays open and listening. Both are
 * {@link org.panamaipc.Waitable}: one {@link org.panamaipc.WaitSet} waits for connections
 * ({@link org.panamaipc.Interest#ACCEPTABLE}) and data on many sockets at once.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/unix.7.html">unix(7)</a>
 */
package org.panamaipc.socket;
