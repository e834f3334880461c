package org.panamaipc.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.epoll_event;

/**
 * {@code epoll(7)}: the calls behind the library's poller and the public wait set. Each
 * returns its result or {@code -errno}.
 */
public final class EpollCalls {
    static {
        NativeAccess.require(); // first: without native access, a clear error instead of a failed initialization
    }

    /** EPOLLIN. */
    public static final int IN = LibC.EPOLLIN();
    /** EPOLLOUT. */
    public static final int OUT = LibC.EPOLLOUT();
    /** EPOLLERR (always reported). */
    public static final int ERR = LibC.EPOLLERR();
    /** EPOLLHUP (always reported). */
    public static final int HUP = LibC.EPOLLHUP();
    /** EPOLLONESHOT: the registration is disabled after one report until re-armed. */
    public static final int ONESHOT = LibC.EPOLLONESHOT();
    /** The bytes of one {@code struct epoll_event} (packed on x86-64: 12). */
    public static final long EVENT_BYTES = epoll_event.layout().byteSize();

    private static final long DATA = epoll_event.data$offset();
    private static final int CTL_ADD = LibC.EPOLL_CTL_ADD();
    private static final int CTL_MOD = LibC.EPOLL_CTL_MOD();
    private static final int CTL_DEL = LibC.EPOLL_CTL_DEL();
    private static final int ENOENT = LibC.ENOENT();

    private static final MethodHandle CREATE =
            Downcalls.nonBlocking(LibC.epoll_create1$address(), LibC.epoll_create1$descriptor());
    private static final MethodHandle CTL = Downcalls.nonBlocking(LibC.epoll_ctl$address(), LibC.epoll_ctl$descriptor());
    private static final MethodHandle WAIT = Downcalls.blocking(LibC.epoll_wait$address(), LibC.epoll_wait$descriptor());

    private EpollCalls() {
    }

    /** {@return a new close-on-exec epoll descriptor, or {@code -errno}} */
    public static int create() {
        MemorySegment st = CallState.get();
        try {
            int r = (int) CREATE.invokeExact(st, LibC.EPOLL_CLOEXEC());
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * Arms {@code fd} for {@code events} with {@code data}: modifies its registration, or adds
     * one if it has none.
     *
     * @param ep the epoll descriptor
     * @param fd the descriptor registered
     * @param events the {@code EPOLL*} bits
     * @param data what the event reports back
     * @param event scratch for one {@code struct epoll_event}
     * @return 0 or {@code -errno}
     */
    public static int arm(int ep, int fd, int events, long data, MemorySegment event) {
        int r = ctl(ep, CTL_MOD, fd, events, data, event);
        return r == -ENOENT ? ctl(ep, CTL_ADD, fd, events, data, event) : r;
    }

    /**
     * Adds a registration.
     *
     * @param ep the epoll descriptor
     * @param fd the descriptor registered
     * @param events the {@code EPOLL*} bits
     * @param data what the event reports back
     * @param event scratch for one {@code struct epoll_event}
     * @return 0 or {@code -errno}
     */
    public static int add(int ep, int fd, int events, long data, MemorySegment event) {
        return ctl(ep, CTL_ADD, fd, events, data, event);
    }

    /**
     * Changes a registration.
     *
     * @param ep the epoll descriptor
     * @param fd the descriptor registered
     * @param events the {@code EPOLL*} bits
     * @param data what the event reports back
     * @param event scratch for one {@code struct epoll_event}
     * @return 0 or {@code -errno}
     */
    public static int modify(int ep, int fd, int events, long data, MemorySegment event) {
        return ctl(ep, CTL_MOD, fd, events, data, event);
    }

    /**
     * Removes a registration.
     *
     * @param ep the epoll descriptor
     * @param fd the descriptor registered
     * @param event scratch for one {@code struct epoll_event}
     * @return 0 or {@code -errno} (ENOENT if there is none)
     */
    public static int remove(int ep, int fd, MemorySegment event) {
        return ctl(ep, CTL_DEL, fd, 0, 0, event);
    }

    private static int ctl(int ep, int op, int fd, int events, long data, MemorySegment event) {
        epoll_event.events(event, events);
        event.set(ValueLayout.JAVA_LONG_UNALIGNED, DATA, data);
        MemorySegment st = CallState.get();
        try {
            int r = (int) CTL.invokeExact(st, ep, op, fd, event);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code epoll_wait}, once (EINTR is returned).
     *
     * @param ep the epoll descriptor
     * @param events room for {@code max} events
     * @param max the room's length in events
     * @param timeoutMillis -1 without limit, 0 to look without waiting
     * @return the number of events, or {@code -errno}
     */
    public static int await(int ep, MemorySegment events, int max, int timeoutMillis) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) WAIT.invokeExact(st, ep, events, max, timeoutMillis);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@return the events of the {@code i}-th entry of an event array}
     *
     * @param array what {@link #await} filled
     * @param i the entry
     */
    public static int events(MemorySegment array, int i) {
        return array.get(ValueLayout.JAVA_INT_UNALIGNED, i * EVENT_BYTES);
    }

    /**
     * {@return the data of the {@code i}-th entry of an event array}
     *
     * @param array what {@link #await} filled
     * @param i the entry
     */
    public static long data(MemorySegment array, int i) {
        return array.get(ValueLayout.JAVA_LONG_UNALIGNED, i * EVENT_BYTES + DATA);
    }
}
