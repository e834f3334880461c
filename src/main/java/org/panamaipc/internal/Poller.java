package org.panamaipc.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.LockSupport;
import org.panamaipc.Errno;
import org.panamaipc.OwnedFd;

/**
 * The library's poller: where a virtual thread waits for a descriptor to become ready, its
 * carrier free meanwhile. One epoll instance and one daemon platform thread serve the whole
 * JVM, as the JDK's own poller does for its sockets: a descriptor is armed
 * {@code EPOLLONESHOT} for the union of what its waiters want; the poller thread, on an
 * event, unparks the waiters it concerns and re-arms for the rest. Nothing is polled at
 * intervals.
 *
 * <p>A waiter is the thread's {@link Waiter}, linked into the descriptor's registration: no
 * allocation per wait. Registrations are kept per descriptor number and reused; one made for
 * an earlier owner of the number is reset ({@code data} carries a generation, so an event of
 * a stale registration wakes nobody).
 */
final class Poller {
    private static final int EVENTS = 256;

    private final int ep;
    private Registration[] table = new Registration[256]; // by descriptor number; grows under this

    private static final class Holder {
        static final Poller POLLER = new Poller();
    }

    private static final class Registration {
        final int fd;
        final MemorySegment event = Arena.global().allocate(EpollCalls.EVENT_BYTES, 8);
        OwnedFd owner;
        int generation;
        int armed; // the events armed in epoll; 0 when disarmed (never armed, or fired)
        Waiter head;

        Registration(int fd) {
            this.fd = fd;
        }

        long data() {
            return (long) generation << 32 | fd;
        }
    }

    private Poller() {
        int r = EpollCalls.create();
        if (r < 0) {
            throw new IllegalStateException("epoll_create1 for the poller: " + Errno.describe(-r));
        }
        ep = r;
        Thread t = Thread.ofPlatform().daemon().name("panama-ipc-poller").unstarted(this::loop);
        t.start();
    }

    /**
     * Parks the calling virtual thread until {@code fd} is ready for {@code events}, the
     * deadline passes or the thread is unparked (close, interrupt, a spurious wake-up): the
     * caller looks at the cause and calls again as needed.
     *
     * @param w the calling thread's record
     * @param owner the descriptor, acquired by the caller for the whole wait
     * @param fd its number
     * @param events {@code EPOLLIN} and/or {@code EPOLLOUT}
     * @param deadline from {@link Deadline#end}, or {@link Deadline#NONE}
     * @return 0, or {@code -errno} if the descriptor cannot be polled
     */
    static int park(Waiter w, OwnedFd owner, int fd, int events, long deadline) {
        return Holder.POLLER.parkOn(w, owner, fd, events, deadline);
    }

    private int parkOn(Waiter w, OwnedFd owner, int fd, int events, long deadline) {
        Registration r = registration(fd);
        synchronized (r) {
            if (r.owner != owner) { // a new owner of this number: what was armed concerned the old one
                r.owner = owner;
                r.generation++;
                r.armed = 0;
            }
            w.pollReady = false;
            w.pollEvents = events;
            w.pollNext = r.head;
            w.pollPrev = null;
            if (r.head != null) {
                r.head.pollPrev = w;
            }
            r.head = w;
            int want = r.armed | events;
            if (want != r.armed) {
                int e = EpollCalls.arm(ep, fd, want | EpollCalls.ONESHOT, r.data(), r.event);
                if (e < 0) {
                    unlink(r, w);
                    return e;
                }
                r.armed = want;
            }
        }
        if (deadline == Deadline.NONE) {
            LockSupport.park(this);
        } else {
            long nanos = Deadline.remainingNanos(deadline);
            if (nanos > 0) {
                LockSupport.parkNanos(this, nanos);
            }
        }
        synchronized (r) {
            if (!w.pollReady) {
                unlink(r, w); // woken by something else: the registration may stay armed for others
            }
        }
        return 0;
    }

    private Registration registration(int fd) {
        Registration[] t = table;
        Registration r = fd < t.length ? t[fd] : null;
        if (r != null) {
            return r;
        }
        synchronized (this) {
            if (fd >= table.length) {
                table = java.util.Arrays.copyOf(table, Math.max(fd + 1, 2 * table.length));
            }
            r = table[fd];
            if (r == null) {
                r = new Registration(fd);
                table[fd] = r;
            }
            return r;
        }
    }

    private static void unlink(Registration r, Waiter w) {
        if (w.pollPrev != null) {
            w.pollPrev.pollNext = w.pollNext;
        } else if (r.head == w) {
            r.head = w.pollNext;
        }
        if (w.pollNext != null) {
            w.pollNext.pollPrev = w.pollPrev;
        }
        w.pollNext = null;
        w.pollPrev = null;
    }

    private void loop() {
        MemorySegment events = Arena.global().allocate(EVENTS * EpollCalls.EVENT_BYTES, 8);
        while (true) {
            int n = EpollCalls.await(ep, events, EVENTS, -1);
            for (int i = 0; i < n; i++) {
                long data = EpollCalls.data(events, i);
                dispatch((int) data, (int) (data >>> 32), EpollCalls.events(events, i));
            }
        }
    }

    private void dispatch(int fd, int generation, int revents) {
        Registration[] t = table;
        Registration r = fd < t.length ? t[fd] : null;
        if (r == null) {
            return;
        }
        synchronized (r) {
            if (r.generation != generation) {
                return; // a registration of an earlier owner of the number
            }
            r.armed = 0; // one-shot: disabled until armed again
            boolean all = (revents & (EpollCalls.ERR | EpollCalls.HUP)) != 0;
            int rest = 0;
            Waiter w = r.head;
            while (w != null) {
                Waiter next = w.pollNext;
                if (all || (w.pollEvents & revents) != 0) {
                    unlink(r, w);
                    w.pollReady = true;
                    LockSupport.unpark(w.thread);
                } else {
                    rest |= w.pollEvents;
                }
                w = next;
            }
            if (rest != 0) {
                if (EpollCalls.arm(ep, fd, rest | EpollCalls.ONESHOT, r.data(), r.event) == 0) {
                    r.armed = rest;
                } else { // cannot happen on a descriptor armed a moment ago: let the waiters look
                    for (w = r.head; w != null; w = r.head) {
                        unlink(r, w);
                        w.pollReady = true;
                        LockSupport.unpark(w.thread);
                    }
                }
            }
        }
    }
}
