package org.panamaipc.socket;

import java.lang.foreign.MemorySegment;
import org.panamaipc.bindings.iovec;
import org.panamaipc.bindings.msghdr;
import org.panamaipc.bindings.sockaddr_un;
import org.panamaipc.bindings.ucred;
import org.panamaipc.internal.Cmsg;
import org.panamaipc.internal.Waiter;

/**
 * The native structures of one {@code sendmsg}/{@code recvmsg}, laid out in the calling
 * thread's scratch memory ({@link Waiter#scratch(long)}) so that passing descriptors and
 * credentials allocates no native memory per message: a {@code struct msghdr}, one
 * {@code struct iovec}, an address, a control buffer large enough for the most descriptors
 * a message carries plus credentials, and room for a copy of heap data.
 *
 * <p>Valid until the thread's next use of its scratch memory. A thread's last structures are
 * kept and handed out again while its scratch memory hands out the same segment (the same
 * size asked for), so that a hot path does not make them, and their slices, on every message:
 * the slices escape into the engine's call, where the compiler cannot remove them.
 */
final class MessageScratch {
    private static final ThreadLocal<MessageScratch> LAST = new ThreadLocal<>();

    /** Room for {@code SCM_MAX_FD} descriptors and one {@code struct ucred}. */
    static final long CONTROL_CAPACITY = Cmsg.space((long) Integer.BYTES * UnixSocket.MAX_DESCRIPTORS)
            + Cmsg.space(ucred.sizeof());
    /** Heap data up to this size is copied through {@link #data}. */
    static final long DATA_CAPACITY = 64 * 1024;

    private static final long IOV = align(msghdr.sizeof());
    private static final long NAME = IOV + align(iovec.sizeof());
    private static final long CONTROL = NAME + align(sockaddr_un.sizeof());
    private static final long DATA = CONTROL + align(CONTROL_CAPACITY);

    /** The scratch segment these structures lie in. */
    private final MemorySegment base;
    final MemorySegment msg;
    final MemorySegment iov;
    final MemorySegment name;
    final MemorySegment control;
    /** Room for {@code dataBytes}, or an empty segment when none was asked for. */
    final MemorySegment data;

    private MessageScratch(MemorySegment s, long dataBytes) {
        base = s;
        msg = s.asSlice(0, msghdr.sizeof());
        iov = s.asSlice(IOV, iovec.sizeof());
        name = s.asSlice(NAME, sockaddr_un.sizeof());
        control = s.asSlice(CONTROL, CONTROL_CAPACITY);
        data = s.asSlice(DATA, dataBytes);
    }

    /**
     * The calling thread's message structures.
     *
     * @param dataBytes room wanted for a copy of heap data, at most {@link #DATA_CAPACITY}
     * @return the structures
     */
    static MessageScratch get(long dataBytes) {
        MemorySegment s = Waiter.current().scratch(DATA + dataBytes);
        MessageScratch last = LAST.get();
        if (last != null && last.base == s) {
            return last;
        }
        MessageScratch made = new MessageScratch(s, dataBytes);
        LAST.set(made);
        return made;
    }

    private static long align(long n) {
        return (n + 15) & ~15L;
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
