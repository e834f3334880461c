package org.panamaipc.process;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.panamaipc.bindings.user_regs_struct;
import org.panamaipc.internal.Check;

/**
 * A copy of a stopped tracee's general-purpose registers ({@code PTRACE_GETREGSET} with
 * {@code NT_PRSTATUS}: the C library's {@code struct user_regs_struct}), by the names that
 * struct gives them on this machine ({@code rip}, {@code rsp}, {@code rax}, {@code orig_rax}...
 * on x86_64).
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/ptrace.2.html">ptrace(2)</a>
 */
public final class Registers {
    private static final List<String> NAMES = memberNames();

    private final long pid;
    private final MemorySegment copy;

    Registers(long pid, MemorySegment copy) {
        this.pid = pid;
        this.copy = copy;
    }

    private static List<String> memberNames() {
        List<String> names = new ArrayList<>();
        for (MemoryLayout m : user_regs_struct.layout().memberLayouts()) {
            m.name().ifPresent(names::add);
        }
        return Collections.unmodifiableList(names);
    }

    /** {@return the tracee whose registers these are} */
    public long pid() {
        return pid;
    }

    /** {@return the registers' names, in the order of {@code struct user_regs_struct}} */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * One register's value.
     *
     * @param name a name from {@link #names()}, e.g. {@code "rip"}
     * @return its value (an unsigned 64-bit register as a {@code long})
     * @throws IllegalArgumentException if this machine has no register of that name
     * @throws NullPointerException if {@code name} is null
     */
    public long get(String name) {
        Check.notNull("name", name);
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("register=" + name + " is not one of " + NAMES);
        }
        long offset = user_regs_struct.layout().byteOffset(MemoryLayout.PathElement.groupElement(name));
        return copy.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
    }

    /** {@return the instruction pointer ({@code rip})} */
    public long instructionPointer() {
        return user_regs_struct.rip(copy);
    }

    /** {@return the stack pointer ({@code rsp})} */
    public long stackPointer() {
        return user_regs_struct.rsp(copy);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Registers[pid ").append(pid);
        for (String n : NAMES) {
            b.append(", ").append(n).append("=0x").append(Long.toHexString(get(n)));
        }
        return b.append(']').toString();
    }
}
