package org.panamaipc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The keys of one {@link WaitSet} by slot, so that the data of an epoll event finds its key
 * with no map and no boxing. The data is the slot and a serial number: an event read before
 * its key was cancelled, whose slot a new key has taken since, finds nothing. Guarded by the
 * set's lock.
 */
final class KeyTable {
    private WaitSet.Key[] slots = new WaitSet.Key[16];
    private int[] free = new int[16];
    private int freeCount;
    private int used;
    private int serial;
    private int watched;

    /** Adds a key waiting for {@code bits} and sets its data. */
    void add(WaitSet.Key key, int bits) {
        int slot;
        if (freeCount > 0) {
            slot = free[--freeCount];
        } else {
            if (used == slots.length) {
                slots = Arrays.copyOf(slots, 2 * used);
                free = Arrays.copyOf(free, 2 * used);
            }
            slot = used++;
        }
        serial = (serial + 1) & Integer.MAX_VALUE; // keeps the data positive: -1 is the set's doorbell
        key.data = (long) serial << 32 | slot;
        slots[slot] = key;
        key.interestBits = bits;
        if (bits != 0) {
            watched++;
        }
    }

    /** {@return the key an event's data names, or {@code null} if it is gone} */
    WaitSet.Key get(long data) {
        int slot = (int) data;
        if (slot < 0 || slot >= used) {
            return null;
        }
        WaitSet.Key key = slots[slot];
        return key != null && key.data == data ? key : null;
    }

    /** Removes a key, if it is here. */
    void remove(WaitSet.Key key) {
        int slot = (int) key.data;
        if (slot < used && slots[slot] == key) {
            slots[slot] = null;
            free[freeCount++] = slot;
            if (key.interestBits != 0) {
                watched--;
            }
        }
    }

    /** Changes what a key waits for. */
    void setInterests(WaitSet.Key key, int bits) {
        watched += (bits != 0 ? 1 : 0) - (key.interestBits != 0 ? 1 : 0);
        key.interestBits = bits;
    }

    /** {@return how many keys epoll watches: what one {@code epoll_wait} can report at most, but for the doorbell} */
    int watched() {
        return watched;
    }

    /** {@return the keys, a copy} */
    List<WaitSet.Key> snapshot() {
        List<WaitSet.Key> all = new ArrayList<>();
        for (int i = 0; i < used; i++) {
            if (slots[i] != null) {
                all.add(slots[i]);
            }
        }
        return all;
    }
}
