package org.panamaipc.channel;

import java.util.concurrent.locks.LockSupport;

/**
 * How a blocking call of a channel end waits while there is no record (or no room): spin,
 * yield, back off, or sleep in the kernel until the other side wakes it.
 *
 * <p>The end calls {@link #idle(int)} after each attempt that found nothing, with how many
 * such attempts came before; the strategy does its own kind of waiting and returns
 * {@code false}, or returns {@code true} to have the end sleep on the channel's futex
 * (announcing itself, so that the other side makes the {@code FUTEX_WAKE} call only then).
 * Between attempts the end looks at close, interrupt, its deadline and, every few
 * milliseconds, whether the peer is still alive, whatever the strategy.
 *
 * <table class="striped">
 *   <caption>The strategies</caption>
 *   <tr><th>strategy</th><th>latency</th><th>CPU while idle</th></tr>
 *   <tr><td>{@link #busySpin()}</td><td>lowest</td><td>one core</td></tr>
 *   <tr><td>{@link #yielding()}</td><td>low</td><td>one core, shared</td></tr>
 *   <tr><td>{@link #backoff(int, int, long)}</td><td>up to the longest park</td><td>little</td></tr>
 *   <tr><td>{@link #park()} (the default)</td><td>a futex wake-up, a few microseconds</td><td>none</td></tr>
 * </table>
 *
 * <p>Only {@link #park()} lets a virtual thread wait without holding its carrier: the wait is
 * handed to the library's engine like every descriptor-less wait. The spinning strategies
 * keep the thread running, as their names say.
 */
@FunctionalInterface
public interface IdleStrategy {
    /**
     * Waits a little, or asks the end to sleep until woken.
     *
     * @param idleCount how many attempts in a row found nothing before this one, from 0
     * @return {@code true} to sleep on the channel's futex now, {@code false} to try again
     */
    boolean idle(int idleCount);

    /** {@return a strategy that spins ({@link Thread#onSpinWait()}), never sleeping} */
    static IdleStrategy busySpin() {
        return count -> {
            Thread.onSpinWait();
            return false;
        };
    }

    /** {@return a strategy that yields the processor ({@link Thread#yield()}) between attempts} */
    static IdleStrategy yielding() {
        return count -> {
            Thread.yield();
            return false;
        };
    }

    /**
     * A strategy that spins, then yields, then parks for doubling times up to a bound, as
     * Agrona's {@code BackoffIdleStrategy}; it never sleeps on the futex.
     *
     * @param spins attempts that spin, not negative
     * @param yields attempts after those that yield, not negative
     * @param maxParkNanos the longest park, at least 1000 (parks start at 1 µs)
     * @return the strategy
     * @throws IllegalArgumentException if a bound is out of range
     */
    static IdleStrategy backoff(int spins, int yields, long maxParkNanos) {
        if (spins < 0 || yields < 0 || maxParkNanos < 1000) {
            throw new IllegalArgumentException("spins=" + spins + " yields=" + yields + " maxParkNanos="
                    + maxParkNanos + ": counts must not be negative and maxParkNanos at least 1000");
        }
        int maxShift = 63 - Long.numberOfLeadingZeros(maxParkNanos / 1000);
        return count -> {
            if (count < spins) {
                Thread.onSpinWait();
            } else if (count - spins < yields) {
                Thread.yield();
            } else {
                int shift = Math.min(count - spins - yields, maxShift);
                LockSupport.parkNanos(Math.min(1000L << shift, maxParkNanos));
            }
            return false;
        };
    }

    /** {@return the default: spin 100 attempts, then sleep on the futex until woken} */
    static IdleStrategy park() {
        return park(100);
    }

    /**
     * A strategy that spins a few attempts and then sleeps on the channel's futex
     * ({@code FUTEX_WAIT}) until the other side wakes it. An end whose spins found nothing
     * before eight sleeps in a row (its peer shares its CPU, and cannot run while it spins)
     * sleeps at once, and spins again one wait in 64 to see whether that pays again.
     *
     * <p>{@code park(0)} never spins: for a reader whose writer runs on its own CPU, or
     * sends rarely. Such a reader (of a one-to-one or many-to-one channel) asks the writers
     * to fence each record, which saves each of its sleeps a {@code membarrier} call: a round
     * trip between two processes on one CPU takes 1.2 times C's futex ping-pong with
     * {@code park(0)}, 1.45 times with {@code park()} (bench/NOTES.md).
     *
     * @param spins attempts that spin first, not negative (0: sleep at once)
     * @return the strategy
     * @throws IllegalArgumentException if {@code spins} is negative
     */
    static IdleStrategy park(int spins) {
        if (spins < 0) {
            throw new IllegalArgumentException("spins=" + spins + " must not be negative");
        }
        return new Park(spins);
    }
}
