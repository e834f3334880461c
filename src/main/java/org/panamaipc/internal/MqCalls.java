package org.panamaipc.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.timespec;

/**
 * The POSIX message queue calls ({@code mq_*}) and the System V message queue calls
 * ({@code msg*}), in the shape of {@link Sys}: each makes one call and returns its result or
 * {@code -errno}, never retrying on EINTR. The calls that may block also come in the shape of
 * a {@link BlockingCall}, for the {@link Blocker}, which owns EINTR, close and interrupt.
 *
 * <p>On Linux a POSIX queue descriptor ({@code mqd_t}) is a file descriptor and
 * {@code mq_close} is {@code close}, so descriptors are closed through
 * {@link org.panamaipc.OwnedFd}.
 */
public final class MqCalls {
    static {
        NativeAccess.require(); // first: without native access, a clear error instead of a failed initialization
    }

    /** An absolute {@code CLOCK_REALTIME} time long passed (the epoch): a timed call with it never blocks. */
    public static final MemorySegment EXPIRED = Deadline.EXPIRED;

    private static final int EAGAIN = LibC.EAGAIN();
    private static final int ETIMEDOUT = LibC.ETIMEDOUT();

    private MqCalls() {
    }

    /**
     * {@link BlockingCall} form of a receive that may wait, for {@link Blocker.Timing#ABSOLUTE_REALTIME}:
     * {@code mq_receive} without a limit, {@code mq_timedreceive} with one.
     *
     * @param fd the queue descriptor
     * @param buf native memory to receive into
     * @param priority one int receiving the message's priority
     * @param len the size of {@code buf}
     * @param y unused
     * @param z unused
     * @param absTimeout {@code NULL}, or an absolute {@code CLOCK_REALTIME} time
     * @return the message's length, or {@code -errno}
     */
    public static long receive(int fd, MemorySegment buf, MemorySegment priority, long len, long y, long z,
                               MemorySegment absTimeout) {
        return absTimeout.address() == 0 ? mqReceive(fd, buf, len, priority)
                : mqTimedReceive(fd, buf, len, priority, absTimeout);
    }

    /**
     * {@link BlockingCall} form of a receive that does not wait when given any limit, for
     * {@link Blocker.Timing#POLL_IN} and for {@code tryReceive}: {@code mq_timedreceive} with
     * {@link #EXPIRED}, its ETIMEDOUT reported as EAGAIN; without a limit {@code mq_receive}
     * (a non-blocking description answers EAGAIN).
     *
     * @param fd the queue descriptor
     * @param buf native memory to receive into
     * @param priority one int receiving the message's priority
     * @param len the size of {@code buf}
     * @param y unused
     * @param z unused
     * @param timeout {@code NULL} to wait as the description says, anything else not to wait
     * @return the message's length, or {@code -errno} (EAGAIN when the queue is empty)
     */
    public static long receiveNoWait(int fd, MemorySegment buf, MemorySegment priority, long len, long y, long z,
                                     MemorySegment timeout) {
        if (timeout.address() == 0) {
            return mqReceive(fd, buf, len, priority);
        }
        long r = mqTimedReceive(fd, buf, len, priority, EXPIRED);
        return r == -ETIMEDOUT ? -EAGAIN : r;
    }

    /**
     * {@link BlockingCall} form of a send that may wait, for {@link Blocker.Timing#ABSOLUTE_REALTIME}:
     * {@code mq_send} without a limit, {@code mq_timedsend} with one.
     *
     * @param fd the queue descriptor
     * @param msg native memory holding the message
     * @param unused unused
     * @param len the message's length
     * @param priority the message's priority
     * @param z unused
     * @param absTimeout {@code NULL}, or an absolute {@code CLOCK_REALTIME} time
     * @return 0, or {@code -errno}
     */
    public static long send(int fd, MemorySegment msg, MemorySegment unused, long len, long priority, long z,
                            MemorySegment absTimeout) {
        return absTimeout.address() == 0 ? mqSend(fd, msg, len, (int) priority)
                : mqTimedSend(fd, msg, len, (int) priority, absTimeout);
    }

    /**
     * {@link BlockingCall} form of a send that does not wait when given any limit, for
     * {@link Blocker.Timing#POLL_OUT} and for {@code trySend}: see {@link #receiveNoWait}.
     *
     * @param fd the queue descriptor
     * @param msg native memory holding the message
     * @param unused unused
     * @param len the message's length
     * @param priority the message's priority
     * @param z unused
     * @param timeout {@code NULL} to wait as the description says, anything else not to wait
     * @return 0, or {@code -errno} (EAGAIN when the queue is full)
     */
    public static long sendNoWait(int fd, MemorySegment msg, MemorySegment unused, long len, long priority, long z,
                                  MemorySegment timeout) {
        if (timeout.address() == 0) {
            return mqSend(fd, msg, len, (int) priority);
        }
        int r = mqTimedSend(fd, msg, len, (int) priority, EXPIRED);
        return r == -ETIMEDOUT ? -EAGAIN : r;
    }

    /**
     * {@link BlockingCall} form of {@code msgrcv}, for {@link Blocker.Timing#TIMER} (the kernel
     * has no timed form).
     *
     * @param id the queue id
     * @param msgp room for a {@code long mtype} followed by {@code size} bytes of text
     * @param unused unused
     * @param size the room for the text
     * @param type the type selector
     * @param flags {@code IPC_NOWAIT}, {@code MSG_EXCEPT}, {@code MSG_NOERROR}
     * @param timeout unused (the engine's timer ends the wait)
     * @return the length of the text received, or {@code -errno}
     */
    public static long msgReceive(int id, MemorySegment msgp, MemorySegment unused, long size, long type, long flags,
                                  MemorySegment timeout) {
        return msgrcv(id, msgp, size, type, (int) flags);
    }

    /**
     * {@link BlockingCall} form of {@code msgsnd}, for {@link Blocker.Timing#TIMER}.
     *
     * @param id the queue id
     * @param msgp a {@code long mtype} followed by the text
     * @param unused unused
     * @param size the length of the text
     * @param flags {@code IPC_NOWAIT} or 0
     * @param z unused
     * @param timeout unused (the engine's timer ends the wait)
     * @return 0, or {@code -errno}
     */
    public static long msgSend(int id, MemorySegment msgp, MemorySegment unused, long size, long flags, long z,
                               MemorySegment timeout) {
        return msgsnd(id, msgp, size, (int) flags);
    }

    private static final MethodHandle MQ_OPEN = Downcalls.variadic(LibC.mq_open.address(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), 2);
    private static final MethodHandle MQ_UNLINK =
            Downcalls.blocking(LibC.mq_unlink$address(), LibC.mq_unlink$descriptor());
    private static final MethodHandle MQ_SEND = Downcalls.blocking(LibC.mq_send$address(), LibC.mq_send$descriptor());
    private static final MethodHandle MQ_TIMEDSEND =
            Downcalls.blocking(LibC.mq_timedsend$address(), LibC.mq_timedsend$descriptor());
    private static final MethodHandle MQ_RECEIVE =
            Downcalls.blocking(LibC.mq_receive$address(), LibC.mq_receive$descriptor());
    private static final MethodHandle MQ_TIMEDRECEIVE =
            Downcalls.blocking(LibC.mq_timedreceive$address(), LibC.mq_timedreceive$descriptor());
    private static final MethodHandle MQ_GETATTR =
            Downcalls.nonBlocking(LibC.mq_getattr$address(), LibC.mq_getattr$descriptor());
    private static final MethodHandle MQ_SETATTR =
            Downcalls.nonBlocking(LibC.mq_setattr$address(), LibC.mq_setattr$descriptor());
    private static final MethodHandle MQ_NOTIFY =
            Downcalls.blocking(LibC.mq_notify$address(), LibC.mq_notify$descriptor());
    private static final MethodHandle GETRLIMIT =
            Downcalls.nonBlocking(LibC.getrlimit$address(), LibC.getrlimit$descriptor());
    private static final MethodHandle MSGGET = Downcalls.nonBlocking(LibC.msgget$address(), LibC.msgget$descriptor());
    private static final MethodHandle MSGSND = Downcalls.blocking(LibC.msgsnd$address(), LibC.msgsnd$descriptor());
    private static final MethodHandle MSGRCV = Downcalls.blocking(LibC.msgrcv$address(), LibC.msgrcv$descriptor());
    private static final MethodHandle MSGCTL = Downcalls.nonBlocking(LibC.msgctl$address(), LibC.msgctl$descriptor());

    /**
     * {@code mq_open(name, oflag, mode, attr)}.
     *
     * @param name a NUL-terminated name with its leading slash
     * @param oflag {@code O_RDONLY}/{@code O_WRONLY}/{@code O_RDWR} with {@code O_CREAT},
     *        {@code O_EXCL}, {@code O_NONBLOCK}
     * @param mode permission bits when creating
     * @param attr a {@code struct mq_attr} (maxmsg, msgsize) or NULL for the defaults
     * @return the descriptor, or {@code -errno}
     */
    public static int mqOpen(MemorySegment name, int oflag, int mode, MemorySegment attr) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) MQ_OPEN.invokeExact(st, name, oflag, mode, attr);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code mq_unlink(name)}.
     *
     * @param name a NUL-terminated name
     * @return 0, or {@code -errno}
     */
    public static int mqUnlink(MemorySegment name) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) MQ_UNLINK.invokeExact(st, name);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code mq_send(fd, msg, len, prio)}.
     *
     * @param fd the queue descriptor
     * @param msg native memory holding the message
     * @param len its length
     * @param priority 0 to {@code MQ_PRIO_MAX - 1}
     * @return 0, or {@code -errno}
     */
    public static int mqSend(int fd, MemorySegment msg, long len, int priority) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) MQ_SEND.invokeExact(st, fd, msg, len, priority);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code mq_timedsend(fd, msg, len, prio, abs_timeout)}.
     *
     * @param fd the queue descriptor
     * @param msg native memory holding the message
     * @param len its length
     * @param priority the priority
     * @param absTimeout an absolute {@code CLOCK_REALTIME} {@code struct timespec}
     * @return 0, or {@code -errno} (ETIMEDOUT when the queue stayed full)
     */
    public static int mqTimedSend(int fd, MemorySegment msg, long len, int priority, MemorySegment absTimeout) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) MQ_TIMEDSEND.invokeExact(st, fd, msg, len, priority, absTimeout);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code mq_receive(fd, buf, len, &prio)}.
     *
     * @param fd the queue descriptor
     * @param buf native memory to receive into
     * @param len its size, at least the queue's message size
     * @param priority one int receiving the message's priority
     * @return the message's length, or {@code -errno}
     */
    public static long mqReceive(int fd, MemorySegment buf, long len, MemorySegment priority) {
        MemorySegment st = CallState.get();
        try {
            long r = (long) MQ_RECEIVE.invokeExact(st, fd, buf, len, priority);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code mq_timedreceive(fd, buf, len, &prio, abs_timeout)}.
     *
     * @param fd the queue descriptor
     * @param buf native memory to receive into
     * @param len its size
     * @param priority one int receiving the message's priority
     * @param absTimeout an absolute {@code CLOCK_REALTIME} {@code struct timespec}
     * @return the message's length, or {@code -errno} (ETIMEDOUT when the queue stayed empty)
     */
    public static long mqTimedReceive(int fd, MemorySegment buf, long len, MemorySegment priority,
                                      MemorySegment absTimeout) {
        MemorySegment st = CallState.get();
        try {
            long r = (long) MQ_TIMEDRECEIVE.invokeExact(st, fd, buf, len, priority, absTimeout);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code mq_getattr(fd, attr)}.
     *
     * @param fd the queue descriptor
     * @param attr a {@code struct mq_attr} to fill
     * @return 0, or {@code -errno}
     */
    public static int mqGetattr(int fd, MemorySegment attr) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) MQ_GETATTR.invokeExact(st, fd, attr);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code mq_setattr(fd, newattr, oldattr)}: only {@code mq_flags} ({@code O_NONBLOCK}) changes.
     *
     * @param fd the queue descriptor
     * @param attr the new attributes
     * @param old receives the previous ones, or NULL
     * @return 0, or {@code -errno}
     */
    public static int mqSetattr(int fd, MemorySegment attr, MemorySegment old) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) MQ_SETATTR.invokeExact(st, fd, attr, old);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code mq_notify(fd, sevp)}.
     *
     * @param fd the queue descriptor
     * @param sigevent a {@code struct sigevent}, or NULL to remove this process's registration
     * @return 0, or {@code -errno} (EBUSY when another process is registered)
     */
    public static int mqNotify(int fd, MemorySegment sigevent) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) MQ_NOTIFY.invokeExact(st, fd, sigevent);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code getrlimit(resource, rlim)}.
     *
     * @param resource e.g. {@code RLIMIT_MSGQUEUE}
     * @param rlimit a {@code struct rlimit} to fill
     * @return 0, or {@code -errno}
     */
    public static int getrlimit(int resource, MemorySegment rlimit) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) GETRLIMIT.invokeExact(st, resource, rlimit);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code msgget(key, msgflg)}.
     *
     * @param key the key, or {@code IPC_PRIVATE}
     * @param flags permission bits with {@code IPC_CREAT}, {@code IPC_EXCL}
     * @return the queue id, or {@code -errno}
     */
    public static int msgget(int key, int flags) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) MSGGET.invokeExact(st, key, flags);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code msgsnd(id, msgp, msgsz, msgflg)}.
     *
     * @param id the queue id
     * @param msgp a {@code long mtype} followed by the text
     * @param size the length of the text (not counting the type)
     * @param flags {@code IPC_NOWAIT} or 0
     * @return 0, or {@code -errno}
     */
    public static int msgsnd(int id, MemorySegment msgp, long size, int flags) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) MSGSND.invokeExact(st, id, msgp, size, flags);
            return r == 0 ? 0 : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code msgrcv(id, msgp, msgsz, msgtyp, msgflg)}.
     *
     * @param id the queue id
     * @param msgp room for a {@code long mtype} followed by {@code size} bytes of text
     * @param size the room for the text
     * @param type the type selector
     * @param flags {@code IPC_NOWAIT}, {@code MSG_EXCEPT}, {@code MSG_NOERROR}
     * @return the length of the text received, or {@code -errno}
     */
    public static long msgrcv(int id, MemorySegment msgp, long size, long type, int flags) {
        MemorySegment st = CallState.get();
        try {
            long r = (long) MSGRCV.invokeExact(st, id, msgp, size, type, flags);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }

    /**
     * {@code msgctl(id, cmd, buf)}.
     *
     * @param id the queue id
     * @param cmd {@code IPC_STAT}, {@code IPC_SET}, {@code IPC_RMID}
     * @param buf a {@code struct msqid_ds}, or NULL for {@code IPC_RMID}
     * @return the call's result, or {@code -errno}
     */
    public static int msgctl(int id, int cmd, MemorySegment buf) {
        MemorySegment st = CallState.get();
        try {
            int r = (int) MSGCTL.invokeExact(st, id, cmd, buf);
            return r >= 0 ? r : -CallState.errno(st);
        } catch (Throwable t) {
            throw Errors.unexpected(t);
        }
    }
}
