package org.panamaipc;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.NativeAccess;
import org.panamaipc.internal.Sys;
import org.panamaipc.internal.UseCount;

/**
 * A file descriptor owned by exactly one Java object, closed exactly once.
 *
 * <p>Descriptors this library opens are close-on-exec. {@link #close()} is idempotent and
 * safe from any thread: a call that is using the descriptor ({@link #acquire()} ...
 * {@link #release()}) keeps the number from being closed, and so from being reused by an
 * unrelated {@code open}, until it is done; the descriptor is closed by whichever of
 * {@code close()} and the last {@code release()} comes last. Waking a thread that is
 * blocked on the descriptor is the job of the mechanism that blocks.
 *
 * <p>An owned descriptor is never cloned: {@link #dup()} makes a second owned descriptor
 * for the same open file, and {@link #detach()} hands the number to the caller.
 *
 * <p>A {@link WaitSet} that watches the descriptor is told when it leaves this owner, just
 * before the number is closed (or detached), so that the set forgets it while the number
 * still means this file: a number reused by a later {@code open} never reaches the set.
 *
 * <pre>{@code
 * try (OwnedFd fd = OwnedFd.adopt(rawFd)) {
 *     OwnedFd copy = fd.dup();          // closes separately
 *     ...
 * }
 * }</pre>
 */
public final class OwnedFd implements AutoCloseable {
    private static final VarHandle LISTENERS;
    private static final Runnable[] NONE = {};
    /** What the listener list becomes once they have run: nothing can be added after. */
    private static final Runnable[] RAN = {};

    static {
        try {
            LISTENERS = MethodHandles.lookup().findVarHandle(OwnedFd.class, "listeners", Runnable[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int fd;
    private final UseCount uses = new UseCount() {
        @Override
        protected void release() {
            runCloseListeners();
            Sys.close(fd);
        }
    };
    // copied on write with a compare-and-set, so that close stays lock-free; rarely longer than one
    @SuppressWarnings("unused") // accessed through LISTENERS
    private volatile Runnable[] listeners = NONE;

    private OwnedFd(int fd) {
        this.fd = fd;
    }

    /**
     * Takes ownership of a raw descriptor: from now on this object closes it.
     *
     * @param fd an open descriptor, not owned by anything else
     * @return the owner
     * @throws IllegalArgumentException if {@code fd} is negative
     */
    public static OwnedFd adopt(int fd) {
        NativeAccess.require();
        if (fd < 0) {
            throw new IllegalArgumentException("fd=" + fd + " must not be negative");
        }
        return new OwnedFd(fd);
    }

    /**
     * Marks the descriptor in use by a call, so that a concurrent {@link #close()} waits
     * for the call to {@link #release()} it. Allocates nothing.
     *
     * @return the descriptor's number, valid until {@link #release()}
     * @throws IllegalStateException if the descriptor is closed
     */
    public int acquire() {
        if (!uses.tryEnter()) {
            throw closed();
        }
        return fd;
    }

    /**
     * As {@link #acquire()}, for callers to whom a closed descriptor is no error.
     *
     * @return the descriptor's number, or -1 if it is closed (nothing to release then)
     */
    int tryAcquire() {
        return uses.tryEnter() ? fd : -1;
    }

    /** Ends a use begun by {@link #acquire()}; closes the descriptor if it was closed meanwhile. */
    public void release() {
        uses.exit();
    }

    /**
     * The descriptor's number, for a moment: prefer {@link #acquire()} around a call.
     *
     * @return the number
     * @throws IllegalStateException if the descriptor is closed
     */
    public int get() {
        if (!isOpen()) {
            throw closed();
        }
        return fd;
    }

    /** {@return whether {@link #close()} or {@link #detach()} has not been called yet} */
    public boolean isOpen() {
        return uses.isOpen();
    }

    /**
     * Duplicates the descriptor ({@code fcntl(F_DUPFD_CLOEXEC)}): the copy refers to the
     * same open file and is closed separately.
     *
     * @return a new owned descriptor
     * @throws IOException if the process is out of descriptors (EMFILE)
     * @throws IllegalStateException if this descriptor is closed
     */
    public OwnedFd dup() throws IOException {
        int n = acquire();
        try {
            int r = Sys.fcntl(n, LibC.F_DUPFD_CLOEXEC(), 0);
            if (r < 0) {
                throw Errors.of("fcntl", "fd=" + n + ", F_DUPFD_CLOEXEC", -r);
            }
            return new OwnedFd(r);
        } finally {
            release();
        }
    }

    /**
     * Gives up ownership without closing: the caller must close the returned number.
     *
     * @return the descriptor's number
     * @throws IllegalStateException if the descriptor is closed or in use by a call
     */
    public int detach() {
        if (!uses.detach()) {
            throw isOpen()
                    ? new IllegalStateException("fd=" + fd + " is in use and cannot be detached")
                    : closed();
        }
        runCloseListeners(); // the number is the caller's now: whoever watched it through us lets go
        return fd;
    }

    /**
     * Asks to be told when the descriptor leaves this owner: {@code listener} runs once, on
     * the thread that really closes the number (the last of {@link #close()} and
     * {@link #release()}) just before {@code close(2)}, or in {@link #detach()}. It must be
     * short, must not block and must not close this descriptor. For {@link WaitSet}.
     *
     * @param listener what to run
     * @return false if the listeners have run already (the number is gone or going)
     */
    boolean addCloseListener(Runnable listener) {
        while (true) {
            Runnable[] now = (Runnable[]) LISTENERS.getVolatile(this);
            if (now == RAN) {
                return false;
            }
            Runnable[] more = Arrays.copyOf(now, now.length + 1);
            more[now.length] = listener;
            if (LISTENERS.compareAndSet(this, now, more)) {
                return true;
            }
        }
    }

    /**
     * Withdraws a listener added by {@link #addCloseListener}; nothing if it is not there or
     * has run.
     *
     * @param listener the listener, compared by identity
     */
    void removeCloseListener(Runnable listener) {
        while (true) {
            Runnable[] now = (Runnable[]) LISTENERS.getVolatile(this);
            int i = 0;
            while (i < now.length && now[i] != listener) {
                i++;
            }
            if (i == now.length) {
                return;
            }
            Runnable[] fewer = new Runnable[now.length - 1];
            System.arraycopy(now, 0, fewer, 0, i);
            System.arraycopy(now, i + 1, fewer, i, fewer.length - i);
            if (LISTENERS.compareAndSet(this, now, fewer)) {
                return;
            }
        }
    }

    private void runCloseListeners() {
        for (Runnable listener : (Runnable[]) LISTENERS.getAndSet(this, RAN)) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                // the descriptor is closed whatever a listener does: one that fails harms only itself
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, e);
            }
        }
    }

    /**
     * Closes the descriptor, once; later calls do nothing. If a call is using it, the
     * descriptor is closed when that call releases it. A failing {@code close(2)} is not
     * reported: Linux has released the descriptor whatever it returns.
     */
    @Override
    public void close() {
        uses.close();
    }

    private IllegalStateException closed() {
        return new IllegalStateException("fd=" + fd + " is closed");
    }

    @Override
    public String toString() {
        return "OwnedFd[fd=" + fd + (isOpen() ? "]" : ", closed]");
    }
}
