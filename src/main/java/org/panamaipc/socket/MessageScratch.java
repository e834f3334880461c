package org.panamaipc.socket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.panamaipc.bindings.iovec;
import org.panamaipc.bindings.msghdr;
import org.panamaipc.bindings.sockaddr_un;
import org.panamaipc.bindings.ucred;
import org.panamaipc.internal.Cmsg;

/**
 * The native structures of one {@code sendmsg}/{@code recvmsg}, kept per thread so that
 * passing descriptors and credentials allocates no native memory per message: a
 * {@code struct msghdr}, one {@code struct iovec}, an address, and a control buffer
 * large enough for the most descriptors a message carries plus credentials.
 */
final class MessageScratch {
    /** Room for {@code SCM_MAX_FD} descriptors and one {@code struct ucred}. */
    static final long CONTROL_CAPACITY = Cmsg.space((long) Integer.BYTES * UnixSocket.MAX_DESCRIPTORS)
            + Cmsg.space(ucred.sizeof());
    /** Heap data up to this size is copied through {@link #data}. */
    static final long DATA_CAPACITY = 64 * 1024;

    private static final ThreadLocal<MessageScratch> PER_THREAD = ThreadLocal.withInitial(MessageScratch::new);

    final MemorySegment msg;
    final MemorySegment iov;
    final MemorySegment name;
    final MemorySegment control;
    final MemorySegment data;

    private MessageScratch() {
        Arena arena = Arena.ofAuto(); // freed with the thread's last reference
        msg = msghdr.allocate(arena);
        iov = iovec.allocate(arena);
        name = arena.allocate(sockaddr_un.layout());
        control = arena.allocate(CONTROL_CAPACITY, 8);
        data = arena.allocate(DATA_CAPACITY, 16);
    }

    static MessageScratch get() {
        return PER_THREAD.get();
    }

    /** Points a cleared {@code msghdr} at one buffer; no name, no control. */
    MemorySegment message(MemorySegment buffer) {
        msg.fill((byte) 0);
        iovec.iov_base(iov, buffer);
        iovec.iov_len(iov, buffer.byteSize());
        msghdr.msg_iov(msg, iov);
        msghdr.msg_iovlen(msg, 1);
        return msg;
    }
}
