package org.panamaipc.vthreads;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import org.panamaipc.mq.PosixMessageQueue;
import org.panamaipc.mq.PriorityMessage;
import org.panamaipc.pipe.Pipe;
import org.panamaipc.socket.SocketPair;
import org.panamaipc.socket.SocketType;
import org.panamaipc.socket.UnixSocket;
import org.panamaipc.sync.EventFd;
import org.panamaipc.testing.TestRun;

/**
 * A kind of descriptor a virtual thread waits on, one per thread: the wait, what ends it with
 * a value, and how close and interrupt end it. Each object gets distinct content, so that a
 * waiter woken with another's value shows.
 *
 * @param <O> one object: a pipe, a queue, a socket pair, an eventfd
 */
interface Subject<O> {
    /** {@return the object for waiter {@code i}} */
    O open(int i) throws IOException;

    /** Waits on the object, in the way a user would; returns what came. */
    Object await(O o, int i) throws IOException;

    /** Gives waiter {@code i} what ends its wait with {@link #expected}. */
    void give(O o, int i) throws IOException;

    /** {@return what waiter {@code i} receives once given} */
    Object expected(int i);

    /** Closes the end the waiter waits on, from another thread: the waiter must leave. */
    void closeWaited(O o) throws IOException;

    /** {@return whether the end the waiter waits on is open} */
    boolean isOpen(O o);

    /** {@return what an interrupted wait throws: a channel's, or the library's interruption} */
    Class<? extends Throwable> interrupted();

    /** Releases everything the object holds (both ends, a name); safe after {@link #closeWaited}. */
    void dispose(O o);

    /** Pipes read with {@code read(byte[], int, int)}, through the library's native bounce buffer. */
    static Subject<Pipe> pipeIntoArray(int bufferSize) {
        return new Pipes() {
            @Override
            public Object await(Pipe p, int i) throws IOException {
                byte[] buffer = new byte[bufferSize];
                int n = p.source().read(buffer, 0, buffer.length);
                return n < 0 ? "EOF" : new String(buffer, 0, n, StandardCharsets.UTF_8);
            }
        };
    }

    /** Pipes read with {@code read(MemorySegment)} into the caller's native memory, 64 bytes a reader. */
    static Subject<Pipe> pipeIntoSegment(Arena arena, int readers) {
        MemorySegment all = arena.allocate(64L * readers, 8);
        return new Pipes() {
            @Override
            public Object await(Pipe p, int i) throws IOException {
                MemorySegment mine = all.asSlice(64L * i, 64);
                long n = p.source().read(mine);
                return n < 0 ? "EOF" : new String(mine.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE),
                        StandardCharsets.UTF_8);
            }
        };
    }

    /** Pipes: the waiter reads the read end, the writer writes the other. */
    abstract class Pipes implements Subject<Pipe> {
        @Override
        public Pipe open(int i) throws IOException {
            return Pipe.open();
        }

        @Override
        public void give(Pipe p, int i) throws IOException {
            byte[] b = ((String) expected(i)).getBytes(StandardCharsets.UTF_8);
            p.sink().write(b, 0, b.length);
        }

        @Override
        public Object expected(int i) {
            return "pipe " + i;
        }

        @Override
        public void closeWaited(Pipe p) throws IOException {
            p.source().close();
        }

        @Override
        public boolean isOpen(Pipe p) {
            return p.source().isOpen();
        }

        @Override
        public Class<? extends Throwable> interrupted() {
            return ClosedByInterruptException.class;
        }

        @Override
        public void dispose(Pipe p) {
            p.close();
        }
    }

    /** POSIX message queues of one message of 16 bytes; the waiter receives a copy. */
    static Subject<PosixMessageQueue> posixQueue() {
        return new Subject<>() {
            @Override
            public PosixMessageQueue open(int i) throws IOException {
                return PosixMessageQueue.create(PosixMessageQueue.uniqueName(TestRun.prefix("vt")), 1, 16).unlinkOnClose();
            }

            @Override
            public Object await(PosixMessageQueue q, int i) throws IOException {
                PriorityMessage m = q.receive();
                return new String(m.data(), StandardCharsets.UTF_8) + " @" + m.priority();
            }

            @Override
            public void give(PosixMessageQueue q, int i) throws IOException {
                q.send(("queue " + i).getBytes(StandardCharsets.UTF_8), i % 32);
            }

            @Override
            public Object expected(int i) {
                return "queue " + i + " @" + i % 32;
            }

            @Override
            public void closeWaited(PosixMessageQueue q) {
                q.close();
            }

            @Override
            public boolean isOpen(PosixMessageQueue q) {
                return q.isOpen();
            }

            @Override
            public Class<? extends Throwable> interrupted() {
                return InterruptedIOException.class;
            }

            @Override
            public void dispose(PosixMessageQueue q) {
                q.close();
            }
        };
    }

    /** Stream socket pairs: the waiter receives on the second, the writer sends on the first. */
    static Subject<SocketPair> socketPair() {
        return new Subject<>() {
            @Override
            public SocketPair open(int i) throws IOException {
                return UnixSocket.pair(SocketType.STREAM);
            }

            @Override
            public Object await(SocketPair p, int i) throws IOException {
                byte[] buffer = new byte[64];
                int n = p.second().receive(buffer);
                return n < 0 ? "EOF" : new String(buffer, 0, n, StandardCharsets.UTF_8);
            }

            @Override
            public void give(SocketPair p, int i) throws IOException {
                p.first().send(((String) expected(i)).getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public Object expected(int i) {
                return "socket " + i;
            }

            @Override
            public void closeWaited(SocketPair p) throws IOException {
                p.second().close();
            }

            @Override
            public boolean isOpen(SocketPair p) {
                return p.second().isOpen();
            }

            @Override
            public Class<? extends Throwable> interrupted() {
                return ClosedByInterruptException.class;
            }

            @Override
            public void dispose(SocketPair p) {
                p.close();
            }
        };
    }

    /** Eventfds in counter mode: the waiter takes the count, the writer adds {@code i + 1}. */
    static Subject<EventFd> eventFd() {
        return new Subject<>() {
            @Override
            public EventFd open(int i) throws IOException {
                return EventFd.create(0, EventFd.Mode.COUNTER);
            }

            @Override
            public Object await(EventFd e, int i) throws IOException {
                return e.await();
            }

            @Override
            public void give(EventFd e, int i) throws IOException {
                e.signal(i + 1);
            }

            @Override
            public Object expected(int i) {
                return (long) i + 1;
            }

            @Override
            public void closeWaited(EventFd e) {
                e.close();
            }

            @Override
            public boolean isOpen(EventFd e) {
                return e.isOpen();
            }

            @Override
            public Class<? extends Throwable> interrupted() {
                return InterruptedIOException.class;
            }

            @Override
            public void dispose(EventFd e) {
                e.close();
            }
        };
    }
}
