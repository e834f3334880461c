package org.panamaipc.sync;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.panamaipc.bindings.LibC;
import org.panamaipc.bindings.sembuf;
import org.panamaipc.internal.Check;
import org.panamaipc.internal.NativeAccess;

/**
 * An immutable list of operations on a System V semaphore set, applied atomically by
 * {@link SysVSemaphoreSet#operate(SemaphoreOps)}: all of them or none.
 *
 * <p>Each operation names a semaphore by index and a delta: negative takes (waits until the
 * value is at least {@code -delta}), positive gives, 0 waits until the value is 0. The list
 * is written once into native memory, so operating with it allocates nothing: build it once
 * and reuse it.
 *
 * <pre>{@code
 * SemaphoreOps takeBoth = SemaphoreOps.builder()
 *         .add(0, -1, SemaphoreFlag.UNDO)
 *         .add(1, -1, SemaphoreFlag.UNDO)
 *         .build();
 * }</pre>
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/semop.2.html">semop(2)</a>
 */
public final class SemaphoreOps {
    private final MemorySegment ops;
    private final int count;
    private final int highestIndex;
    private final boolean noWait;
    private final String text;

    private SemaphoreOps(MemorySegment ops, int count, int highestIndex, boolean noWait, String text) {
        this.ops = ops;
        this.count = count;
        this.highestIndex = highestIndex;
        this.noWait = noWait;
        this.text = text;
    }

    /**
     * One operation.
     *
     * @param index the semaphore's index in the set, 0 to 65534
     * @param delta the change: negative takes, positive gives, 0 waits for zero;
     *        -{@value SysVSemaphoreSet#MAX_VALUE} to {@value SysVSemaphoreSet#MAX_VALUE}
     * @param flags {@link SemaphoreFlag#NO_WAIT}, {@link SemaphoreFlag#UNDO}
     * @return a list of this one operation
     */
    public static SemaphoreOps of(int index, int delta, SemaphoreFlag... flags) {
        NativeAccess.require();
        return builder().add(index, delta, flags).build();
    }

    /** {@return a builder for a list of operations} */
    public static Builder builder() {
        NativeAccess.require();
        return new Builder();
    }

    /** {@return how many operations the list holds} */
    public int size() {
        return count;
    }

    MemorySegment segment() {
        return ops;
    }

    int highestIndex() {
        return highestIndex;
    }

    boolean anyNoWait() {
        return noWait;
    }

    @Override
    public String toString() {
        return text;
    }

    /** Collects operations for a {@link SemaphoreOps}. */
    public static final class Builder {
        private record Op(short index, short delta, short flags, String text) {
        }

        private final List<Op> ops = new ArrayList<>();

        private Builder() {
        }

        /**
         * Adds an operation.
         *
         * @param index the semaphore's index in the set, 0 to 65534
         * @param delta negative takes, positive gives, 0 waits for zero;
         *        -{@value SysVSemaphoreSet#MAX_VALUE} to {@value SysVSemaphoreSet#MAX_VALUE}
         * @param flags {@link SemaphoreFlag#NO_WAIT}, {@link SemaphoreFlag#UNDO}
         * @return this builder
         * @throws IllegalArgumentException if index or delta is out of range
         */
        public Builder add(int index, int delta, SemaphoreFlag... flags) {
            Check.notNull("flags", flags);
            if (index < 0 || index > 0xfffe) {
                throw new IllegalArgumentException("index=" + index + " must be 0 to 65534");
            }
            if (delta < -SysVSemaphoreSet.MAX_VALUE || delta > SysVSemaphoreSet.MAX_VALUE) {
                throw new IllegalArgumentException("delta=" + delta + " must be within -SEMVMX..SEMVMX ("
                        + SysVSemaphoreSet.MAX_VALUE + ")");
            }
            int f = 0;
            StringBuilder text = new StringBuilder("{").append(index).append(", ").append(delta);
            for (SemaphoreFlag flag : flags) {
                Check.notNull("flag", flag);
                f |= flag == SemaphoreFlag.NO_WAIT ? LibC.IPC_NOWAIT() : LibC.SEM_UNDO();
            }
            text.append(", ").append(flagText(f)).append('}');
            ops.add(new Op((short) index, (short) delta, (short) f, text.toString()));
            return this;
        }

        /**
         * Writes the list into native memory.
         *
         * @return the list
         * @throws IllegalStateException if no operation was added
         */
        public SemaphoreOps build() {
            if (ops.isEmpty()) {
                throw new IllegalStateException("no operation added");
            }
            MemorySegment segment = Arena.ofAuto().allocate(sembuf.layout(), ops.size());
            int highest = 0;
            boolean noWait = false;
            StringBuilder text = new StringBuilder("[");
            for (int i = 0; i < ops.size(); i++) {
                Op op = ops.get(i);
                MemorySegment one = sembuf.asSlice(segment, i);
                sembuf.sem_num(one, op.index);
                sembuf.sem_op(one, op.delta);
                sembuf.sem_flg(one, op.flags);
                highest = Math.max(highest, Short.toUnsignedInt(op.index));
                noWait |= (op.flags & LibC.IPC_NOWAIT()) != 0;
                text.append(i == 0 ? "" : ", ").append(op.text);
            }
            return new SemaphoreOps(segment, ops.size(), highest, noWait, text.append(']').toString());
        }

        private static String flagText(int f) {
            if (f == 0) {
                return "0";
            }
            String s = (f & LibC.IPC_NOWAIT()) != 0 ? "IPC_NOWAIT" : "";
            if ((f & LibC.SEM_UNDO()) != 0) {
                s = s.isEmpty() ? "SEM_UNDO" : s + "|SEM_UNDO";
            }
            return s;
        }
    }
}
