package org.panamaipc.channel;

/**
 * {@link IdleStrategy#park(int)}: spins {@code spins} attempts, then asks to sleep. A class
 * of its own so that a waiting end can tell it from other strategies and stop spinning where
 * spinning does not pay (see {@code EndWaits}).
 *
 * @param spins attempts that spin first
 */
record Park(int spins) implements IdleStrategy {
    @Override
    public boolean idle(int idleCount) {
        if (idleCount < spins) {
            Thread.onSpinWait();
            return false;
        }
        return true;
    }
}
