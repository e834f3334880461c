package org.panamaipc.process;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.panamaipc.Errno;
import org.panamaipc.bindings.LibC;
import org.panamaipc.internal.Check;

/**
 * A tracee stopped at a system call's entry (with its arguments) or exit (with its result)
 * ({@link TraceOption#SYSCALLS}; {@code PTRACE_GET_SYSCALL_INFO}). Names come from the C
 * library's {@code SYS_*} constants of this machine's architecture.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/ptrace.2.html">ptrace(2)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/syscalls.2.html">syscalls(2)</a>
 */
public final class SyscallStop implements TraceEvent {
    private static final String[] NAMES = names();
    private static final Map<String, Integer> NUMBERS = numbers();

    private final long pid;
    private final boolean entry;
    private final int number;
    private final long[] arguments;
    private final long result;
    private final boolean error;

    SyscallStop(long pid, boolean entry, int number, long[] arguments, long result, boolean error) {
        this.pid = pid;
        this.entry = entry;
        this.number = number;
        this.arguments = arguments;
        this.result = result;
        this.error = error;
    }

    @Override
    public long pid() {
        return pid;
    }

    /** {@return true at the call's entry, false at its exit} */
    public boolean isEntry() {
        return entry;
    }

    /** {@return the call's number ({@code SYS_*}), or -1 at an exit whose entry was not seen} */
    public int number() {
        return number;
    }

    /** {@return the call's name, e.g. {@code "write"}, or {@code "syscall_N"} for a number without one} */
    public String name() {
        return nameOf(number);
    }

    /**
     * The arguments the call was made with, as the registers hold them.
     *
     * @return six values, the same at entry and exit (remembered from the entry); empty at
     *         an exit whose entry was not seen
     */
    public long[] arguments() {
        return arguments.clone();
    }

    /**
     * One argument.
     *
     * @param index 0 to 5
     * @return its value
     * @throws IndexOutOfBoundsException if there is no such argument
     */
    public long argument(int index) {
        return arguments[index];
    }

    /** {@return at the exit, the result (for a failed call, {@code -errno}); 0 at the entry} */
    public long result() {
        return result;
    }

    /** {@return whether, at the exit, the call failed (then {@link #errno()} names why)} */
    public boolean isError() {
        return error;
    }

    /** {@return the error of a failed call, or {@code null} (also for the kernel's internal restart codes, such as 512)} */
    public Errno errno() {
        return error ? Errno.of((int) -result) : null;
    }

    /**
     * The name of a system call number on this machine.
     *
     * @param number a {@code SYS_*} value
     * @return its name without the prefix ({@code "write"}), or {@code "syscall_N"}
     */
    public static String nameOf(int number) {
        if (number >= 0 && number < NAMES.length && NAMES[number] != null) {
            return NAMES[number];
        }
        return "syscall_" + number;
    }

    /**
     * The number of a system call on this machine.
     *
     * @param name its name, e.g. {@code "write"}
     * @return its number, or -1 if this machine has no such call
     */
    public static int numberOf(String name) {
        Integer n = NUMBERS.get(Check.notNull("name", name));
        return n == null ? -1 : n;
    }

    /** The generated {@code SYS_*} constants, by number; read once, by reflection on the bindings. */
    private static String[] names() {
        Map<Integer, String> byNumber = new HashMap<>();
        int max = 0;
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        for (Method m : LibC.class.getMethods()) {
            if (m.getName().startsWith("SYS_") && m.getParameterCount() == 0 && m.getReturnType() == int.class
                    && Modifier.isStatic(m.getModifiers())) {
                try {
                    int n = (int) lookup.findStatic(LibC.class, m.getName(), MethodType.methodType(int.class)).invokeExact();
                    byNumber.merge(n, m.getName().substring(4), (a, b) -> a.compareTo(b) <= 0 ? a : b);
                    max = Math.max(max, n);
                } catch (Throwable t) {
                    throw new ExceptionInInitializerError(t);
                }
            }
        }
        String[] names = new String[max + 1];
        byNumber.forEach((n, name) -> names[n] = name);
        return names;
    }

    private static Map<String, Integer> numbers() {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i] != null) {
                m.put(NAMES[i], i);
            }
        }
        return m;
    }

    /** {@return e.g. {@code pid 12 write(1, 0x5555..., 3) entry} or {@code pid 12 write = 3}} */
    @Override
    public String toString() {
        if (entry) {
            return "SyscallStop[pid " + pid + " " + name() + Arrays.toString(arguments) + " entry]";
        }
        return "SyscallStop[pid " + pid + " " + name() + " = " + (error ? "-1 " + Errno.describe((int) -result) : Long.toString(result)) + "]";
    }
}
