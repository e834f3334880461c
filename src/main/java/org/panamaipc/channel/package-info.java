/**
 * Channels: ring buffers of records in shared memory between processes, with blocking
 * wake-ups, zero-copy claims, broadcast, dead-peer detection, and an open binary layout
 * ({@link org.panamaipc.channel.ChannelLayout}, {@code interop/LAYOUT.md}) that C and Python
 * peers implement too.
 *
 * <ul>
 *   <li>{@link org.panamaipc.channel.Channel}: the shared object, named
 *       ({@code create}/{@code open}/{@code openOrCreate}) or an anonymous sealed memfd;</li>
 *   <li>{@link org.panamaipc.channel.ChannelWriter} and
 *       {@link org.panamaipc.channel.ChannelReader}: one-to-one and many-to-one;</li>
 *   <li>{@link org.panamaipc.channel.BroadcastTransmitter} and
 *       {@link org.panamaipc.channel.BroadcastReceiver}: one to many, receivers lapped rather
 *       than waited for;</li>
 *   <li>{@link org.panamaipc.channel.IdleStrategy}: spin, yield, back off, or sleep on a
 *       futex until the other side wakes the end (a system call only when someone sleeps).</li>
 * </ul>
 *
 * <pre>{@code
 * String name = Channel.uniqueName("prices");
 * try (Channel channel = Channel.create(name, ChannelKind.ONE_TO_ONE, 64 * 1024).unlinkOnClose();
 *      ChannelWriter writer = channel.writer();
 *      Channel peer = Channel.open(name);          // in another process, usually
 *      ChannelReader reader = peer.reader()) {
 *     try (Arena arena = Arena.ofConfined()) {
 *         MemorySegment price = arena.allocate(ValueLayout.JAVA_LONG);
 *         price.set(ValueLayout.JAVA_LONG, 0, 4200);
 *         writer.send(1, price);
 *     }
 *     reader.receive((type, buffer, offset, length) ->
 *             System.out.println("type " + type + ": " + buffer.get(ValueLayout.JAVA_LONG, offset)));
 * }
 * }</pre>
 */
package org.panamaipc.channel;
