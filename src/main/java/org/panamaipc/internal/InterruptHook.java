package org.panamaipc.internal;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.spi.AbstractInterruptibleChannel;

/**
 * What {@link Thread#interrupt()} runs while a thread is in a blocking call: the JDK's public
 * hook for interruptible I/O ({@link AbstractInterruptibleChannel#begin()} registers it with
 * the thread), used for every object of the library, channel or not. It is not a channel
 * anyone sees; once it has fired it stays closed, and the thread's {@link Waiter} makes a new
 * one.
 */
final class InterruptHook extends AbstractInterruptibleChannel {
    private final Waiter waiter;
    /**
     * The object of the call in progress. Plain, not volatile (two fences a call fewer): it is
     * written before {@code begin()} and read by {@link #implCloseChannel()} on the
     * interrupting thread, which finds this hook under the thread's interrupt lock that
     * {@code begin()} released after the write. A read racing with {@link #disarm()} may see
     * either value, as it could when the field was volatile; {@link Waiter#onInterrupt}
     * accepts both.
     */
    private Blocker blocker;

    InterruptHook(Waiter waiter) {
        this.waiter = waiter;
    }

    void arm(Blocker target) {
        blocker = target;
        begin(); // fires at once (implCloseChannel on this thread) if interrupted already
    }

    /** {@return whether the hook fired since {@link #arm}} */
    boolean disarm() {
        blocker = null;
        try {
            end(true);
            return !isOpen();
        } catch (ClosedByInterruptException fired) {
            return true;
        } catch (IOException cannotHappen) {
            throw new AssertionError(cannotHappen);
        }
    }

    @Override
    protected void implCloseChannel() {
        waiter.onInterrupt(blocker);
    }
}
