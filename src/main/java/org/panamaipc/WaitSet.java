package org.panamaipc;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Blocker;
import org.panamaipc.internal.Blocker.Timing;
import org.panamaipc.internal.BlockingCall;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.Deadline;
import org.panamaipc.internal.EpollCalls;
import org.panamaipc.internal.Errors;
import org.panamaipc.internal.EventCounter;
import org.panamaipc.internal.NativeAccess;

/**
 * Waits until any of many objects is ready: a queue holds a message, a pipe or socket has
 * bytes, a listening socket a connection, a child has exited, a signal has come. Any mix of
 * {@link Waitable} objects, over one {@code epoll} instance; no descriptor number is ever
 * handled by the caller.
 *
 * <pre>{@code
 * try (WaitSet set = WaitSet.create()) {
 *     set.register(orders, Interest.READABLE, "orders");          // a PosixMessageQueue
 *     set.register(server, Interest.ACCEPTABLE, "clients");       // a UnixServerSocket
 *     set.register(worker, Interest.EXITED, "worker");            // a ChildProcess
 *     while (true) {
 *         for (WaitSet.Key key : set.select(Duration.ofSeconds(1))) {
 *             if (!key.isValid()) {
 *                 continue;                                        // its object was closed
 *             }
 *             switch ((String) key.attachment()) {
 *                 case "orders" -> handle(orders.tryReceive());
 *                 case "clients" -> serve(server.tryAccept());
 *                 case "worker" -> { return; }
 *                 default -> { }
 *             }
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p><b>Level-triggered</b>, like {@code poll}: an object stays in every {@link #select}'s
 * result while it is ready, until what made it ready is taken. Readiness is a hint (another
 * thread or process may take the message first), so follow it with the object's
 * {@code tryX()} form, which never waits.
 *
 * <p><b>Closing a registered object</b> releases a waiting select, which reports its key
 * once, {@linkplain Key#isValid() no longer valid}, and forgets it: the set lets go of the
 * descriptor before its number is closed, so a number reused by a later {@code open} never
 * confuses the set.
 *
 * <p><b>Threads.</b> Registration, interest changes, {@link Key#cancel()}, {@link #wakeup()}
 * and {@link #close()} may come from any thread, also while another thread is in
 * {@link #select}; one thread selects at a time, others wait for it. {@link #wakeup()} makes a
 * waiting select return, or the next one if none waits. {@link #close()} releases the
 * selecting thread, and those waiting for their turn, with
 * {@link AsynchronousCloseException}. {@link Thread#interrupt()} ends a select with
 * {@link InterruptedIOException}: the set stays open and the thread's interrupt status set.
 * A virtual thread in {@link #select} parks, its carrier free; a platform thread blocks in
 * {@code epoll_wait}.
 *
 * <p><b>Memory.</b> The set owns its event buffer, in native memory, grown with the
 * registrations. The list a select returns is unmodifiable; a select whose result is the same
 * as the last one's returns the same list and allocates nothing, one that times out returns an
 * empty list.
 *
 * <p><b>Lifetime.</b> {@link #close()} closes the {@code epoll} descriptor (after a select in
 * progress has left) and cancels every key; the registered objects stay open. Use after close
 * throws {@link IllegalStateException}. A set is itself {@link Waitable} ({@link
 * Interest#READABLE} when one of its keys is ready), so sets nest.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/epoll.7.html">epoll(7)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/epoll_wait.2.html">epoll_wait(2)</a>
 */
public final class WaitSet implements Waitable, AutoCloseable {
    private static final Set<Interest> OFFERS = Collections.unmodifiableSet(EnumSet.of(Interest.READABLE));
    /** The epoll data of the set's own doorbell; a key's data is never negative. */
    private static final long WAKE = -1;
    private static final int MIN_EVENTS = 16;
    /** The C library's values, read only once native access was checked ({@link NativeAccess}). */
    private static final class Native {
        static final int EAGAIN = LibC.EAGAIN();
        static final int EEXIST = LibC.EEXIST();
        static final int EINTR = LibC.EINTR();
    }

    private static final BlockingCall EPOLL_WAIT = WaitSet::epollWait;

    private final OwnedFd epoll;
    private final int epollNumber;
    private final Blocker blocker;
    /** An eventfd in the epoll set, rung by {@link #wakeup()} and by the close of a registered object. */
    private final OwnedFd doorbell;
    private final ReentrantLock selecting = new ReentrantLock();
    /** Guards the key table, the epoll registrations and what the last select reported. */
    private final Object lock = new Object();
    private final KeyTable keys = new KeyTable();
    private final MemorySegment ctlEvent = Arena.ofAuto().allocate(EpollCalls.EVENT_BYTES, 8);
    private final ReadyList ready = new ReadyList();
    private volatile boolean closed;

    // the select thread's, under `selecting`: outgrown buffers are freed by the collector
    private MemorySegment events = MemorySegment.NULL;
    private int capacity;

    private WaitSet(OwnedFd epoll, OwnedFd doorbell) {
        this.epoll = epoll;
        this.epollNumber = epoll.get();
        this.doorbell = doorbell;
        this.blocker = Blocker.forDescriptor("wait set fd=" + epollNumber, epoll);
    }

    /**
     * Creates an empty set: an {@code epoll} instance and the eventfd {@link #wakeup()} rings,
     * both close-on-exec.
     *
     * @return the set
     * @throws IOException (EMFILE, ENFILE) if no descriptor is free
     * @see <a href="https://man7.org/linux/man-pages/man2/epoll_create1.2.html">epoll_create1(2)</a>
     */
    public static WaitSet create() throws IOException {
        NativeAccess.require();
        int ep = EpollCalls.create();
        if (ep < 0) {
            throw Errors.of("epoll_create1", "EPOLL_CLOEXEC", -ep);
        }
        OwnedFd epoll = OwnedFd.adopt(ep);
        OwnedFd doorbell = null;
        try {
            doorbell = EventCounter.open("a wait set's wakeup");
            WaitSet set = new WaitSet(epoll, doorbell);
            int r = EpollCalls.add(ep, doorbell.get(), EpollCalls.IN, WAKE, set.ctlEvent);
            if (r < 0) {
                throw Errors.of("epoll_ctl", "fd=" + ep + ", EPOLL_CTL_ADD, eventfd", -r);
            }
            return set;
        } catch (IOException | RuntimeException e) {
            epoll.close();
            if (doorbell != null) {
                doorbell.close();
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------- registration

    /**
     * Starts waiting for one interest of an object.
     *
     * @param object what to wait on
     * @param interest one of {@code object.interests()}
     * @return the key, with no attachment
     * @throws IllegalArgumentException if {@code object} does not offer {@code interest} (the
     *         message names what it offers), is already registered with this set, or is this set
     * @throws IllegalStateException if this set is closed, or {@code object} (not a channel) is
     * @throws ClosedChannelException if {@code object} is a closed channel
     * @throws IOException if {@code epoll_ctl} fails (ENOMEM, ENOSPC: the user's limit of watches)
     * @see <a href="https://man7.org/linux/man-pages/man2/epoll_ctl.2.html">epoll_ctl(2)</a>
     */
    public Key register(Waitable object, Interest interest) throws IOException {
        return register(object, EnumSet.of(Check.notNull("interest", interest)), null);
    }

    /**
     * Starts waiting for one interest of an object, with an attachment.
     *
     * @param object what to wait on
     * @param interest one of {@code object.interests()}
     * @param attachment what {@link Key#attachment()} returns, or {@code null}
     * @return the key
     * @throws IllegalArgumentException if {@code object} does not offer {@code interest} (the
     *         message names what it offers), is already registered with this set, or is this set
     * @throws IllegalStateException if this set is closed, or {@code object} (not a channel) is
     * @throws ClosedChannelException if {@code object} is a closed channel
     * @throws IOException if {@code epoll_ctl} fails (ENOMEM, ENOSPC: the user's limit of watches)
     * @see <a href="https://man7.org/linux/man-pages/man2/epoll_ctl.2.html">epoll_ctl(2)</a>
     */
    public Key register(Waitable object, Interest interest, Object attachment) throws IOException {
        return register(object, EnumSet.of(Check.notNull("interest", interest)), attachment);
    }

    /**
     * Starts waiting for some interests of an object.
     *
     * @param object what to wait on
     * @param interests some of {@code object.interests()}; empty registers the object without
     *        waiting on it until {@link Key#interests(Set)} says what to wait for
     * @param attachment what {@link Key#attachment()} returns, or {@code null}
     * @return the key
     * @throws IllegalArgumentException if {@code object} does not offer one of {@code interests}
     *         (the message names what it offers), is already registered with this set, or is
     *         this set
     * @throws IllegalStateException if this set is closed, or {@code object} (not a channel) is
     * @throws ClosedChannelException if {@code object} is a closed channel
     * @throws IOException if {@code epoll_ctl} fails (ENOMEM, ENOSPC: the user's limit of watches)
     * @see <a href="https://man7.org/linux/man-pages/man2/epoll_ctl.2.html">epoll_ctl(2)</a>
     */
    public Key register(Waitable object, Set<Interest> interests, Object attachment) throws IOException {
        Check.notNull("object", object);
        Check.notNull("interests", interests);
        if (object == this) {
            throw new IllegalArgumentException(this + " cannot wait on itself");
        }
        int bits = InterestBits.offered(object, interests);
        OwnedFd fd = Check.notNull("object.fd()", object.fd());
        int n = acquire(object, fd); // until the key is in place, the number stays this object's
        try {
            synchronized (lock) {
                ensureOpen();
                Key key = new Key(this, object, fd, n, attachment);
                if (!fd.addCloseListener(key.onClose)) {
                    throw new AssertionError("the close listeners of " + fd + " ran while it was acquired");
                }
                keys.add(key, bits); // gives the key the data its events carry
                int e = bits == 0 ? 0 : EpollCalls.add(epollNumber, n, InterestBits.epollEvents(bits), key.data, ctlEvent);
                if (e < 0) {
                    keys.remove(key);
                    fd.removeCloseListener(key.onClose);
                    if (e == -Native.EEXIST) {
                        throw new IllegalArgumentException(object + " is already registered with " + this
                                + ": change its key's interests instead");
                    }
                    throw Errors.of("epoll_ctl", "fd=" + epollNumber + ", EPOLL_CTL_ADD, " + object, -e);
                }
                return key;
            }
        } finally {
            fd.exit();
        }
    }

    /** Acquires an object's descriptor; a closed object is reported the way its kind reports use after close. */
    private static int acquire(Waitable object, OwnedFd fd) throws ClosedChannelException {
        int n = fd.tryAcquire();
        if (n < 0) {
            if (object instanceof Channel) {
                throw new ClosedChannelException();
            }
            throw new IllegalStateException(object + " is closed");
        }
        return n;
    }

    /**
     * {@return the keys registered now, in no particular order}
     *
     * @throws IllegalStateException if this set is closed (its keys were cancelled with it)
     */
    public List<Key> keys() {
        synchronized (lock) {
            if (!isOpen()) {
                throw new IllegalStateException(this + " is closed");
            }
            return keys.snapshot();
        }
    }

    // ---------------------------------------------------------------- select

    /**
     * Waits until at least one registered object is ready, {@link #wakeup()} is called or a
     * registered object is closed.
     *
     * @return the ready keys, and keys whose object was closed ({@linkplain Key#isValid() not
     *         valid}); empty after a wakeup with nothing ready
     * @throws AsynchronousCloseException if another thread closed this set meanwhile
     * @throws InterruptedIOException if the thread was interrupted (the set stays open)
     * @throws IllegalStateException if this set is closed
     * @throws IOException if {@code epoll_wait} fails
     * @see <a href="https://man7.org/linux/man-pages/man2/epoll_wait.2.html">epoll_wait(2)</a>
     */
    public List<Key> select() throws IOException {
        return select(Deadline.NONE);
    }

    /**
     * Waits at most {@code timeout} until at least one registered object is ready,
     * {@link #wakeup()} is called or a registered object is closed.
     *
     * @param timeout the longest wait; zero looks without waiting
     * @return the ready keys, and keys whose object was closed ({@linkplain Key#isValid() not
     *         valid}); empty on timeout, or after a wakeup with nothing ready
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws AsynchronousCloseException if another thread closed this set meanwhile
     * @throws InterruptedIOException if the thread was interrupted (the set stays open)
     * @throws IllegalStateException if this set is closed
     * @throws IOException if {@code epoll_wait} fails
     * @see <a href="https://man7.org/linux/man-pages/man2/epoll_wait.2.html">epoll_wait(2)</a>
     */
    public List<Key> select(Duration timeout) throws IOException {
        return select(Deadline.end(timeout));
    }

    /**
     * Looks without waiting: the keys ready now. Clears a {@link #wakeup()} not yet seen.
     *
     * @return the ready keys, and keys whose object was closed ({@linkplain Key#isValid() not
     *         valid}); empty if none
     * @throws IllegalStateException if this set is closed
     * @throws InterruptedIOException if the thread was interrupted while another thread selected
     * @throws AsynchronousCloseException if another thread closed this set meanwhile
     * @throws IOException if {@code epoll_wait} fails
     * @see <a href="https://man7.org/linux/man-pages/man2/epoll_wait.2.html">epoll_wait(2)</a>
     */
    public List<Key> selectNow() throws IOException {
        lockForSelect();
        try {
            int room = growEvents();
            int n = blocker.enter();
            int r;
            try {
                r = EpollCalls.await(n, events, room, 0);
            } finally {
                blocker.exit();
            }
            return collect(r == -Native.EINTR ? 0 : checked(r));
        } finally {
            selecting.unlock();
        }
    }

    private List<Key> select(long deadline) throws IOException {
        lockForSelect();
        try {
            int room = growEvents();
            long r = blocker.call(EPOLL_WAIT, 0, events, MemorySegment.NULL, room, 0, 0, deadline, Timing.POLL_IN);
            return collect(r == -Blocker.ETIMEDOUT ? 0 : checked((int) r));
        } finally {
            selecting.unlock();
        }
    }

    /** {@code epoll_wait} as the engine runs it: without a limit it blocks; with one it must not. */
    private static long epollWait(int ep, MemorySegment events, MemorySegment unused, long room, long y, long z,
            MemorySegment timeout) {
        boolean mayBlock = timeout.address() == 0;
        int n = EpollCalls.await(ep, events, (int) room, mayBlock ? -1 : 0);
        return n == 0 && !mayBlock ? -Native.EAGAIN : n;
    }

    private int checked(int r) throws IOException {
        if (r < 0) {
            throw Errors.of("epoll_wait", "fd=" + epollNumber, -r);
        }
        return r;
    }

    private void lockForSelect() throws IOException {
        ensureOpen();
        try {
            selecting.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to select on " + this);
        }
        if (closed) {
            selecting.unlock();
            throw new AsynchronousCloseException();
        }
    }

    /** Makes the event buffer hold one event per watched object and the doorbell; {@return its room} */
    private int growEvents() {
        int needed;
        synchronized (lock) {
            needed = keys.watched() + 1;
        }
        if (capacity < needed) {
            int room = Math.max(MIN_EVENTS, Math.max(needed, 2 * capacity));
            events = Arena.ofAuto().allocate(room * EpollCalls.EVENT_BYTES, 8);
            capacity = room;
        }
        return capacity;
    }

    private List<Key> collect(int n) {
        synchronized (lock) {
            boolean rang = false;
            ready.begin();
            for (int i = 0; i < n; i++) {
                long data = EpollCalls.data(events, i);
                if (data == WAKE) {
                    rang = true;
                    continue;
                }
                Key key = keys.get(data);
                if (key != null) { // else cancelled since epoll_wait returned
                    ready.found(key, InterestBits.ready(EpollCalls.events(events, i), key.interestBits));
                }
            }
            if (rang || ready.hasClosed()) {
                // under the lock, before the closed keys are taken: a close that rings after this
                // has its key reported by the next select, which its ring wakes
                ringOff();
            }
            return ready.end();
        }
    }

    /** Takes the doorbell's count, so that a wakeup makes one select return, not all later ones. */
    private void ringOff() {
        int n = doorbell.tryAcquire();
        if (n >= 0) {
            try {
                EventCounter.take(n);
            } finally {
                doorbell.exit();
            }
        }
    }

    /**
     * Makes the select waiting now return, or the next one if none waits; from any thread.
     * Does nothing once the set is closed.
     *
     * @see <a href="https://man7.org/linux/man-pages/man2/eventfd.2.html">eventfd(2)</a>
     */
    public void wakeup() {
        EventCounter.ring(doorbell);
    }

    // ---------------------------------------------------------------- keys' changes

    /** A registered object is being closed: runs on the closing thread, before its number is. */
    private void objectClosed(Key key) {
        synchronized (lock) {
            if (!key.valid) {
                return;
            }
            unwatch(key);
            ready.closed(key);
        }
        wakeup();
    }

    private void cancel(Key key) {
        synchronized (lock) {
            if (!key.valid) {
                return;
            }
            unwatch(key);
        }
        key.fd.removeCloseListener(key.onClose);
    }

    /** Removes a valid key from epoll and the table; under the lock. */
    private void unwatch(Key key) {
        // A valid key's object has not closed its number yet (its listener needs this lock), and
        // the epoll descriptor is open while the set is: both numbers still mean what they meant.
        if (!closed && key.interestBits != 0) {
            EpollCalls.remove(epollNumber, key.number, ctlEvent);
        }
        keys.remove(key);
        key.valid = false;
    }

    private void changeInterests(Key key, Set<Interest> interests) throws IOException {
        int bits = InterestBits.offered(key.object, Check.notNull("interests", interests));
        synchronized (lock) {
            if (!key.valid) {
                throw new IllegalStateException(key + " is cancelled");
            }
            ensureOpen();
            int e = 0;
            if (bits == 0) {
                if (key.interestBits != 0) {
                    e = EpollCalls.remove(epollNumber, key.number, ctlEvent);
                }
            } else {
                e = EpollCalls.arm(epollNumber, key.number, InterestBits.epollEvents(bits), key.data, ctlEvent);
            }
            if (e < 0) {
                throw Errors.of("epoll_ctl", "fd=" + epollNumber + ", " + key.object, -e);
            }
            keys.setInterests(key, bits);
        }
    }

    private Set<Interest> readyOf(Key key) {
        synchronized (lock) {
            return InterestBits.set(ready.readyBits(key));
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    // ---------------------------------------------------------------- the set as an object

    /** {@return what a set offers to the set it is registered with: {@link Interest#READABLE}} */
    @Override
    public Set<Interest> interests() {
        return OFFERS;
    }

    /**
     * The {@code epoll} descriptor, still owned by this set: readable while a key is ready.
     * Close the set, not the descriptor.
     *
     * @return the owned descriptor
     */
    @Override
    public OwnedFd fd() {
        return epoll;
    }

    /** {@return whether {@link #close()} has not been called} */
    public boolean isOpen() {
        return !closed;
    }

    /** {@return how many threads are blocked in a select of this set now} */
    int waiting() {
        return blocker.waiting();
    }

    /**
     * Closes the set, once: cancels every key (the objects stay open), releases the thread
     * in {@link #select} and those waiting for their turn with
     * {@link AsynchronousCloseException}, and closes the descriptors after the select has left.
     *
     * @see <a href="https://man7.org/linux/man-pages/man2/close.2.html">close(2)</a>
     */
    @Override
    public void close() {
        List<Key> cancelled;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            cancelled = keys.snapshot();
            for (Key key : cancelled) {
                unwatch(key); // the epoll instance goes with the set: no epoll_ctl needed
            }
            ready.clear();
        }
        for (Key key : cancelled) {
            key.fd.removeCloseListener(key.onClose);
        }
        blocker.close();
        doorbell.close();
    }

    @Override
    public String toString() {
        return "WaitSet[fd=" + epollNumber + (closed ? ", closed]" : "]");
    }

    /**
     * One object's registration with a {@link WaitSet}: what it waits for, what the last select
     * found, and the caller's attachment.
     */
    public static final class Key {
        private final WaitSet set;
        private final Waitable object;
        private final OwnedFd fd;
        private final int number;
        private final Runnable onClose;
        private volatile Object attachment;

        // guarded by the set's lock; set by its KeyTable and ReadyList
        long data;
        int interestBits;
        boolean valid = true;
        int readyBits;
        long readyEpoch;
        int found;

        private Key(WaitSet set, Waitable object, OwnedFd fd, int number, Object attachment) {
            this.set = set;
            this.object = object;
            this.fd = fd;
            this.number = number;
            this.attachment = attachment;
            this.onClose = () -> set.objectClosed(this);
        }

        /** {@return the set this key belongs to} */
        public WaitSet waitSet() {
            return set;
        }

        /** {@return the object registered} */
        public Waitable object() {
            return object;
        }

        /** {@return what was attached at registration or by {@link #attach}, or {@code null}} */
        public Object attachment() {
            return attachment;
        }

        /**
         * Replaces the attachment.
         *
         * @param attachment the new attachment, or {@code null}
         * @return the one replaced
         */
        public Object attach(Object attachment) {
            Object old = this.attachment;
            this.attachment = attachment;
            return old;
        }

        /** {@return what the set waits for on the object, unmodifiable} */
        public Set<Interest> interests() {
            synchronized (set.lock) {
                return InterestBits.set(interestBits);
            }
        }

        /**
         * Changes what the set waits for on the object; takes effect at once, also for a select
         * in progress.
         *
         * @param interests some of {@code object().interests()}; empty to stop waiting on the
         *        object while keeping it registered
         * @return this key
         * @throws IllegalArgumentException if the object does not offer one of them (the message
         *         names what it offers)
         * @throws IllegalStateException if the key is cancelled or the set closed
         * @throws IOException if {@code epoll_ctl} fails
         * @see <a href="https://man7.org/linux/man-pages/man2/epoll_ctl.2.html">epoll_ctl(2)</a>
         */
        public Key interests(Set<Interest> interests) throws IOException {
            set.changeInterests(this, interests);
            return this;
        }

        /**
         * {@return what the set's latest select found the object ready for, unmodifiable; empty
         * if that select did not report this key}
         */
        public Set<Interest> ready() {
            return set.readyOf(this);
        }

        /**
         * Whether the set's latest select found the object ready for {@code interest}.
         *
         * @param interest the interest
         * @return whether it was ready
         */
        public boolean isReady(Interest interest) {
            Check.notNull("interest", interest);
            synchronized (set.lock) {
                return (set.ready.readyBits(this) & interest.bit()) != 0;
            }
        }

        /**
         * {@return whether the key is still registered: false once cancelled, once the set is
         * closed, and once the object was closed (a select then reports the key one last time)}
         */
        public boolean isValid() {
            synchronized (set.lock) {
                return valid;
            }
        }

        /** Stops waiting on the object, once; it stays open. Idempotent. */
        public void cancel() {
            set.cancel(this);
        }

        @Override
        public String toString() {
            return "WaitSet.Key[" + object + (isValid() ? ", " + interests() + "]" : ", invalid]");
        }
    }
}
