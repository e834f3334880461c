package org.panamaipc.mq;

import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.NativeAccess;

/**
 * Which message a System V receive takes: the {@code msgtyp} argument of {@code msgrcv}
 * and its {@code MSG_EXCEPT} flag, as a value. Immutable; make filters once and reuse them.
 *
 * <ul>
 * <li>{@link #any()}: the oldest message ({@code msgtyp = 0});
 * <li>{@link #exactly(long) exactly(t)}: the oldest of type {@code t} ({@code msgtyp = t});
 * <li>{@link #lowestUpTo(long) lowestUpTo(t)}: the oldest of the lowest type that is at
 *     most {@code t} ({@code msgtyp = -t}), a priority queue where low types go first;
 * <li>{@link #anyExcept(long) anyExcept(t)}: the oldest whose type is not {@code t}
 *     ({@code msgtyp = t} with {@code MSG_EXCEPT}).
 * </ul>
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/msgrcv.2.html">msgrcv(2)</a>
 */
public final class TypeFilter {
    private static final TypeFilter ANY = new TypeFilter(0, 0, "any");

    private final long msgtyp;
    private final int flags;
    private final String text;

    private TypeFilter(long msgtyp, int flags, String text) {
        this.msgtyp = msgtyp;
        this.flags = flags;
        this.text = text;
    }

    /** {@return the filter taking the oldest message of any type} */
    public static TypeFilter any() {
        NativeAccess.require();
        return ANY;
    }

    /**
     * The filter taking the oldest message of one type.
     *
     * @param type a positive type
     * @return the filter
     * @throws IllegalArgumentException if {@code type} is not positive
     */
    public static TypeFilter exactly(long type) {
        NativeAccess.require();
        Check.positive("type", type);
        return new TypeFilter(type, 0, "exactly " + type);
    }

    /**
     * The filter taking the oldest message of the lowest type not above {@code maxType}.
     *
     * @param maxType a positive type
     * @return the filter
     * @throws IllegalArgumentException if {@code maxType} is not positive
     */
    public static TypeFilter lowestUpTo(long maxType) {
        NativeAccess.require();
        Check.positive("maxType", maxType);
        return new TypeFilter(-maxType, 0, "lowest up to " + maxType);
    }

    /**
     * The filter taking the oldest message whose type is not {@code type}.
     *
     * @param type a positive type
     * @return the filter
     * @throws IllegalArgumentException if {@code type} is not positive
     */
    public static TypeFilter anyExcept(long type) {
        NativeAccess.require();
        Check.positive("type", type);
        return new TypeFilter(type, LibC.MSG_EXCEPT(), "any except " + type);
    }

    /** {@return the {@code msgtyp} argument of {@code msgrcv}} */
    public long msgtyp() {
        return msgtyp;
    }

    /** {@return whether {@code MSG_EXCEPT} is passed} */
    public boolean except() {
        return flags != 0;
    }

    int flags() {
        return flags;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TypeFilter f && f.msgtyp == msgtyp && f.flags == flags;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(msgtyp) * 31 + flags;
    }

    /** {@return the filter in words, e.g. {@code TypeFilter[any except 3]}} */
    @Override
    public String toString() {
        return "TypeFilter[" + text + "]";
    }
}
