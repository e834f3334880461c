package org.panamaipc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.panamaipc.internal.EpollCalls;
import org.panamaipc.internal.NativeAccess;

/**
 * Sets of {@link Interest} as bits ({@link Interest#bit()}), so that a wait set keeps, compares
 * and reports them without allocating: every possible set exists once, unmodifiable.
 */
final class InterestBits {
    private static final Interest[] ALL = Interest.values();
    private static final List<Set<Interest>> SETS = allSets();
    /** The C library's values, read only once native access was checked ({@link NativeAccess}). */
    private static final class Native {
        /** The interests {@code EPOLLIN} makes ready. */
        static final int IN_BITS = bitsFor(EpollCalls.IN);
        /** The interests {@code EPOLLOUT} makes ready. */
        static final int OUT_BITS = bitsFor(EpollCalls.OUT);
        static final int ERROR_OR_HANGUP = EpollCalls.ERR | EpollCalls.HUP;
    }


    private InterestBits() {
    }

    private static List<Set<Interest>> allSets() {
        List<Set<Interest>> sets = new ArrayList<>();
        for (int bits = 0; bits < 1 << ALL.length; bits++) {
            EnumSet<Interest> s = EnumSet.noneOf(Interest.class);
            for (Interest i : ALL) {
                if ((bits & i.bit()) != 0) {
                    s.add(i);
                }
            }
            sets.add(Collections.unmodifiableSet(s));
        }
        return List.copyOf(sets);
    }

    private static int bitsFor(int epollEvent) {
        int bits = 0;
        for (Interest i : ALL) {
            if (i.epollEvent() == epollEvent) {
                bits |= i.bit();
            }
        }
        return bits;
    }

    /** {@return the unmodifiable set of {@code bits}} */
    static Set<Interest> set(int bits) {
        return SETS.get(bits);
    }

    /**
     * The bits of {@code wanted}, checked against what {@code object} offers.
     *
     * @throws IllegalArgumentException naming what the object offers, if it does not offer one
     */
    static int offered(Waitable object, Set<Interest> wanted) {
        Set<Interest> offers = object.interests();
        int bits = 0;
        for (Interest i : wanted) {
            if (!offers.contains(i)) {
                throw new IllegalArgumentException(object + " offers " + offers + ", not " + i);
            }
            bits |= i.bit();
        }
        return bits;
    }

    /** {@return the {@code EPOLL*} events that wait for {@code bits}} */
    static int epollEvents(int bits) {
        return ((bits & Native.IN_BITS) != 0 ? EpollCalls.IN : 0) | ((bits & Native.OUT_BITS) != 0 ? EpollCalls.OUT : 0);
    }

    /**
     * Which of the interests {@code bits} the events {@code epoll_wait} reported make ready. An
     * error or hang-up makes every interest ready, as the JDK's selectors do: the next call on
     * the object then reports it (end of file, a broken pipe) instead of waiting.
     */
    static int ready(int revents, int bits) {
        if ((revents & Native.ERROR_OR_HANGUP) != 0) {
            return bits;
        }
        return ((revents & EpollCalls.IN) != 0 ? bits & Native.IN_BITS : 0) | ((revents & EpollCalls.OUT) != 0 ? bits & Native.OUT_BITS : 0);
    }
}
