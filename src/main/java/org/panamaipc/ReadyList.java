package org.panamaipc;

import java.util.ArrayList;
import java.util.List;

/**
 * What the selects of one {@link WaitSet} report: the list the latest returned and each key's
 * ready set in it. A select that finds what the latest found (a level-triggered loop that has
 * not taken anything yet) returns the same list and allocates nothing. Keys whose object was
 * closed wait here for the next select to report them once. Guarded by the set's lock.
 */
final class ReadyList {
    private final ArrayList<WaitSet.Key> found = new ArrayList<>();
    private final ArrayList<WaitSet.Key> closed = new ArrayList<>();
    private List<WaitSet.Key> last = List.of();
    /** Counts the lists reported: a key's ready set belongs to the latest if its epoch is this. */
    private long epoch;
    private boolean same;

    /** Starts collecting one select's result. */
    void begin() {
        found.clear();
        same = true;
    }

    /** A key the select found ready for {@code bits} (nothing if none). */
    void found(WaitSet.Key key, int bits) {
        if (bits == 0) {
            return; // its interests changed since epoll_wait returned
        }
        key.found = bits;
        same &= key.readyEpoch == epoch && key.readyBits == bits;
        found.add(key);
    }

    /** A key whose object was closed, for the next select to report. */
    void closed(WaitSet.Key key) {
        key.found = 0;
        closed.add(key);
    }

    /** {@return whether keys whose object was closed wait to be reported} */
    boolean hasClosed() {
        return !closed.isEmpty();
    }

    /** {@return the select's result} */
    List<WaitSet.Key> end() {
        if (!closed.isEmpty()) {
            found.addAll(closed);
            closed.clear();
            same = false;
        }
        // every key found was in the latest list with the same ready set, and as many: the same list
        if (same && found.size() == last.size()) {
            return last;
        }
        epoch++;
        for (WaitSet.Key key : found) {
            key.readyBits = key.found;
            key.readyEpoch = epoch;
        }
        last = found.isEmpty() ? List.of() : List.copyOf(found);
        return last;
    }

    /** {@return what the latest select found {@code key} ready for} */
    int readyBits(WaitSet.Key key) {
        return key.readyEpoch == epoch ? key.readyBits : 0;
    }

    /** Forgets everything: the set is closed. */
    void clear() {
        closed.clear();
        last = List.of();
        epoch++;
    }
}
